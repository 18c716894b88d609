"""Shared CLI plumbing: one-line errors with stable exit codes, option choices as enums."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any, get_args

import typer
from typer.core import TyperGroup

try:  # recent typer vendors click as typer._click; older ones use click itself
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors

from cge.api import Backend as _Backend
from cge.errors import CGEError

EXIT_CODES = {0: "success", 1: "some scenarios of a batch failed", 2: "bad input (file, field, value)",
              3: "the solver did not converge", 130: "interrupted (Ctrl-C, SIGINT or SIGTERM); finished results kept"}


def choices(name: str, values: tuple[str, ...]) -> type[Enum]:
    """An Enum of option values, so that help and shell completion show the choices."""
    return Enum(name, [(v, v) for v in values], type=str)  # type: ignore[return-value]


Backend = choices("Backend", get_args(_Backend))


class OneLineErrors(TyperGroup):
    """The `cge` group: a usage error (unknown option, bad choice, missing argument) is one
    line, ``error: <message>``, with exit status 2, like every other input error."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # noqa: ANN401
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click_errors.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else "cge"
            message = exc.format_message().replace("Value error, ", "")
            typer.echo(f"error: {message} (see {command} --help)", err=True)
            sys.exit(2)
        except click_errors.ClickException as exc:
            typer.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a CGEError into ``error: <one line>`` on stderr and its exit code."""
    try:
        yield
    except CGEError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None


def echo_json(obj: object) -> None:
    """Print a JSON document (values JSON cannot encode are printed as strings)."""
    typer.echo(json.dumps(obj, indent=2, default=str))
