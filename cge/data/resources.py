"""Land (LND) in agriculture and natural resources (NRS) in mining: size and supply response.

Value added of every WIOD economy x industry is split into four factors:

* LAB: the labour share (:mod:`cge.data.sea`);
* NRS, mining (WIOD c2) only: natural-resource rents, World Bank WDI
  ``NY.GDP.TOTL.RT.ZS`` (total natural resources rents = oil, gas, coal, mineral and
  forest rents, % of GDP, 2011) x WDI GDP 2011, summed over the economy's countries, as
  a share of the economy's 2011 mining value added, capped at mining's non-labour share.
  The rent share is kept for 2023 (rents and mining value added move together with
  commodity prices; WDI rents stop in 2019 in the staged vintage).  Rents include forest
  rents, so where forests matter the mining share is overstated; the cap binds where
  rents exceed mining's non-labour income (e.g. China, Russia, India: WDI values output
  at world prices);
* LND, agriculture (WIOD c1) only: all non-labour income of agriculture, i.e. land
  rents together with the farm capital that is tied to agriculture.  No staged source
  separates land rents from returns to farm capital, so none is invented;
* CAP: the rest.

Both new factors are sector-specific (``factor_mobility``).  Their supply responds to
their real price with an elasticity per factor and economy from
``calibration/factor_supply.csv`` (columns factor, economy -- a WIOD economy code or
``*`` --, supply_elasticity, source), aggregated to model regions weighted by factor
income; the model reads it as ``factor_supply_elasticity`` (docs/model.md, "Factor
markets").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cge.data.region_split import Economies
from cge.data.wiod import raw_data_dir, repo_root
from cge.data.csv_tables import read_table_csv
from cge.errors import CGEInputError

FACTORS_2023: tuple[str, ...] = ("LAB", "CAP", "LND", "NRS")
AGRICULTURE, MINING = "c1", "c2"
RENTS_FILE = ("resource_rents_wdi", "API_NY.GDP.TOTL.RT.ZS_DS2_en_csv_v2_3470550.csv")
RENTS_YEAR = 2011
WILDCARD = "*"
RENTS_CITATION = ("World Bank WDI NY.GDP.TOTL.RT.ZS, total natural resources rents (% of GDP), "
                  "2011 (vintage 2021-12-16), x WDI GDP 2011; file "
                  "resource_rents_wdi/API_NY.GDP.TOTL.RT.ZS_DS2_en_csv_v2_3470550.csv")


def factor_supply_file() -> Path:
    """The committed supply-elasticity table, ``calibration/factor_supply.csv``."""
    return repo_root() / "calibration" / "factor_supply.csv"


def read_rents(data_dir: Path | None = None) -> pd.Series:
    """Natural-resource rents in % of GDP, 2011, by ISO3 code (NaN where WDI has none)."""
    path = raw_data_dir(data_dir).joinpath(*RENTS_FILE)
    if not path.is_file():
        raise CGEInputError(f"resource rents file not found: {path} (set --wiod-dir or CGE_DATA_DIR)")
    try:
        table = pd.read_csv(path, skiprows=4)
        return pd.to_numeric(table.set_index("Country Code")[str(RENTS_YEAR)], errors="coerce")
    except (KeyError, ValueError, pd.errors.ParserError):
        raise CGEInputError(f"resource rents file {path}: needs the WDI layout (4 header lines, "
                            f"columns Country Code and {RENTS_YEAR})") from None


def economy_rents(econ: Economies, gdp2011: pd.Series, data_dir: Path | None = None) -> dict[str, float]:
    """Rents (USD million, 2011) of every economy: sum over its countries of rent % x GDP;
    countries without a WDI rent or GDP value count as zero (Taiwan: not in WDI)."""
    rents = read_rents(data_dir)
    out = {}
    for e in econ.codes:
        total = 0.0
        for iso in econ.members(e):
            r, g = rents.get(iso, np.nan), gdp2011.get(iso, np.nan)
            if np.isfinite(r) and np.isfinite(g):
                total += r / 100.0 * g
        out[e] = total
    return out


@dataclass(frozen=True)
class FactorShares:
    """Shares of value added by (factor, economy, industry), summing to one over factors."""

    factors: tuple[str, ...]
    share: np.ndarray           # (f, e, i)
    report: dict


def factor_shares(codes: tuple[str, ...], industries: tuple[str, ...], labour: np.ndarray,
                  value_added_2011: np.ndarray, rents: dict[str, float]) -> FactorShares:
    """LAB, CAP, LND, NRS shares of every economy x industry (module docstring)."""
    ag, mi = industries.index(AGRICULTURE), industries.index(MINING)
    shares = np.zeros((len(FACTORS_2023), len(codes), len(industries)))
    shares[0] = labour
    nonlabour = 1.0 - labour
    shares[1] = nonlabour
    rent = np.array([rents[e] for e in codes])
    mining_va = value_added_2011[:, mi]
    ratio = np.divide(rent, mining_va, out=np.zeros_like(rent), where=mining_va > 0)
    nrs = np.minimum(ratio, nonlabour[:, mi])
    shares[3, :, mi] = nrs
    shares[1, :, mi] = nonlabour[:, mi] - nrs
    shares[2, :, ag] = nonlabour[:, ag]
    shares[1, :, ag] = 0.0
    capped = [codes[k] for k in np.flatnonzero(ratio > nonlabour[:, mi] + 1e-12)]
    report = {
        "NRS": {"source": RENTS_CITATION, "industry": MINING,
                "rule": "rents / mining value added 2011, capped at mining's non-labour share",
                "share_of_mining_value_added": {e: round(float(x), 4) for e, x in zip(codes, nrs)},
                "rents_over_mining_value_added": {e: round(float(x), 4) for e, x in zip(codes, ratio)},
                "capped": capped},
        "LND": {"industry": AGRICULTURE,
                "rule": "all non-labour income of agriculture (land rents and farm-specific capital)",
                "share_of_agriculture_value_added": {e: round(float(x), 4)
                                                     for e, x in zip(codes, nonlabour[:, ag])}},
    }
    return FactorShares(factors=FACTORS_2023, share=shares, report=report)


def load_factor_supply(path: Path | None = None) -> pd.DataFrame:
    """The supply-elasticity table: elasticities >= 0 with a source, one (factor, *) row each."""
    path = Path(path) if path is not None else factor_supply_file()
    table = read_table_csv(path, "factor supply file", {"factor", "economy", "supply_elasticity", "source"},
                           dtype={"factor": str, "economy": str})
    eta = pd.to_numeric(table.supply_elasticity, errors="coerce")
    bad = table[~(eta >= 0) | ~np.isfinite(eta)]
    if len(bad):
        raise CGEInputError(f"factor supply file {path}: supply_elasticity of ({bad.factor.iloc[0]}, "
                            f"{bad.economy.iloc[0]}) is {str(bad.supply_elasticity.iloc[0])!r} "
                            "(allowed: a number >= 0)")
    if (table.source.fillna("").astype(str).str.strip() == "").any():
        raise CGEInputError(f"factor supply file {path}: every row needs a source")
    return table.assign(supply_elasticity=eta)


def supply_elasticity(table: pd.DataFrame, factors: tuple[str, ...], codes: tuple[str, ...]) -> np.ndarray:
    """(f, e) elasticity of every factor and economy: the (factor, economy) row, else (factor, *)."""
    lookup = {(r.factor, r.economy): float(r.supply_elasticity) for r in table.itertuples()}
    out = np.empty((len(factors), len(codes)))
    for k, f in enumerate(factors):
        if (f, WILDCARD) not in lookup:
            raise CGEInputError(f"factor supply file {factor_supply_file()}: needs a row ({f}, *)")
        for c, e in enumerate(codes):
            out[k, c] = lookup.get((f, e), lookup[(f, WILDCARD)])
    return out
