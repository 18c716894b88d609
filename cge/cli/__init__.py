"""The `cge` command line: one sub-module per command group, each a thin layer over the
Python API (cge/api.py): parse options, call the API, print.

Exit codes: 0 success; 1 some scenarios of a batch failed; 2 bad input (the error
line names the field or file); 3 the solver did not converge.  Progress bars go to
standard error and ``--quiet`` turns them off; ``--json`` output is JSON only.
"""

import typer

from cge.cli import data as data_cli
from cge.cli import scenario as scenario_cli
from cge.cli.batch import batch
from cge.cli.common import OneLineErrors
from cge.cli.compare import compare
from cge.cli.run import bench, info, run
from cge.cli.ssa import ssa

app = typer.Typer(cls=OneLineErrors, no_args_is_help=True, add_completion=True,
                  help="Multi-region CGE model of world trade calibrated to WIOD.")


@app.callback()
def main(quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bars")) -> None:
    """Multi-region CGE model of world trade calibrated to WIOD."""
    from cge.progress import set_progress

    if quiet:
        set_progress(False)


app.add_typer(data_cli.app, name="data")
app.add_typer(scenario_cli.app, name="scenario")
app.command("run")(run)
app.command("info")(info)
app.command("bench")(bench)
app.command("batch")(batch)
app.command("compare")(compare)
app.command("ssa")(ssa)
