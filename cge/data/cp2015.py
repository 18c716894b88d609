"""Caliendo-Parro (2015) NAFTA data -> a base dataset, tariff table and scenario (`cge data import-cp`).

Source: Caliendo, L. and Parro, F. (2015), "Estimates of the Trade and Welfare Effects of
NAFTA", Review of Economic Studies 82(1): 1-44, supplementary files (``../shared/data/cp2015``,
README there): 31 regions, 40 sectors (20 tradable), 1993.  Layout of the text files:
``xbilat1993.txt`` and ``tariffs{1993,2005}.txt`` 620 x 31, one block of 31 importer rows per
tradable sector, columns = exporters (imports in thousand USD, tariffs in percent);
``IO.txt`` 1240 x 40, one 40 x 40 block per country, rows = input k, columns = using sector
j, each column the shares of inputs in j's intermediate cost; ``B.txt`` 40 x 31 value-added
share of gross output; ``GO.txt`` 40 x 31 gross output (USD); ``T.txt`` theta_j of the 20
tradable sectors.

Steps (docs/data.md, "Caliendo-Parro 2015 data"):

1. as in the authors' ``script.m``: gross output raised to exports where it is below them;
   expenditure gross of tariffs X_n^j = domestic sales + imports x (1 + tariff); trade shares
   pi_ni^j = spending of n on i's good j / X_n^j; input shares gamma_n^{k,j} = IO x (1 - B);
   final-demand shares alpha_n^j = (X_n^j - intermediate demand) / income, clipped at zero
   and renormalised (the data imply negative final demand in 185 cells);
2. clean-ups the schema needs: one negative input coefficient set to zero; each coefficient
   column rescaled to sum to one (the file's columns sum to 1 +- 1.6e-6);
3. **benchmark**: the clipped shares no longer clear goods markets at the data's
   expenditures, so the benchmark is the CP equilibrium that keeps every trade share, tariff,
   wage and coefficient of the data and solves the linear system of goods-market clearing,
   regional income (value added + tariff revenue + deficit) and labour-market clearing for
   sector expenditures X_n^j and trade deficits D_n.  It is an equilibrium of CP's model
   with the same fundamentals, so every counterfactual solved from it -- in particular CP's
   zero-deficit baseline and their NAFTA experiment -- is the one CP solve from the raw
   data; what moved (expenditures, deficits, gross output) is reported in the ``cleaning``
   attribute;
4. into the schema: one final-demand agent ``hh`` (CP's representative household), one
   factor ``LAB``, every user of good j in n buying the same mix of sources (CP's common
   composite); elasticity set ``cp2015`` with esub_dm = esub_mm = theta + 1 (8.22 for the
   services, which do not trade).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cge.atomic import write_atomic
from cge.data.external import ExternalTable, to_dataset, write_dataset
from cge.data.tariffs import CP_COUNTRIES, CP_TRADABLE_SECTORS
from cge.data.wiod import raw_data_dir
from cge.errors import CGEInputError

CITATION = ("Caliendo, L. and Parro, F. (2015), 'Estimates of the Trade and Welfare Effects of NAFTA', "
            "Review of Economic Studies 82(1): 1-44, supplementary data files (Data_and_Codes_CP.zip)")
REGION_CODES: tuple[str, ...] = (
    "ARG", "AUS", "AUT", "BRA", "CAN", "CHL", "CHN", "DNK", "FIN", "FRA", "DEU", "GRC", "HUN",
    "IND", "IDN", "IRL", "ITA", "JPN", "KOR", "MEX", "NLD", "NZL", "NOR", "PRT", "ZAF", "ESP",
    "SWE", "TUR", "GBR", "USA", "ROW",
)
SERVICES: tuple[str, ...] = (
    "Electricity", "Construction", "Retail", "Hotels", "Land Transport", "Water Transport",
    "Air Transport", "Aux Transport", "Post", "Finance", "Real State", "Renting Mach", "Computer",
    "R&D", "Other Business", "Public", "Education", "Health", "Other services", "Private",
)
SECTOR_NAMES: tuple[str, ...] = CP_TRADABLE_SECTORS + SERVICES
SECTOR_CODES: tuple[str, ...] = (
    "AGR", "MIN", "FOD", "TEX", "WOD", "PAP", "PET", "CHM", "PLS", "NMM", "BMT", "FMP", "MCH",
    "OFF", "ELE", "CME", "MED", "MVH", "OTE", "OMF",
    "ELY", "CNS", "TRD", "HOT", "LTP", "WTP", "ATP", "ATS", "PTC", "FNC", "REA", "RMQ", "CMP",
    "RND", "OBS", "PUB", "EDU", "HLT", "OSV", "PHH",
)
NAFTA: tuple[str, ...] = ("CAN", "MEX", "USA")
SERVICE_THETA = 8.22  # CP's aggregate elasticity, used in their code for the non-traded sectors
AGENT, FACTOR = "hh", "LAB"
DATASET_FILE, TABLE_FILE, SCENARIO_FILE = "cp2015_31x40.nc", "nafta_tariffs_2005.csv", "cp2015_nafta.yaml"
N_C, N_S, N_T = len(REGION_CODES), len(SECTOR_CODES), len(CP_TRADABLE_SECTORS)


@dataclass
class CPRaw:
    """The raw files, in CP's orientation: importer n, exporter i, sector j."""

    imports: np.ndarray      # (n, i, j) USD, world prices, zero for services
    tariff_1993: np.ndarray  # (n, i, j) fractions
    tariff_2005: np.ndarray  # (n, i, j)
    io: np.ndarray           # (n, k, j) input shares of intermediate cost
    va_share: np.ndarray     # (n, j)
    output: np.ndarray       # (n, j) USD
    theta: np.ndarray        # (j,) all 40 sectors


def _read(folder: Path, name: str, shape: tuple[int, int]) -> np.ndarray:
    path = folder / name
    if not path.is_file():
        raise CGEInputError(f"import-cp: missing file {path} (expected the CP 2015 folder with "
                            "xbilat1993.txt, tariffs1993.txt, tariffs2005.txt, IO.txt, B.txt, GO.txt, T.txt)")
    try:
        a = np.loadtxt(path, ndmin=2)
    except ValueError:
        raise CGEInputError(f"import-cp: {path.name} is not a table of numbers") from None
    if a.shape != shape:
        raise CGEInputError(f"import-cp: {path.name} has shape {a.shape[0]} x {a.shape[1]}, "
                            f"expected {shape[0]} x {shape[1]}")
    if not np.isfinite(a).all():
        raise CGEInputError(f"import-cp: {path.name} has non-finite entries")
    return a


def read_raw(folder: Path) -> CPRaw:
    """Read and shape-check the seven CP text files."""
    def blocks(a: np.ndarray) -> np.ndarray:
        out = np.zeros((N_C, N_C, N_S))
        out[:, :, :N_T] = a.reshape(N_T, N_C, N_C).transpose(1, 2, 0)
        return out

    x = _read(folder, "xbilat1993.txt", (N_T * N_C, N_C)) * 1000.0
    t93 = _read(folder, "tariffs1993.txt", (N_T * N_C, N_C)) / 100.0
    t05 = _read(folder, "tariffs2005.txt", (N_T * N_C, N_C)) / 100.0
    io = _read(folder, "IO.txt", (N_C * N_S, N_S)).reshape(N_C, N_S, N_S)
    b = _read(folder, "B.txt", (N_S, N_C)).T
    go = _read(folder, "GO.txt", (N_S, N_C)).T
    theta = _read(folder, "T.txt", (N_T, 1))[:, 0]
    for name, a in (("xbilat1993.txt", x), ("tariffs1993.txt", t93), ("tariffs2005.txt", t05),
                    ("B.txt", b), ("GO.txt", go), ("T.txt", theta)):
        if (a < 0).any():
            raise CGEInputError(f"import-cp: {name} has negative entries (min {a.min():.6g})")
    if (b > 1).any() or (theta <= 0).any():
        raise CGEInputError("import-cp: B.txt shares must lie in [0, 1] and T.txt thetas be positive")
    return CPRaw(imports=blocks(x), tariff_1993=blocks(t93), tariff_2005=blocks(t05), io=io,
                 va_share=b, output=go, theta=np.concatenate([theta, np.full(N_S - N_T, SERVICE_THETA)]))


@dataclass
class CPBase:
    """CP's base-period inputs after steps 1-2 (USD)."""

    pi: np.ndarray        # (n, i, j) trade shares, gross of tariffs
    tau: np.ndarray       # (n, i, j)
    gamma_io: np.ndarray  # (n, k, j) share of input k in gross output of j
    gamma_va: np.ndarray  # (n, j)
    alpha: np.ndarray     # (n, j)
    va: np.ndarray        # (n,)
    report: dict


def prepare(raw: CPRaw) -> CPBase:
    """Steps 1 and 2: trade shares, input and final-demand shares, with what each step changed."""
    exports = raw.imports.sum(axis=0)                           # (i, j)
    output = np.maximum(raw.output, exports)
    spend = raw.imports * (1.0 + raw.tariff_1993)
    idx = np.arange(N_C)
    spend[idx, idx, :] = output - exports
    total = spend.sum(axis=1)
    pi = np.divide(spend, total[:, None, :], out=np.zeros_like(spend), where=total[:, None, :] > 0)
    negative = raw.io < 0
    io = np.where(negative, 0.0, raw.io)
    sums = io.sum(axis=1, keepdims=True)
    io = np.divide(io, sums, out=np.zeros_like(io), where=sums > 0)
    gamma_io = io * (1.0 - raw.va_share)[:, None, :]
    va = (output * raw.va_share).sum(axis=1)
    revenue = (spend * raw.tariff_1993 / (1.0 + raw.tariff_1993)).sum(axis=(1, 2))
    deficit = (spend / (1.0 + raw.tariff_1993)).sum(axis=(1, 2)) - output.sum(axis=1)
    final = total - np.einsum("nkj,nj->nk", gamma_io, output)
    alpha = np.maximum(final / (va + revenue + deficit)[:, None], 0.0)
    alpha /= alpha.sum(axis=1, keepdims=True)
    clipped = final < 0
    report = {
        "output_raised_to_exports": {"cells": int((output > raw.output).sum()),
                                     "usd_million": float((output - raw.output).sum() / 1e6)},
        "negative_io_coefficients_set_to_zero": [
            {"region": REGION_CODES[n], "input": SECTOR_CODES[k], "sector": SECTOR_CODES[j],
             "value": float(raw.io[n, k, j])} for n, k, j in zip(*np.nonzero(negative))],
        "io_column_sum_max_deviation": float(np.abs(raw.io.sum(axis=1) - 1)[raw.io.sum(axis=1) > 0.5].max()),
        "final_demand_clipped": {"cells": int(clipped.sum()),
                                 "usd_million": float(final[clipped].sum() / 1e6),
                                 "share_of_final_demand": float(-final[clipped].sum() / final[~clipped].sum())},
        "data_deficits_usd_million": dict(zip(REGION_CODES, (deficit / 1e6).round(3).tolist())),
    }
    return CPBase(pi=pi, tau=raw.tariff_1993, gamma_io=gamma_io, gamma_va=raw.va_share, alpha=alpha,
                  va=va, report=report)


def benchmark(base: CPBase) -> tuple[np.ndarray, np.ndarray]:
    """Step 3: sector expenditures X_n^j and deficits D_n clearing every market at the data's
    trade shares and wages.  Unknowns (X, D); equations: goods markets
    X_n^j = sum_k gamma_n^{j,k} Y_n^k + alpha_n^j (w_n L_n + R_n(X) + D_n) with sales
    Y_n^k = sum_m pi_mn^k X_m^k / (1 + tau_mn^k); labour markets w_n L_n = sum_j gamma_n^j Y_n^j
    (one dropped: Walras); and sum_n D_n = 0."""
    n_x = N_C * N_S
    share = base.pi / (1.0 + base.tau)
    rev = (base.pi * base.tau / (1.0 + base.tau)).sum(axis=1)              # (n, k)
    a = base.gamma_io[:, :, None, :] * share.transpose(1, 0, 2)[:, None, :, :]   # (n, j, m, k)
    idx = np.arange(N_C)
    a[idx, :, idx, :] += base.alpha[:, :, None] * rev[:, None, :]
    m = np.zeros((n_x + N_C, n_x + N_C))
    m[:n_x, :n_x] = np.eye(n_x) - a.reshape(n_x, n_x)
    for n in range(N_C):
        m[n * N_S:(n + 1) * N_S, n_x + n] = -base.alpha[n]
    labour = share.transpose(1, 0, 2) * base.gamma_va[:, None, :]            # (n, m, k) on X[m, k]
    m[n_x:n_x + N_C - 1, :n_x] = labour[:-1].reshape(N_C - 1, n_x)
    m[-1, n_x:] = 1.0
    rhs = np.concatenate([(base.alpha * base.va[:, None]).ravel(), base.va[:-1], [0.0]])
    sol = np.linalg.solve(m, rhs)
    x, d = sol[:n_x].reshape(N_C, N_S), sol[n_x:]
    dropped = labour[-1].reshape(n_x) @ sol[:n_x] - base.va[-1]
    if abs(dropped) > 1e-9 * base.va[-1] or (x < 0).any():
        raise CGEInputError(f"import-cp: the benchmark system has no non-negative solution "
                            f"(labour market of {REGION_CODES[-1]} off by {dropped:.3g} USD)")
    return x, d


def build_table(raw: CPRaw) -> ExternalTable:
    """Steps 1-4: the CP data as an external table on the schema's axes (USD million)."""
    base = prepare(raw)
    x, deficit = benchmark(base)
    share = base.pi / (1.0 + base.tau)                                     # (n, i, j)
    imports_world = share * x[:, None, :]
    sales = imports_world.sum(axis=0)                                      # (i, j) gross output
    idx = np.arange(N_C)
    dom_share = base.pi[idx, idx, :]                                       # (n, j)
    off = share.copy()
    off[idx, idx, :] = 0.0
    imp_share = off.sum(axis=1)                                            # world-price imports / X
    int_use = base.gamma_io * sales[:, None, :]                            # (n, k, j) at agent prices
    income = base.va + (base.pi * base.tau / (1.0 + base.tau) * x[:, None, :]).sum(axis=(1, 2)) + deficit
    fd_use = base.alpha * income[:, None]                                  # (n, j)
    trade = imports_world.copy()
    trade[idx, idx, :] = 0.0
    usd_m = 1e-6
    report = dict(base.report)
    report["benchmark"] = (
        "CP equilibrium at the data's trade shares, tariffs, wages and coefficients: expenditures X "
        "and deficits D solved (linear system); see cge/data/cp2015.py")
    report["benchmark_deficits_usd_million"] = dict(zip(REGION_CODES, (deficit * usd_m).round(3).tolist()))
    raised = np.maximum(raw.output, raw.imports.sum(axis=0))
    change = (sales - raised) * usd_m
    top = np.argsort(-np.abs(change).ravel())[:5]
    report["benchmark_output_change"] = {
        "world_pct": float(100 * (sales.sum() / raised.sum() - 1)),
        "sum_abs_pct_of_world_output": float(100 * np.abs(change).sum() / (raised.sum() * usd_m)),
        "largest_usd_million": [{"region": REGION_CODES[n], "sector": SECTOR_CODES[j],
                                 "data": float(raised[n, j] * usd_m), "benchmark": float(sales[n, j] * usd_m)}
                                for n, j in (np.unravel_index(k, change.shape) for k in top)]}
    region_names = dict(zip(REGION_CODES, CP_COUNTRIES))
    sector_names = dict(zip(SECTOR_CODES, SECTOR_NAMES))
    esub = np.concatenate([raw.theta[:N_T] + 1.0, np.full(N_S - N_T, SERVICE_THETA + 1.0)])
    return ExternalTable(
        regions=list(REGION_CODES), sectors=list(SECTOR_CODES), factors=[FACTOR], agents=[AGENT],
        output=sales.T * usd_m,
        int_dom=(int_use * dom_share[:, :, None]).transpose(1, 2, 0) * usd_m,
        int_imp=(int_use * imp_share[:, :, None]).transpose(1, 2, 0) * usd_m,
        fd_dom=(fd_use * dom_share).T[:, None, :] * usd_m,
        fd_imp=(fd_use * imp_share).T[:, None, :] * usd_m,
        trade=trade.transpose(2, 1, 0) * usd_m,
        tariff_rate=base.tau.transpose(2, 1, 0),
        factor_income=(base.gamma_va * sales)[None].transpose(0, 2, 1) * usd_m,
        elasticities={"cp2015": {"esub_dm": esub, "esub_mm": esub.copy(), "esub_va": np.ones(N_S)}},
        attrs={
            "title": "Caliendo-Parro (2015) NAFTA data, 31 regions x 40 sectors, 1993",
            "source": CITATION,
            "base_year": 1993,
            "region_mapping": {c: [n] for c, n in region_names.items()},
            "sector_mapping": {c: [n] for c, n in sector_names.items()},
            "region_names": region_names,
            "sector_names": sector_names,
            "cleaning": report,
            "tariff_source": "CP 2015 tariffs1993.txt (applied tariffs, percent), as supplied",
            "elasticity_sources": {"cp2015": "CP 2015 T.txt theta_j (paper's preferred estimates); "
                                             f"esub_dm = esub_mm = theta + 1; services {SERVICE_THETA} as in "
                                             "CP's code (they do not trade); esub_va = 1"},
            "factor_roles": {"labour": FACTOR},
            "fd_roles": {"private": AGENT},
            "code_version": _code_version(),
        },
    )


def _code_version() -> str:
    from cge.data.build import code_version
    return code_version()


def nafta_table(raw: CPRaw) -> pd.DataFrame:
    """CP's experiment: the 2005 tariffs among Canada, Mexico and the USA, one row per
    (importer, exporter, tradable sector); every other tariff stays at its 1993 level."""
    k = {c: REGION_CODES.index(c) for c in NAFTA}
    rows = [(m, e, SECTOR_CODES[j], round(100 * raw.tariff_2005[k[m], k[e], j], 10))
            for m in NAFTA for e in NAFTA if m != e for j in range(N_T)]
    return pd.DataFrame(rows, columns=["importer", "exporter", "sector", "rate_pct"])


def scenario(dataset_file: str, table_file: str) -> dict:
    """The Caliendo-Parro configuration and the NAFTA experiment as a scenario file."""
    return {
        "name": SCENARIO_FILE.removesuffix(".yaml"),
        "title": "NAFTA tariff reductions, 1993 -> 2005 (Caliendo and Parro 2015)",
        "description": (
            "The model configured as Caliendo and Parro (2015): Cobb-Douglas between labour and "
            "intermediates and among intermediates, labour the only factor, one CES over the domestic "
            "good and every source with sigma = theta + 1 (their trade elasticity theta), Cobb-Douglas "
            "final demand, trade deficits removed in a baseline. Shock: the tariffs among Canada, "
            "Mexico and the USA set to their 2005 levels, every other tariff at its 1993 level."),
        "sources": [CITATION, "Dataset, table and scenario written by `cge data import-cp` from the raw files."],
        "dataset": dataset_file,
        "elasticities": "cp2015",
        "model": {"esub_top": 1.0, "esub_int": 1.0, "esub_fd": {AGENT: 1.0}, "armington": "single_level"},
        "closure": {"capital": "mobile", "labour": "full_employment", "trade_balance": "zero",
                    "numeraire": "world_output_price"},
        "shocks": [{"type": "import_tariff", "name": "nafta_2005", "importers": list(NAFTA),
                    "exporters": list(NAFTA), "table": table_file, "mode": "rate_pct"}],
    }


def import_cp(folder: Path | None = None, out_dir: Path = Path("cp2015")) -> list[Path]:
    """Write the dataset, the NAFTA tariff table and the scenario into ``out_dir``."""
    folder = raw_data_dir(None) / "cp2015" if folder is None else Path(folder)
    raw = read_raw(folder)
    ds = to_dataset(build_table(raw))
    out_dir = Path(out_dir)
    paths = [write_dataset(ds, out_dir / DATASET_FILE)]
    table = nafta_table(raw)
    paths.append(write_atomic(out_dir / TABLE_FILE, lambda tmp: table.to_csv(tmp, index=False)))
    text = yaml.safe_dump(scenario(DATASET_FILE, TABLE_FILE), sort_keys=False, width=100)
    paths.append(write_atomic(out_dir / SCENARIO_FILE, lambda tmp: tmp.write_text(text)))
    return paths
