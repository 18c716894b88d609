"""The 2023 world table: WIOD 2011, split and updated to 2023 targets, with its factor shares.

Steps (docs/data.md, "The 2023 base data"):

1. read and clean WIOD 2011 (:mod:`cge.data.wiod`, :mod:`cge.data.clean`);
2. split Viet Nam and the other ASEAN members out of WIOD's rest of the world
   (:mod:`cge.data.region_split`), giving the 2011 prior on 43 economies;
3. scale every economy's purchases (intermediate and final) and value added by its GDP
   growth 2011-2023 in current USD (WDI), so input-output coefficients and import
   shares start at their 2011 values;
4. cross-entropy update (:mod:`cge.data.update`) to the targets of
   :mod:`cge.data.update_targets`: value added of each economy = its 2011 value added x
   its GDP growth (WIOD value added is at basic prices, 83-105% of WDI GDP at market
   prices in 2011; the ratio is kept), BACI 2023 goods trade of every pair of
   economies, and US-China goods trade by industry in both directions;
5. factor shares by economy x industry (LAB from the WIOD SEA, NRS from WDI rents, LND,
   CAP; :mod:`cge.data.sea`, :mod:`cge.data.resources`) and supply elasticities.

The result is cached per data folder, so ``cge data build --all`` updates once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from cge.data.clean import CleanTable, clean_table
from cge.data.factors import labour_share_matrix, load_labour_shares
from cge.data.region_split import Economies, RegionSplit, SplitTable, economies, load_region_split, split_prior
from cge.data.resources import (FactorShares, economy_rents, factor_shares, load_factor_supply,
                                supply_elasticity)
from cge.data.sea import EMERGING, SEA_CITATION, pooled_shares, sea_labour_shares
from cge.data.update import Prior, Result, Targets, seed_empty_pairs, solve_update
from cge.data.update_targets import (BASE_YEAR, GOODS, TARGET_YEAR, UpdateTargets, load_targets,
                                     read_wdi_gdp)
from cge.data.wiod import raw_data_dir, read_wiod

YEAR = TARGET_YEAR
MIN_OUTPUT = 1000.0   # USD million: cells below are left out of the structure comparison


@dataclass(frozen=True)
class World2023:
    """The updated country table and everything the build needs from the update."""

    table: CleanTable          # 43 economies x 35 industries, 2023
    economies: Economies
    split: RegionSplit
    targets: UpdateTargets
    prior: SplitTable          # the 2011 prior (before growth scaling)
    result: Result
    factors: FactorShares
    supply: np.ndarray         # (f, e) supply elasticity
    report: dict


def labour_shares_2023(table11: CleanTable, econ: Economies, split: RegionSplit,
                       data_dir: Path | None) -> tuple[np.ndarray, dict]:
    """Labour share by (economy, industry): SEA for WIOD countries, pooled SEA of
    emerging economies for the rest of the world, the proxy's for split parts."""
    countries = tuple(c for c in table11.countries if c != split.parent)
    pwt = labour_share_matrix(load_labour_shares(), countries, table11.industries)
    sea = sea_labour_shares(countries, table11.industries, pwt, data_dir)
    va = table11.value_added[[table11.countries.index(c) for c in countries]]
    rest = pooled_shares(sea, va, EMERGING)
    out = np.empty((len(econ.codes), len(table11.industries)))
    for k, e in enumerate(econ.codes):
        if e == split.parent:
            out[k] = rest
        elif e in split.parts:
            out[k] = sea.share[countries.index(split.parts[e].proxy)]
        else:
            out[k] = sea.share[countries.index(e)]
    report = sea.report() | {
        split.parent: f"VA-weighted mean of the SEA shares of {' '.join(EMERGING)}, by industry",
        "parts": {p: f"the shares of its proxy {part.proxy}" for p, part in split.parts.items()}}
    return out, report


def _prior(split_table: SplitTable, growth: np.ndarray) -> Prior:
    """2011 flows scaled by the buying economy's GDP growth."""
    return Prior(inter=split_table.inter * growth[None, None, :, None],
                 final=split_table.final * growth[None, None, :, None],
                 value_added=split_table.value_added * growth[:, None])


def _update_targets(split_table: SplitTable, t: UpdateTargets, industries: tuple[str, ...]) -> Targets:
    codes = list(t.codes)
    goods = np.array([i in GOODS for i in industries])
    by = {(codes.index(e), codes.index(f)): v for (e, f), v in t.sector_targets().items()}
    return Targets(value_added=split_table.value_added.sum(axis=1) * t.growth,
                   goods_trade=t.goods_trade.reindex(index=codes, columns=codes).to_numpy(float),
                   goods=goods, by_industry=by, names=tuple(codes))


def structure_moved(before: SplitTable, after: CleanTable, top: int = 10) -> dict:
    """Largest changes of input-output coefficients and goods import shares, 2011 -> 2023."""
    codes, ind = after.countries, after.industries

    def coefficients(inter: np.ndarray, output: np.ndarray) -> np.ndarray:
        use = inter.sum(axis=0)                                  # (i, f, j)
        return np.divide(use, output[None], out=np.zeros_like(use), where=output[None] > 0)

    out11 = before.inter.sum(axis=(2, 3)) + before.final.sum(axis=(2, 3))
    a11, a23 = coefficients(before.inter, out11), coefficients(after.inter, after.output)
    keep = (out11 >= MIN_OUTPUT) & (after.output >= MIN_OUTPUT)
    diff = np.where(keep[None], a23 - a11, 0.0)
    order = np.argsort(-np.abs(diff), axis=None)[:top]
    coef = [{"input": ind[i], "user": f"{codes[f]} {ind[j]}", "2011": round(float(a11[i, f, j]), 4),
             "2023": round(float(a23[i, f, j]), 4)}
            for i, f, j in zip(*np.unravel_index(order, diff.shape))]
    weight = np.where(keep, after.output, 0.0)
    mean_abs = float((np.abs(diff).sum(axis=0) * weight).sum() / weight.sum())
    g = [ind.index(c) for c in GOODS]

    def import_shares(inter: np.ndarray, final: np.ndarray) -> np.ndarray:
        flows = inter[:, g].sum(axis=(1, 3)) + final[:, g].sum(axis=(1, 3))
        np.fill_diagonal(flows, 0.0)
        return flows / flows.sum(axis=0, keepdims=True)

    s11, s23 = import_shares(before.inter, before.final), import_shares(after.inter, after.final)
    ds = s23 - s11
    order = np.argsort(-np.abs(ds), axis=None)[:top]
    shares = [{"exporter": codes[e], "importer": codes[f], "2011": round(float(s11[e, f]), 4),
               "2023": round(float(s23[e, f]), 4)} for e, f in zip(*np.unravel_index(order, ds.shape))]
    return {"io_coefficients": {"largest_changes": coef,
                                "output_weighted_mean_abs_change_of_column_sum": round(mean_abs, 5),
                                "cells": f"(input, economy x industry) with output >= {MIN_OUTPUT:g} "
                                         "USD million in both years"},
            "goods_import_shares": {"largest_changes": shares,
                                    "mean_abs_change": round(float(np.abs(ds).mean()), 5)}}


def _fits(t: Targets, table: CleanTable) -> dict:
    """Relative gaps of the built table to every target family (after the final balancing)."""
    g = np.flatnonzero(t.goods)
    goods = table.inter[:, g].sum(axis=(1, 3)) + table.final[:, g].sum(axis=(1, 3))
    pair = np.isfinite(t.goods_trade) & ~np.eye(len(t.value_added), dtype=bool)
    gaps = np.abs(goods - np.nan_to_num(t.goods_trade))[pair] / np.maximum(t.goods_trade[pair], 1e-9)
    va = np.abs(table.value_added.sum(axis=1) - t.value_added) / t.value_added
    sec = [np.abs(table.inter[e, g, f].sum(-1) + table.final[e, g, f].sum(-1) - v).max() / max(v.max(), 1e-9)
           for (e, f), v in t.by_industry.items()]
    return {"value_added_max_rel_gap": float(va.max()), "goods_trade_max_rel_gap": float(gaps.max()),
            "goods_trade_pairs": int(pair.sum()), "us_china_by_industry_max_rel_gap": float(max(sec))}


@lru_cache(maxsize=2)
def _world_2023(data_dir: str) -> World2023:
    base = Path(data_dir)
    table11 = clean_table(read_wiod(BASE_YEAR, base))
    split = load_region_split()
    econ = economies(split, table11.countries)
    targets = load_targets(econ, split.parent, base)
    gdp11 = targets.gdp[BASE_YEAR].to_dict()
    prior11 = split_prior(table11.countries, table11.inter, table11.final, table11.value_added,
                          split, econ.codes, gdp11)
    labour, labour_report = labour_shares_2023(table11, econ, split, base)
    wdi, _ = read_wdi_gdp(base)
    rents = economy_rents(econ, wdi[BASE_YEAR], base)
    shares = factor_shares(econ.codes, table11.industries, labour, prior11.value_added, rents)
    supply = supply_elasticity(load_factor_supply(), shares.factors, econ.codes)
    upd_targets = _update_targets(prior11, targets, table11.industries)
    seeded_prior, seeded = seed_empty_pairs(_prior(prior11, targets.growth), upd_targets)
    result = solve_update(seeded_prior, upd_targets)
    output = result.inter.sum(axis=(2, 3)) + result.final.sum(axis=(2, 3))
    table = CleanTable(year=YEAR, countries=econ.codes, industries=table11.industries,
                       inter=result.inter, final=result.final, output=output, report=table11.report)
    report = {
        "method": "cross-entropy (GRAS/KRAS) update of the cleaned WIOD 2011 table, split into "
                  f"{len(econ.codes)} economies, to {YEAR} targets; cge/data/update.py, docs/data.md",
        "sources": targets.sources,
        "region_split": {p: {"name": part.name, "members": part.members, "proxy": part.proxy}
                         for p, part in split.parts.items()},
        "newton_iterations": result.iterations, "max_relative_residual": result.max_residual,
        "fits": _fits(upd_targets, table),
        "seeded_pairs": [f"{econ.codes[e]}->{econ.codes[f]}" for e, f in seeded],
        "pairs_without_target": [f"{a}->{b}" for a in econ.codes for b in econ.codes if a != b
                                 and not np.isfinite(targets.goods_trade.loc[a, b])],
        "pairs_with_estimated_empty_cells": [f"{a}->{b}" for a in econ.codes for b in econ.codes
                                             if targets.estimated.loc[a, b]],
        "comtrade_us_china_usd_million": {f"{e}->{f}": round(v, 1)
                                          for (e, f), v in targets.sector_shares.comtrade_total.items()},
        "comtrade_not_mapped_to_goods_usd_million": {f"{e}->{f}": round(v, 1)
                                                     for (e, f), v in targets.sector_shares.unmapped.items()},
        "structure_moved": structure_moved(prior11, table),
        "kept_from_2011": "services trade and its composition (no 2023 target), the input structure "
                          "of every industry and the composition of final demand (moved only as far as "
                          "the targets require), labour shares (SEA 2011/2009), resource-rent shares "
                          "(WDI 2011), baseline tariffs (CP 2005) and elasticities",
        "labour_shares": labour_report, "resources": shares.report,
    }
    return World2023(table=table, economies=econ, split=split, targets=targets, prior=prior11,
                     result=result, factors=shares, supply=supply, report=report)


def world_2023(data_dir: Path | None = None) -> World2023:
    """The 2023 world table for the raw data under ``data_dir`` (cached)."""
    return _world_2023(str(raw_data_dir(data_dir).resolve()))


__all__ = ["World2023", "world_2023", "YEAR", "SEA_CITATION"]
