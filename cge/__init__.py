"""cge: a multi-region, multi-sector CGE model of world trade (docs/api.md).

    import cge
    ds = cge.run(cge.load_scenario("trade_war_2018_2019"))
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cge-trade")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

# The public API: everything the command line does (cge/api.py, docs/api.md).
from cge.api import (Backend, Model, check, edit, info, load_scenario, run, run_batch,  # noqa: E402
                     run_many, scenario, schema, set_progress, ssa)

# Analyses built on a run (sensitivity analysis, decomposition entry points) are added here,
# one import line each, from their own modules, and listed in __all__ and docs/api.md.

__all__ = ["Backend", "Model", "__version__", "check", "edit", "info", "load_scenario", "run",
           "run_batch", "run_many", "scenario", "schema", "set_progress", "ssa"]
