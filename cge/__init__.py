"""cge: a multi-region, multi-sector CGE model of world trade (docs/api.md).

    import cge
    ds = cge.run(cge.load_scenario("trade_war_2018_2019"))
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cge-trade")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from cge.api import Model, edit, load_scenario, run, run_many, scenario, ssa  # noqa: E402

__all__ = ["Model", "__version__", "edit", "load_scenario", "run", "run_many", "scenario", "ssa"]
