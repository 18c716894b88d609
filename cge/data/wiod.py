"""Reader of the World Input-Output Database, 2013 release (world input-output tables).

The raw files are ``wiot_YYYY.RData`` from the R package ``wiod`` (B. Quast), read with
the ``rdata`` package.  Each holds one list with

* ``inter``  -- 1435 x 1435 intermediate-use matrix Z (41 countries x 35 industries),
* ``final``  -- 1435 x 205 final-demand matrix F (41 countries x 5 categories),
* ``output`` -- 1435 gross output at basic prices,
* ``countries``, ``industries`` -- the 41 country and 35 industry codes,

all in current USD million at basic prices.  Rows and columns are ordered
country-major (all industries of the first country, then the next country).

The five final-demand columns of each country are, in this order, CONS_h (households),
CONS_np (non-profit institutions serving households), CONS_g (government), GFCF (gross
fixed capital formation) and INVEN (changes in inventories and valuables): this is the
order of the final-demand codes in ``WIOD_Corr.rda`` (``WIOD_ESTAT``) and of the WIOD
release itself, and the data confirm it (for 2011 the five column groups sum to 39.8,
0.4, 12.4, 16.1 and 0.6 tn USD, and only the fifth group has many negative entries).

Cite: Timmer, Dietzenbacher, Los, Stehrer and de Vries (2015), "An Illustrated User
Guide to the World Input-Output Database: the Case of Global Automotive Production",
Review of International Economics 23: 575-605.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cge.errors import CGEInputError
from cge.resources import data_root, default_raw_data_dir

WIOD_CITATION = (
    "World Input-Output Database, 2013 release (WIOT in current prices, USD million); "
    "Timmer, Dietzenbacher, Los, Stehrer and de Vries (2015), \"An Illustrated User Guide "
    "to the World Input-Output Database: the Case of Global Automotive Production\", "
    "Review of International Economics 23: 575-605; files from the R package wiod "
    "(B. Quast, github.com/bquast/wiod)"
)

FD_CATEGORIES: tuple[str, ...] = ("CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN")
"""WIOD final-demand categories in the column order of ``final`` (see module docstring)."""

N_COUNTRIES = 41
N_INDUSTRIES = 35

INDUSTRY_NAMES: dict[str, str] = {
    "c1": "Agriculture, hunting, forestry and fishing",
    "c2": "Mining and quarrying",
    "c3": "Food, beverages and tobacco",
    "c4": "Textiles and textile products",
    "c5": "Leather, leather and footwear",
    "c6": "Wood and products of wood and cork",
    "c7": "Pulp, paper, paper products, printing and publishing",
    "c8": "Coke, refined petroleum and nuclear fuel",
    "c9": "Chemicals and chemical products",
    "c10": "Rubber and plastics",
    "c11": "Other non-metallic minerals",
    "c12": "Basic metals and fabricated metal",
    "c13": "Machinery, n.e.c.",
    "c14": "Electrical and optical equipment",
    "c15": "Transport equipment",
    "c16": "Manufacturing, n.e.c.; recycling",
    "c17": "Electricity, gas and water supply",
    "c18": "Construction",
    "c19": "Sale, maintenance and repair of motor vehicles; retail sale of fuel",
    "c20": "Wholesale trade and commission trade, except of motor vehicles",
    "c21": "Retail trade, except of motor vehicles; repair of household goods",
    "c22": "Hotels and restaurants",
    "c23": "Inland transport",
    "c24": "Water transport",
    "c25": "Air transport",
    "c26": "Other supporting and auxiliary transport activities; travel agencies",
    "c27": "Post and telecommunications",
    "c28": "Financial intermediation",
    "c29": "Real estate activities",
    "c30": "Renting of machinery and equipment and other business activities",
    "c31": "Public administration and defence; compulsory social security",
    "c32": "Education",
    "c33": "Health and social work",
    "c34": "Other community, social and personal services",
    "c35": "Private households with employed persons",
}
"""Names of the WIOD 2013 industries (ISIC Rev. 3 based), as in the WIOD release."""


@dataclass(frozen=True)
class WiodTable:
    """One year of the world input-output table, reshaped by country and industry.

    Arrays are float64 in USD million at basic prices:
    ``inter[c, i, d, j]`` is the use of industry i of country c by industry j of country d;
    ``final[c, i, d, k]`` the use of it by final-demand category k of country d;
    ``output[c, i]`` gross output.
    """

    year: int
    countries: tuple[str, ...]
    industries: tuple[str, ...]
    inter: np.ndarray
    final: np.ndarray
    output: np.ndarray

    @property
    def value_added(self) -> np.ndarray:
        """WIOD value added (incl. net taxes on products, int. margins) = output - inputs."""
        return self.output - self.inter.sum(axis=(0, 1))


def repo_root() -> Path:
    """The folder holding ``calibration/`` and ``scenarios/``: the source checkout, or the
    data copy inside an installed package (:mod:`cge.resources`)."""
    return data_root()


def default_data_dir() -> Path:
    """The raw-data folder: ``$CGE_DATA_DIR`` if set, else ``../shared/data`` beside the
    checkout (``./shared/data`` for an installed package; :mod:`cge.resources`)."""
    return default_raw_data_dir()


def raw_data_dir(data_dir: Path | None = None) -> Path:
    """The given raw-data folder, or :func:`default_data_dir`."""
    return Path(data_dir) if data_dir is not None else default_data_dir()


def wiod_file(year: int, data_dir: Path | None = None) -> Path:
    """Path of the raw WIOT file of ``year`` under ``data_dir/wiod2013``."""
    return raw_data_dir(data_dir) / "wiod2013" / f"wiot_{year}.RData"


def read_wiod(year: int = 2011, data_dir: Path | None = None) -> WiodTable:
    """Read the WIOD world input-output table of ``year`` (1995-2011).

    ``data_dir`` is the shared data folder (holding ``wiod2013/``); a missing file or a
    file of the wrong shape raises a one-line :class:`CGEInputError`.
    """
    path = wiod_file(year, data_dir)
    if not path.is_file():
        raise CGEInputError(f"WIOD file not found: {path} (year must be 1995-2011; "
                            "set --wiod-dir or CGE_DATA_DIR to the folder holding wiod2013/)")
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the R class "iot" has no Python constructor
        raw = rdata.read_rda(str(path))
    key = f"wiot_{year}"
    if key not in raw:
        raise CGEInputError(f"WIOD file {path} holds no object {key!r} (found {sorted(raw)})")
    obj = raw[key]
    countries = tuple(str(c) for c in obj["countries"])
    industries = tuple(str(i) for i in obj["industries"])
    n = len(countries) * len(industries)
    inter = np.asarray(obj["inter"], dtype=float)
    final = np.asarray(obj["final"], dtype=float)
    output = np.asarray(obj["output"], dtype=float)
    nk = len(FD_CATEGORIES)
    if (len(countries), len(industries)) != (N_COUNTRIES, N_INDUSTRIES) or inter.shape != (n, n) \
            or final.shape != (n, len(countries) * nk) or output.shape != (n,):
        raise CGEInputError(f"WIOD file {path} has unexpected shapes: inter {inter.shape}, "
                            f"final {final.shape}, output {output.shape} "
                            f"(expected {N_COUNTRIES} countries x {N_INDUSTRIES} industries)")
    nc, ni = len(countries), len(industries)
    return WiodTable(
        year=year,
        countries=countries,
        industries=industries,
        inter=inter.reshape(nc, ni, nc, ni),
        final=final.reshape(nc, ni, nc, nk),
        output=output.reshape(nc, ni),
    )
