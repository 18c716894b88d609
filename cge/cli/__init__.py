"""The `cge` command line: one sub-module per command group.

Exit codes: 0 success; 1 some scenarios of a batch failed; 2 bad input (the error
line names the field or file); 3 the solver did not converge.
"""

import typer

from cge.cli import data as data_cli
from cge.cli.batch import batch
from cge.cli.compare import compare
from cge.cli.run import bench, info, run
from cge.cli.ssa import ssa

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Multi-region CGE model of world trade calibrated to WIOD.")
app.add_typer(data_cli.app, name="data")
app.command("run")(run)
app.command("info")(info)
app.command("bench")(bench)
app.command("batch")(batch)
app.command("compare")(compare)
app.command("ssa")(ssa)
