"""cge: a multi-region, multi-sector CGE model of world trade (Pyomo + Ipopt), calibrated to WIOD."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cge-trade")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
