"""Named sets of substitution elasticities per model sector, each value with its source.

Three elasticities per sector (see cge/data/schema.py): ``esub_dm`` (Armington,
domestic good vs the import composite), ``esub_mm`` (among import sources) and
``esub_va`` (among primary factors in value added).  Each set is built per WIOD
industry c1..c35 and then averaged to the model's sectors with world-import weights.

Sets (docs/elasticities.md):

- ``gtap``: GTAP Data Base ESUBD and ESUBVA by GTAP sector
  (calibration/elasticities/gtap.csv), mapped to WIOD by
  calibration/concordances/gtap_wiod.csv (simple mean over the GTAP sectors of an
  industry); ``esub_mm = 2 * esub_dm``, the GTAP "rule of two".
- ``cp2015``: Caliendo-Parro (2015) trade elasticities theta; ``esub_dm = esub_mm =
  theta + 1`` so that the import CES reproduces CP's trade elasticity, and ``esub_va
  = 1`` (CP's Cobb-Douglas value added).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from cge.data.tariffs import (
    CP_TRADABLE_SECTORS,
    WIOD_INDUSTRIES,
    load_cp2015,
)
from cge.data.wiod import raw_data_dir
from cge.errors import CGEInputError
from cge.resources import calibration_dir

_CALIBRATION = calibration_dir()

ELASTICITY_SETS: dict[str, str] = {
    "gtap": "GTAP Data Base Armington ESUBD, rule-of-two ESUBM = 2 ESUBD, factor ESUBVA",
    "cp2015": "Caliendo-Parro (2015) trade elasticities: sigma = theta + 1, Cobb-Douglas value added",
}

ELASTICITY_SOURCES: dict[str, str] = {
    "gtap": (
        "GTAP 8 Data Base documentation (Narayanan, Aguiar and McDougall eds., 2012), ch. 14 "
        "'Behavioral Parameters' (Hertel, McDougall, Narayanan and Aguiar), ESUBD and ESUBVA "
        "by GTAP sector; ESUBM from Hertel, Hummels, Ivanic and Keeney (2007), 'How confident "
        "can we be of CGE-based assessments of Free Trade Agreements?', Economic Modelling "
        "24(4); esub_mm = 2 * esub_dm (rule of two: Jomini et al. 1991; Hertel 1997); GTAP "
        "sectors -> WIOD by calibration/concordances/gtap_wiod.csv"
    ),
    "cp2015": (
        "Caliendo, L. and Parro, F. (2015), 'Estimates of the Trade and Welfare Effects of "
        "NAFTA', Review of Economic Studies 82(1): theta_j for 20 tradable ISIC Rev.3 sectors "
        "(8.22 aggregate for Auto and Other Transport and for services); "
        "esub_dm = esub_mm = theta + 1; esub_va = 1 (Cobb-Douglas value added as in CP)"
    ),
}

# CP's production function is Cobb-Douglas in labour and intermediates (CP 2015, eq. 1).
CP_COBB_DOUGLAS_VA = 1.0


def _industry_mean(values: pd.Series, weights: pd.Series, members: list[str]) -> float:
    """Weighted mean of ``values`` over ``members``; simple mean when their weight is zero."""
    w = weights.reindex(members).fillna(0.0).to_numpy(dtype=float)
    v = values.reindex(members).to_numpy(dtype=float)
    return float(v.mean()) if w.sum() <= 0 else float((v * w).sum() / w.sum())


def _check_mapping(sector_mapping: dict[str, list[str]]) -> None:
    for sector, members in sector_mapping.items():
        for code in members:
            if code not in WIOD_INDUSTRIES:
                raise CGEInputError(
                    f"sector_mapping[{sector!r}]: unknown WIOD industry {code!r}; "
                    f"allowed: {', '.join(WIOD_INDUSTRIES)}")


def gtap_industry_elasticities() -> pd.DataFrame:
    """GTAP esub_dm, esub_mm, esub_va per WIOD industry (simple mean over GTAP sectors)."""
    values = pd.read_csv(_CALIBRATION / "elasticities" / "gtap.csv")
    concordance = pd.read_csv(_CALIBRATION / "concordances" / "gtap_wiod.csv")
    merged = concordance.merge(values, on="gtap_sector", how="left")
    table = merged.groupby("wiod_industry")[["esubd", "esubva"]].mean()
    table = table.reindex(list(WIOD_INDUSTRIES))
    return pd.DataFrame({"esub_dm": table.esubd, "esub_mm": 2.0 * table.esubd,
                         "esub_va": table.esubva})


def cp2015_industry_theta(data_dir: Path | None = None) -> pd.Series:
    """CP trade elasticity theta per WIOD industry.

    Goods: CP's theta (theta_CP2015_T.txt) averaged over the CP sectors of each WIOD
    industry, weighted by CP's 1993 world imports; services: cp2015_services.csv.
    """
    path = (raw_data_dir(data_dir) / "elasticities" / "caliendo_parro_2015"
            / "theta_CP2015_T.txt")
    if not path.is_file():
        raise CGEInputError(f"missing data file {path} (set --data-dir or CGE_DATA_DIR)")
    theta = pd.Series(np.loadtxt(path), index=list(CP_TRADABLE_SECTORS))
    world_imports = pd.Series(load_cp2015(data_dir).imports.sum(axis=(1, 2)),
                              index=list(CP_TRADABLE_SECTORS))
    concordance = pd.read_csv(_CALIBRATION / "concordances" / "cp2015_sector_wiod.csv")
    members: dict[str, list[str]] = {}
    for row in concordance.itertuples():
        for industry in str(row.wiod_industry).split(";"):
            members.setdefault(industry, []).append(row.cp_name)
    goods = {k: _industry_mean(theta, world_imports, names) for k, names in members.items()}
    services = pd.read_csv(_CALIBRATION / "elasticities" / "cp2015_services.csv")
    result = pd.Series({**goods, **dict(zip(services.wiod_industry, services.theta))})
    return result.reindex(list(WIOD_INDUSTRIES))


def cp2015_theta(
    sector_mapping: dict[str, list[str]], industry_weights: pd.Series,
    data_dir: Path | None = None,
) -> pd.Series:
    """CP theta aggregated to the mapping's sectors (world-import weighted mean)."""
    _check_mapping(sector_mapping)
    theta = cp2015_industry_theta(data_dir)
    return pd.Series({s: _industry_mean(theta, industry_weights, m)
                      for s, m in sector_mapping.items()})


def _industry_table(name: str, data_dir: Path | None) -> pd.DataFrame:
    if name == "gtap":
        return gtap_industry_elasticities()
    sigma = cp2015_industry_theta(data_dir) + 1.0
    return pd.DataFrame({"esub_dm": sigma, "esub_mm": sigma,
                         "esub_va": CP_COBB_DOUGLAS_VA}, index=sigma.index)


def elasticity_sets(
    sector_mapping: dict[str, list[str]],
    industry_weights: pd.Series,
    data_dir: Path | None = None,
    names: list[str] | None = None,
) -> xr.Dataset:
    """All (or the named) elasticity sets for the mapping's sectors.

    ``industry_weights`` (indexed by c1..c35, world imports in USD million) weight
    each sector's mean over its WIOD industries; a sector with zero weight takes the
    simple mean.  Returns esub_dm, esub_mm, esub_va with dims (elasticity_set, sector).
    """
    chosen = list(ELASTICITY_SETS) if names is None else names
    for name in chosen:
        if name not in ELASTICITY_SETS:
            raise CGEInputError(
                f"elasticity set {name!r} unknown; allowed: {', '.join(ELASTICITY_SETS)}")
    _check_mapping(sector_mapping)
    sectors = list(sector_mapping)
    data = {var: np.zeros((len(chosen), len(sectors))) for var in ("esub_dm", "esub_mm", "esub_va")}
    for i, name in enumerate(chosen):
        table = _industry_table(name, data_dir)
        for var, array in data.items():
            array[i] = [_industry_mean(table[var], industry_weights, sector_mapping[s])
                        for s in sectors]
    coords = {"elasticity_set": chosen, "sector": sectors}
    dataset = xr.Dataset({var: (("elasticity_set", "sector"), array, {"units": "1"})
                          for var, array in data.items()}, coords=coords)
    dataset.attrs["elasticity_sources"] = json.dumps({n: ELASTICITY_SOURCES[n] for n in chosen})
    return dataset


def select_elasticity_set(elasticities: xr.Dataset, name: str) -> xr.Dataset:
    """One named set from a dataset's elasticities; an unknown name is a one-line input error."""
    available = [str(n) for n in elasticities["elasticity_set"].values]
    if name not in available:
        raise CGEInputError(f"elasticity set {name!r} unknown; allowed: {', '.join(available)}")
    return elasticities.sel(elasticity_set=name)
