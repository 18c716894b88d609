"""Named sets of substitution elasticities per model sector, each value with its source.

Three elasticities per sector (see cge/data/schema.py): ``esub_dm`` (Armington,
domestic good vs the import composite), ``esub_mm`` (among import sources) and
``esub_va`` (among primary factors in value added).  Each set is built per WIOD
industry c1..c35 and then averaged to the model's sectors with world-import weights,
so it works for any sector aggregation of WIOD.

Sets (docs/elasticities.md):

- ``protee`` (default): CEPII ProTEE product-level trade elasticities (Fontagne,
  Guimbard and Orefice 2022) averaged over the HS6 products of each WIOD goods industry
  with US import weights (cge/data/hs_weights.py); ``esub_mm`` = minus the file's tariff
  elasticity of duty-exclusive import values (which is -sigma in a CES import demand),
  ``esub_dm = esub_mm / 2`` (the rule of two); services and ``esub_va`` from ``gtap``.
- ``gtap``: GTAP Data Base ESUBD and ESUBVA by GTAP sector
  (calibration/elasticities/gtap.csv), averaged to WIOD industries with the same HS6
  trade weights (calibration/concordances/hs_gtap.csv); ``esub_mm = 2 * esub_dm``.
- ``cp2015``: Caliendo-Parro (2015) trade elasticities theta; ``esub_dm = esub_mm =
  theta + 1`` so that the import CES reproduces CP's trade elasticity, services with
  theta = 0 (trade shares fixed, as CP's non-traded services), ``esub_va = 1``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from cge.data.hs_weights import (CONCORDANCE_SOURCE, WEIGHT_SOURCE, hs6_industry, hs6_trade_weights,
                                 weights_for_codes)
from cge.data.tariffs import (
    CP_TRADABLE_SECTORS,
    GOODS_INDUSTRIES,
    WIOD_INDUSTRIES,
    load_cp2015,
)
from cge.data.wiod import raw_data_dir
from cge.errors import CGEInputError
from cge.resources import calibration_dir

_CALIBRATION = calibration_dir()

DEFAULT_ELASTICITY_SET = "protee"

ELASTICITY_SETS: dict[str, str] = {
    "protee": "CEPII ProTEE tariff elasticities: esub_mm = -(ProTEE sigma), esub_dm = esub_mm / 2; "
              "services and value added from gtap",
    "gtap": "GTAP Data Base Armington ESUBD, rule-of-two ESUBM = 2 ESUBD, factor ESUBVA",
    "cp2015": "Caliendo-Parro (2015) trade elasticities: sigma = theta + 1, Cobb-Douglas value added",
}

_GTAP_CITATION = (
    "Hertel, McDougall, Narayanan and Aguiar (2012), 'Behavioral Parameters', ch. 14 of the GTAP 8 "
    "Data Base documentation (Narayanan, Aguiar and McDougall eds.), ESUBD and ESUBVA by GTAP sector; "
    "ESUBM from Hertel, Hummels, Ivanic and Keeney (2007), 'How confident can we be of CGE-based "
    "assessments of Free Trade Agreements?', Economic Modelling 24(4)"
)
PROTEE_CITATION = (
    "Fontagne, Guimbard and Orefice (2022), 'Tariff-based product-level trade elasticities', Journal "
    "of International Economics 137: 103593; CEPII ProTEE 0.1 (HS6, HS2007)"
)
RULE_OF_TWO = ("esub_dm = esub_mm / 2: the 'rule of two' of the GTAP Data Base (ch. 14, sec. 14.1), "
               "tested and not rejected by Liu, Arndt and Hertel (2004), 'Parameter estimation and "
               "measures of fit in a global, general equilibrium model', Journal of Economic "
               "Integration 19(3)")

ELASTICITY_SOURCES: dict[str, str] = {
    "protee": (
        f"{PROTEE_CITATION}: esub_mm = -(ProTEE sigma), the tariff elasticity of duty-exclusive "
        f"import values, which is -esub_mm in a CES import demand (the trade elasticity to other "
        f"trade costs is theta = esub_mm - 1); CEPII's HS4 averages where flagged "
        f"zero/positive, products without a value dropped; averaged over the HS6 products of each "
        f"WIOD goods industry weighted by {WEIGHT_SOURCE}; {CONCORDANCE_SOURCE}; "
        f"{RULE_OF_TWO}; services (c17-c35) and esub_va from the gtap set ({_GTAP_CITATION})"
    ),
    "gtap": (
        f"{_GTAP_CITATION}; esub_mm = 2 * esub_dm (rule of two); GTAP sectors -> WIOD by "
        "calibration/concordances/gtap_wiod.csv, averaged with HS6 trade weights "
        f"({WEIGHT_SOURCE}; HS -> GTAP by calibration/concordances/hs_gtap.csv)"
    ),
    "cp2015": (
        "Caliendo, L. and Parro, F. (2015), 'Estimates of the Trade and Welfare Effects of "
        "NAFTA', Review of Economic Studies 82(1): theta_j for 20 tradable ISIC Rev.3 sectors "
        "(8.22 aggregate for Auto and Other Transport); services theta = 0 (CP treat services as "
        "non-traded: their trade shares do not respond to trade costs); "
        "esub_dm = esub_mm = theta + 1; esub_va = 1 (Cobb-Douglas value added as in CP)"
    ),
}

# CP's production function is Cobb-Douglas in labour and intermediates (CP 2015, eq. 1).
CP_COBB_DOUGLAS_VA = 1.0
PROTEE_FILE = Path("elasticities") / "protee_cepii" / "ProTEE_0_1.csv"


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


def gtap_sector_weights(data_dir: Path | None = None) -> pd.Series:
    """Trade weight of each (WIOD industry, GTAP sector) pair: HS6 trade of the industry's
    products assigned to GTAP sectors by calibration/concordances/hs_gtap.csv (longest HS
    prefix wins; ``*`` is the industry's default sector)."""
    rules = pd.read_csv(_CALIBRATION / "concordances" / "hs_gtap.csv", dtype={"hs_prefix": str})
    trade = hs6_trade_weights(data_dir)
    industry = hs6_industry(data_dir).reindex(trade.index)
    products = pd.DataFrame({"industry": industry, "trade": trade}).dropna()
    out: dict[tuple[str, str], float] = {}
    for ind, group in rules.groupby("wiod_industry"):
        default = group.loc[group.hs_prefix == "*", "gtap_sector"].iloc[0]
        prefixes = sorted(group.loc[group.hs_prefix != "*"].itertuples(), key=lambda r: -len(r.hs_prefix))
        for code, value in products.loc[products.industry == ind, "trade"].items():
            sector = next((r.gtap_sector for r in prefixes if code.startswith(r.hs_prefix)), default)
            out[(ind, sector)] = out.get((ind, sector), 0.0) + float(value)
    return pd.Series(out, name="trade_usd").rename_axis(["wiod_industry", "gtap_sector"])


def gtap_industry_elasticities(data_dir: Path | None = None) -> pd.DataFrame:
    """GTAP esub_dm, esub_mm, esub_va per WIOD industry.

    An industry made of several GTAP sectors takes their mean weighted by the HS6 trade
    of :func:`gtap_sector_weights` (a simple mean where none of them has trade: the
    services industries, whose GTAP sectors share one value)."""
    values = pd.read_csv(_CALIBRATION / "elasticities" / "gtap.csv").set_index("gtap_sector")
    concordance = pd.read_csv(_CALIBRATION / "concordances" / "gtap_wiod.csv")
    weights = gtap_sector_weights(data_dir)
    rows = {}
    for ind, group in concordance.groupby("wiod_industry"):
        members = list(group.gtap_sector)
        w = pd.Series([weights.get((ind, g), 0.0) for g in members], index=members)
        rows[ind] = {var: _industry_mean(values[var], w, members) for var in ("esubd", "esubva")}
    table = pd.DataFrame(rows).T.reindex(list(WIOD_INDUSTRIES))
    return pd.DataFrame({"esub_dm": table.esubd, "esub_mm": 2.0 * table.esubd,
                         "esub_va": table.esubva})


def protee_products(data_dir: Path | None = None) -> pd.DataFrame:
    """ProTEE by HS6 with the CES elasticity ``sigma`` (positive), the flags, WIOD industry
    and trade weight.

    Sign and meaning: the file's ``sigma`` is the (negative) response of bilateral import
    values -- BACI flows, which exclude duties -- to the tariff factor 1 + t (CEPII: "the
    reaction of bilateral import flows (in value) to a change in the applied import
    tariff").  In a CES import demand, spending on a source including the duty moves with
    (1 + t)^(1 - sigma_CES), so the duty-exclusive value moves with (1 + t)^(-sigma_CES): the
    estimate is -sigma_CES, and sigma_CES = -(file sigma) (the trade elasticity to iceberg
    costs, theta = sigma_CES - 1, is one smaller).  Every value is negative (checked here).  Flags (CEPII ProTEE page): ``zero`` = the HS6 estimate was not significant at
    1%, ``positive`` = it was positive and significant; in both cases CEPII report the HS4
    average instead, which is kept.  Rows without a value (484, HS4 average unavailable)
    are dropped."""
    path = raw_data_dir(data_dir) / PROTEE_FILE
    if not path.is_file():
        raise CGEInputError(f"missing data file {path} (set --data-dir or CGE_DATA_DIR)")
    raw = pd.read_csv(path, dtype={"HS6": str})
    missing = {"HS6", "zero", "positive", "sigma"} - set(raw.columns)
    if missing:
        raise CGEInputError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
    raw = raw.dropna(subset=["sigma"])
    if (raw.sigma >= 0).any():
        bad = raw.loc[raw.sigma >= 0, "HS6"].iloc[0]
        raise CGEInputError(f"{path.name}: sigma of HS6 {bad} is not negative; expected the "
                            "tariff elasticity of import values (< 0)")
    out = pd.DataFrame({"hs6": raw.HS6.str.zfill(6), "sigma": -raw.sigma,
                        "zero": raw.zero.astype(int), "positive": raw.positive.astype(int)})
    out["wiod_industry"] = out.hs6.map(hs6_industry(data_dir))
    out["trade_usd"] = weights_for_codes(pd.Index(out.hs6), data_dir).to_numpy()
    return out.dropna(subset=["wiod_industry"]).reset_index(drop=True)


def protee_industry_sigma(data_dir: Path | None = None) -> pd.Series:
    """Trade-weighted mean ProTEE CES elasticity per WIOD goods industry (c1..c16)."""
    products = protee_products(data_dir)
    sigma = {}
    for ind in GOODS_INDUSTRIES:
        rows = products[products.wiod_industry == ind]
        if rows.empty:
            raise CGEInputError(f"ProTEE has no product of WIOD industry {ind}")
        w = rows.trade_usd.to_numpy()
        sigma[ind] = float((rows.sigma * w).sum() / w.sum()) if w.sum() > 0 else float(rows.sigma.mean())
    return pd.Series(sigma, name="sigma")


def protee_industry_elasticities(data_dir: Path | None = None) -> pd.DataFrame:
    """The ``protee`` set per WIOD industry: goods from ProTEE (esub_mm = the CES elasticity
    of :func:`protee_products`, esub_dm by the rule of two), services and esub_va from ``gtap``."""
    table = gtap_industry_elasticities(data_dir).copy()
    sigma = protee_industry_sigma(data_dir)
    table.loc[sigma.index, "esub_mm"] = sigma
    table.loc[sigma.index, "esub_dm"] = sigma / 2.0
    return table


def cp2015_industry_theta(data_dir: Path | None = None) -> pd.Series:
    """CP trade elasticity theta per WIOD industry.

    Goods: CP's theta (theta_CP2015_T.txt) averaged over the CP sectors of each WIOD
    industry, weighted by CP's 1993 world imports; services: cp2015_services.csv (theta =
    0: CP's services are non-traded, so their trade shares never respond to trade costs;
    with theta = 0 the import CES is Cobb-Douglas and the benchmark shares stay fixed).
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
        return gtap_industry_elasticities(data_dir)
    if name == "protee":
        return protee_industry_elasticities(data_dir)
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
