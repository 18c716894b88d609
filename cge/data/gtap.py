"""A GTAP database (basedata.har, sets.har, default.prm) -> a base dataset (`cge data import-gtap`).

HAR files are read with ``harpy3`` (GEMPACK's header-array format; CSIRO, github.com/GEMPACKsoftware/HARPY),
an optional dependency (``pip install 'cge-trade[gtap]'``; it is GPL-3 licensed, so it is not part
of the core install).  GTAP data are licensed: no GTAP file ships with the project; the tests
write small synthetic HAR files.  Header names are those of GTAP 10 and later (Aguiar et al.
2019, "The GTAP Data Base: Version 10", Journal of Global Economic Analysis 4(1)); every value
is at basic prices ("B" headers).

What the mapping keeps (docs/data.md, "GTAP databases"):

- sets REG, COMM, ACTS (must equal COMM: one commodity per activity), ENDW -> region, sector,
  factor; final agents hh (private, VDPB/VMPB), gov (VDGB/VMGB), inv (VDIB/VMIB);
- bilateral trade = VXSB off the diagonal (exports at the exporter's basic prices); a region's
  trade with itself (VXSB(i,r,r), an aggregated region's internal trade) becomes domestic use;
- tariff rates = (VMSB - VCIF) / VCIF, GTAP's ad valorem import tariff on the cif value;
- domestic use = VDFB, VDPB, VDGB, VDIB; imported use = the importer's imports (sum of VXSB) split
  over users by their shares in VMFB, VMPB, VMGB, VMIB; gross output = domestic sales + exports;
- factor income = output - intermediate costs - tariffs on intermediates, split over factors
  by EVFB;
- elasticities (default.prm, coefficient names ESUBD, ESUBM, ESUBVA, ESUBT, ESUBC): the dataset
  holds ESUBD, ESUBM, ESUBVA as set ``gtap`` (the mean over regions where GTAP gives them by
  region); ``<out>.elasticities.csv`` holds every one by sector and region, ESUBT and ESUBC
  included, for a scenario's ``elasticity_file``.

What it drops, and where the value goes: export taxes (VFOB - VXSB) and international margins
(VCIF - VFOB, VST, VTWR) -- the model has no export taxes in the benchmark and no transport
sector, so trade is valued at the exporter's basic price on both sides and the margin services'
sales to international transport are dropped from their output; domestic commodity, factor and
output taxes -- they stay in factor income, as WIOD value added does.  The totals of each are
reported and stored in the ``cleaning`` attribute.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from cge.atomic import write_atomic
from cge.data.external import ExternalTable, average_tariff, to_dataset, write_dataset
from cge.errors import CGEInputError

CITATION = ("GTAP Data Base (Center for Global Trade Analysis, Purdue University; Aguiar, Chepeliev, "
            "Corong, McDougall and van der Mensbrugghe 2019, 'The GTAP Data Base: Version 10', Journal "
            "of Global Economic Analysis 4(1)), licensed to the user")
AGENTS = {"hh": "P", "gov": "G", "inv": "I"}
HEADERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "VDFB": ("firms' domestic purchases at basic prices", ("COMM", "ACTS", "REG")),
    "VMFB": ("firms' import purchases at basic prices", ("COMM", "ACTS", "REG")),
    "VDPB": ("private domestic purchases at basic prices", ("COMM", "REG")),
    "VMPB": ("private import purchases at basic prices", ("COMM", "REG")),
    "VDGB": ("government domestic purchases at basic prices", ("COMM", "REG")),
    "VMGB": ("government import purchases at basic prices", ("COMM", "REG")),
    "VDIB": ("investment domestic purchases at basic prices", ("COMM", "REG")),
    "VMIB": ("investment import purchases at basic prices", ("COMM", "REG")),
    "EVFB": ("primary factor purchases at basic prices", ("ENDW", "ACTS", "REG")),
    "VXSB": ("bilateral exports at basic prices", ("COMM", "REG", "REG")),
    "VCIF": ("bilateral imports at cif prices", ("COMM", "REG", "REG")),
    "VMSB": ("bilateral imports at basic (tariff-inclusive) prices", ("COMM", "REG", "REG")),
}
OPTIONAL = ("VFOB", "VST")
PARAMETERS: dict[str, tuple[str, str, str]] = {   # coefficient -> (header, our name, set)
    "ESUBD": ("ESBD", "esub_dm", "COMM"), "ESUBM": ("ESBM", "esub_mm", "COMM"),
    "ESUBVA": ("ESBV", "esub_va", "ACTS"), "ESUBT": ("ESBT", "esub_top", "ACTS"),
    "ESUBC": ("ESBC", "esub_int", "ACTS"),
}
SET_NAMES = ("REG", "COMM", "ACTS", "ENDW")


def _harpy():  # noqa: ANN202 (module)
    try:
        import harpy
    except ImportError:
        raise CGEInputError("import-gtap: reading HAR files needs the package harpy3 "
                            "(pip install 'cge-trade[gtap]')") from None
    return harpy


def read_har(path: Path) -> dict[str, dict]:
    """Every header of a HAR file: name -> {array, sets: [(set name, elements)], coeff}."""
    if not path.is_file():
        raise CGEInputError(f"import-gtap: missing file {path}")
    try:
        with warnings.catch_warnings():  # harpy3 uses np.chararray, deprecated in numpy 2
            warnings.simplefilter("ignore", DeprecationWarning)
            hf = _harpy().HarFileObj.loadFromDisk(str(path))
    except Exception as exc:  # harpy raises bare exceptions of many kinds on a bad file
        raise CGEInputError(f"import-gtap: {path.name} is not a readable HAR file "
                            f"({type(exc).__name__})") from None
    out = {}
    for h in hf["head_arrs"]:
        sets = [(s["name"].strip().upper(), [str(e).strip() for e in s["dim_desc"]])
                for s in (h.get("sets") or []) if s.get("dim_desc") is not None]
        array = h["array"]
        if array.dtype.kind == "U":
            array = np.array([str(e).strip() for e in array.ravel()])
        out[h["name"].strip().upper()] = {"array": array, "sets": sets,
                                          "coeff": str(h.get("coeff_name") or "").strip().upper()}
    return out


def _header(har: dict, name: str, file: str, dims: tuple[str, ...], what: str) -> dict:
    if name not in har:
        raise CGEInputError(f"import-gtap: {file} lacks header {name} ({what})")
    h = har[name]
    got = tuple(s for s, _ in h["sets"])
    if got != dims or h["array"].ndim != len(dims):
        raise CGEInputError(f"import-gtap: {file} header {name} has dims ({', '.join(got)}), "
                            f"expected ({', '.join(dims)})")
    if not np.isfinite(h["array"]).all() or (h["array"] < 0).any():
        raise CGEInputError(f"import-gtap: {file} header {name} has negative or non-finite values "
                            f"(min {np.nanmin(h['array']):.6g})")
    return h


def read_sets(basedata: dict, sets_har: dict) -> dict[str, list[str]]:
    """Set elements: those stored with basedata's arrays, checked against sets.har's headers."""
    sets: dict[str, list[str]] = {}
    for h in basedata.values():
        for name, elements in h["sets"]:
            if sets.setdefault(name, elements) != elements:
                raise CGEInputError(f"import-gtap: basedata.har set {name} has two different element lists")
    for name in SET_NAMES:
        if name not in sets:
            raise CGEInputError(f"import-gtap: basedata.har names no set {name}")
        if name in sets_har:
            listed = [str(e) for e in np.atleast_1d(sets_har[name]["array"])]
            if listed != sets[name]:
                raise CGEInputError(f"import-gtap: sets.har header {name} lists {', '.join(listed[:5])}..., "
                                    f"but basedata.har's arrays use {', '.join(sets[name][:5])}...")
    if sets["ACTS"] != sets["COMM"]:
        raise CGEInputError("import-gtap: ACTS must equal COMM (one commodity per activity); aggregate "
                            "the database so that each activity makes one commodity")
    return sets


def read_parameters(prm: dict, sets: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """ESUBD, ESUBM, ESUBVA, ESUBT, ESUBC from default.prm, each as (sector, region)."""
    by_coeff = {h["coeff"]: name for name, h in prm.items()}
    nr = len(sets["REG"])
    out = {}
    for coeff, (header, ours, dim) in PARAMETERS.items():
        name = header if header in prm else by_coeff.get(coeff)
        if name is None:
            raise CGEInputError(f"import-gtap: default.prm lacks {coeff} (header {header})")
        h = prm[name]
        dims = tuple(s for s, _ in h["sets"])
        a = np.asarray(h["array"], float)
        if dims == (dim,):
            a = np.repeat(a[:, None], nr, axis=1)
        elif dims != (dim, "REG"):
            raise CGEInputError(f"import-gtap: default.prm {coeff} has dims ({', '.join(dims)}), "
                                f"expected ({dim}) or ({dim}, REG)")
        if not np.isfinite(a).all() or (a < 0).any():
            raise CGEInputError(f"import-gtap: default.prm {coeff} has negative or non-finite values")
        out[ours] = a
    return out


def build_table(folder: Path, base_year: int = 0) -> tuple[ExternalTable, dict[str, np.ndarray], list[str]]:
    """The GTAP database in ``folder`` as an external table, its elasticities by (sector,
    region), and report lines of what was dropped."""
    base = read_har(folder / "basedata.har")
    sets = read_sets(base, read_har(folder / "sets.har"))
    params = read_parameters(read_har(folder / "default.prm"), sets)
    h = {name: _header(base, name, "basedata.har", dims, what)["array"].astype(float)
         for name, (what, dims) in HEADERS.items()}
    regions, sectors, factors = sets["REG"], sets["COMM"], sets["ENDW"]
    nr = len(regions)
    own = np.eye(nr, dtype=bool)[None]
    vxsb = h["VXSB"]
    trade = np.where(own, 0.0, vxsb)
    self_trade = np.where(own, vxsb, 0.0).sum(axis=1)                       # (i, r)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(h["VCIF"] > 0, (h["VMSB"] - h["VCIF"]) / h["VCIF"], 0.0)
    rate = np.where(own, 0.0, rate)
    imp_users = np.concatenate([h["VMFB"]] + [h[f"VM{c}B"][:, None, :] for c in AGENTS.values()], axis=1)
    dom_users = np.concatenate([h["VDFB"]] + [h[f"VD{c}B"][:, None, :] for c in AGENTS.values()], axis=1)
    total = imp_users.sum(axis=1)                                           # (i, r)
    imports = trade.sum(axis=1)
    lacking = (total <= 0) & ((imports > 0) | (self_trade > 0))
    if lacking.any():
        i, r = np.argwhere(lacking)[0]
        raise CGEInputError(f"import-gtap: {regions[r]} imports {sectors[i]} (VXSB) but no user buys "
                            "imports of it (VMFB, VMPB, VMGB, VMIB are zero)")
    user_share = np.divide(imp_users, total[:, None, :], out=np.zeros_like(imp_users), where=total[:, None, :] > 0)
    imp_world = user_share * imports[:, None, :]
    dom = dom_users + user_share * self_trade[:, None, :]
    ns = len(sectors)
    output = dom.sum(axis=1) + trade.sum(axis=2)                             # (i, r)
    tbar = average_tariff(trade, rate)
    int_dom, int_imp = dom[:, :ns], imp_world[:, :ns]
    va = output - int_dom.sum(axis=0) - int_imp.sum(axis=0) - (tbar[:, None, :] * int_imp).sum(axis=0)
    evfb = h["EVFB"]
    endow = evfb.sum(axis=0)
    bad = (va < -1e-9 * np.maximum(output, 1.0)) | ((endow <= 0) & (va > 1e-9 * np.maximum(output, 1.0)))
    if bad.any():
        j, r = np.argwhere(bad)[0]
        raise CGEInputError(f"import-gtap: sector {sectors[j]} in {regions[r]}: output less intermediate "
                            f"costs is {va[j, r]:.6g} with factor payments EVFB {endow[j, r]:.6g}; "
                            "the data cannot be balanced by factor income")
    split = np.divide(evfb, endow[None], out=np.zeros_like(evfb), where=endow[None] > 0)
    factor_income = split * np.maximum(va, 0.0)[None]
    report = {
        "trade_valued_at": "exporter's basic prices (VXSB) on both sides",
        "self_trade_to_domestic_use": float(self_trade.sum()),
        "tariff_revenue_kept": float((rate * trade).sum()),
        "factor_income_minus_EVFB (net domestic taxes and dropped margins)": float(factor_income.sum() - evfb.sum()),
    }
    if "VFOB" in base:
        report["export_taxes_dropped (VFOB - VXSB)"] = float((base["VFOB"]["array"] - vxsb).sum())
        report["margins_dropped (VCIF - VFOB)"] = float((h["VCIF"] - base["VFOB"]["array"]).sum())
    if "VST" in base:
        report["margin_sales_dropped (VST)"] = float(np.asarray(base["VST"]["array"], float).sum())
    mobile = [f for f in factors if "lab" in f.lower() or "cap" in f.lower()]
    labour = [f for f in factors if "lab" in f.lower()]
    capital = [f for f in factors if "cap" in f.lower()]
    roles = {k: v[0] for k, v in (("labour", labour), ("capital", capital)) if len(v) == 1}
    esub = {k: params[k].mean(axis=1) for k in ("esub_dm", "esub_mm", "esub_va")}
    table = ExternalTable(
        regions=regions, sectors=sectors, factors=factors, agents=list(AGENTS),
        output=output, int_dom=int_dom, int_imp=int_imp,
        fd_dom=dom[:, ns:], fd_imp=imp_world[:, ns:], trade=trade, tariff_rate=rate,
        factor_income=factor_income, elasticities={"gtap": esub},
        attrs={"title": f"GTAP database, {nr} regions x {ns} sectors", "source": CITATION,
               "base_year": base_year, "region_mapping": {r: [r] for r in regions},
               "sector_mapping": {s: [s] for s in sectors}, "cleaning": report,
               "tariff_source": "GTAP VMSB / VCIF - 1 (import tariffs on the cif value)",
               "elasticity_sources": {"gtap": "GTAP default.prm ESUBD, ESUBM, ESUBVA (mean over regions); "
                                              "by region and with ESUBT, ESUBC in <dataset>.elasticities.csv"},
               "fd_roles": {"private": "hh", "government": "gov", "investment": "inv"},
               "factor_roles": roles,
               "factor_mobility": {f: ("mobile" if f in mobile else "sector_specific") for f in factors},
               "code_version": _code_version()})
    lines = [f"{k}: {v:,.3f}" if isinstance(v, float) else f"{k}: {v}" for k, v in report.items()]
    return table, params, lines


def _code_version() -> str:
    from cge.data.build import code_version
    return code_version()


def elasticity_table(params: dict[str, np.ndarray], sectors: list[str], regions: list[str]) -> pd.DataFrame:
    """Every default.prm elasticity by (sector, region), columns as `elasticity_file` reads them."""
    rows = [{"sector": s, "region": r, **{k: float(v[j, k_r]) for k, v in params.items()}}
            for j, s in enumerate(sectors) for k_r, r in enumerate(regions)]
    return pd.DataFrame(rows)


def import_gtap(folder: Path, out: Path, base_year: int = 0) -> tuple[list[Path], list[str]]:
    """Write the dataset and its elasticity table; return the paths and the report lines.
    ``base_year`` is the database's reference year (HAR files do not say it; 0 = not given)."""
    table, params, lines = build_table(Path(folder), base_year)
    ds = to_dataset(table)
    out = Path(out)
    paths = [write_dataset(ds, out)]
    csv = elasticity_table(params, table.sectors, table.regions)
    target = out.with_name(out.stem + ".elasticities.csv")
    paths.append(write_atomic(target, lambda tmp: csv.to_csv(tmp, index=False)))
    return paths, lines
