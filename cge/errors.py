"""Errors a user can act on.

Every error raised for bad input is a :class:`CGEInputError` whose message is one
line naming the field (or file) and the allowed values; the CLI prints it as
``error: <message>`` and exits with status 2, with no stack trace.  A solve that
does not converge raises :class:`SolveError` (exit status 3).
"""


class CGEError(Exception):
    """Base class of the errors the CLI reports in one line."""

    exit_code = 1


class CGEInputError(CGEError, ValueError):
    """Bad user input: unknown code, malformed file, out-of-range value, missing file."""

    exit_code = 2


class SolveError(CGEError, RuntimeError):
    """The solver did not reach a verified solution (status, iterations, residual)."""

    exit_code = 3


class OutputError(CGEInputError):
    """An output folder or file cannot be written (a file in the folder's place, read-only,
    full); whatever was there before is left as it was."""


class BatchInterrupted(CGEError):
    """A batch was interrupted (Ctrl-C, SIGINT or SIGTERM); finished results are kept."""

    exit_code = 130
