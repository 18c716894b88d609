"""Factor markets (docs/model.md, "Factor markets").

Mobile factors have one price per region, ``pf[f,r]``, and clear a regional market;
sector-specific factors (land and natural resources by default, capital under the
short-run closure) have a price per using sector, ``pfs[f,j,r]``.  Supply responds to
the factor's real price with elasticity eta (0 = fixed endowment):

    sum_j F[f,j,r] = Fbar[f,r] endow[f,r] (pf[f,r]/cpi[r])^eta[f,r]        mobile
    F[f,j,r]       = Fbar[f,j,r] endow[f,j,r] (pfs[f,j,r]/cpi[r])^eta[f,r]  sector-specific

Under ``fixed_real_wage`` the labour supply is ``ls[r]`` instead (endogenous) and the
wage equals the consumer price index, ``pf[LAB,r] = cpi[r]``.  ``wf[f,j,r]`` is the
price sector j pays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cge.errors import CGEInputError
from cge.model.algebra import Segments, Vec, concat, segment_sum, take
from cge.model.calibration import Benchmark
from cge.model.sets import ModelSets


@dataclass
class FactorData:
    """Static data of the factor block."""

    wf_index: np.ndarray        # FJ -> position in concat(pf, pfs)
    mobile_uses: np.ndarray     # FJ members that use a mobile factor
    mobile_market: Segments     # those uses -> FR
    specific_use: np.ndarray    # FJS -> FJ member
    fr_bar: np.ndarray          # benchmark endowment of each mobile market (USD million)
    fjs_bar: np.ndarray         # benchmark endowment of each specific market
    fr_eta: np.ndarray          # supply elasticity of each mobile market
    fjs_eta: np.ndarray
    fr_region: np.ndarray
    fjs_region: np.ndarray
    ls_regions: np.ndarray      # regions with endogenous labour supply (fixed real wage)
    ls_market: np.ndarray       # FR member of labour in those regions (-1 if none)
    fr_ls: np.ndarray           # FR -> position in ls, or -1
    income_by_factor: Segments  # (FR entries, FJS entries) -> factor x region (f * nr + r)


def prepare_factors(b: Benchmark, sets: ModelSets, labour_closure: str) -> FactorData:
    """Index maps and benchmark endowments of the factor markets."""
    nr = sets.nr
    fj, fr, fjs = sets.fj, sets.fr, sets.fjs
    fr_pos = {(f, r): k for k, (f, r) in enumerate(zip(fr["f"], fr["r"]))}
    fjs_pos = {(f, j, r): k for k, (f, j, r) in enumerate(zip(fjs["f"], fjs["j"], fjs["r"]))}
    wf_index = np.empty(len(fj), dtype=np.int64)
    mobile = np.zeros(len(fj), dtype=bool)
    for k, (f, j, r) in enumerate(zip(fj["f"], fj["j"], fj["r"])):
        if (f, j, r) in fjs_pos:
            wf_index[k] = len(fr) + fjs_pos[f, j, r]
        else:
            wf_index[k] = fr_pos[f, r]
            mobile[k] = True
    mobile_uses = np.flatnonzero(mobile)
    fj_pos = {lab: k for k, lab in enumerate(zip(fj["f"], fj["j"], fj["r"]))}
    specific_use = np.array([fj_pos[k] for k in zip(fjs["f"], fjs["j"], fjs["r"])], dtype=np.int64)
    fr_bar = b.factor_income[fr["f"], :, fr["r"]].sum(axis=1) if len(fr) else np.zeros(0)
    fjs_bar = b.factor_income[fjs["f"], fjs["j"], fjs["r"]]
    eta = b.factor_supply_elasticity
    if labour_closure == "fixed_real_wage":
        lab = b.factor_roles.get("labour")
        if lab is None:
            raise CGEInputError("closure.labour: fixed_real_wage needs a labour factor (dataset "
                                "attribute factor_roles names none)")
        lab_f = b.fi[lab]
        ls_regions = np.array(sorted({r for f, r in zip(fr["f"], fr["r"]) if f == lab_f}), dtype=np.int64)
        ls_market = np.array([fr_pos[lab_f, r] for r in ls_regions], dtype=np.int64)
    else:
        ls_regions = np.zeros(0, dtype=np.int64)
        ls_market = np.zeros(0, dtype=np.int64)
    fr_ls = np.full(len(fr), -1, dtype=np.int64)
    fr_ls[ls_market] = np.arange(len(ls_market))
    groups = np.concatenate([fr["f"] * nr + fr["r"], fjs["f"] * nr + fjs["r"]])
    return FactorData(
        wf_index=wf_index, mobile_uses=mobile_uses,
        mobile_market=Segments.of(wf_index[mobile_uses], len(fr)),
        specific_use=specific_use, fr_bar=fr_bar, fjs_bar=fjs_bar,
        fr_eta=eta[fr["f"], fr["r"]], fjs_eta=eta[fjs["f"], fjs["r"]],
        fr_region=fr["r"], fjs_region=fjs["r"],
        ls_regions=ls_regions, ls_market=ls_market, fr_ls=fr_ls,
        income_by_factor=Segments.of(groups, len(sets.factors) * nr))


def factor_prices(d: FactorData, v) -> Vec:  # noqa: ANN001 (namespace of variables)
    """The price each sector pays for each factor it uses, ``wf[f,j,r]`` (FJ)."""
    return take(concat([v.pf, v.pfs]), d.wf_index)


def factor_supply(d: FactorData, v, q, cpi: Vec) -> tuple[Vec, Vec]:  # noqa: ANN001
    """Supply of every mobile and specific market relative to its benchmark endowment."""
    fr_supply = q.endow_fr * (v.pf / take(cpi, d.fr_region)) ** d.fr_eta
    if len(d.ls_market):
        fr_supply = _with_labour(d, fr_supply, q, v)
    fjs_supply = q.endow_fjs * (v.pfs / take(cpi, d.fjs_region)) ** d.fjs_eta
    return fr_supply, fjs_supply


def _with_labour(d: FactorData, fr_supply: Vec, q, v) -> Vec:  # noqa: ANN001
    """Replace the supply of labour markets by endowment x employment ``ls``."""
    others = np.flatnonzero(d.fr_ls < 0)
    parts = concat([take(fr_supply, others), take(q.endow_fr, d.ls_market) * v.ls])
    order = np.concatenate([others, d.ls_market])
    return segment_sum(parts, Segments.of(order, len(d.fr_ls)))


def factor_markets(d: FactorData, demand: Vec, fr_supply: Vec, fjs_supply: Vec) -> tuple[Vec, Vec]:
    """Residuals of mobile and specific factor markets (relative to benchmark endowments)."""
    mobile = segment_sum(take(demand, d.mobile_uses), d.mobile_market) / d.fr_bar - fr_supply
    specific = take(demand, d.specific_use) / d.fjs_bar - fjs_supply
    return mobile, specific


def real_wage(d: FactorData, v, cpi: Vec) -> Vec:  # noqa: ANN001
    """Fixed real wage: the wage equals the regional consumer price index."""
    return take(v.pf, d.ls_market) - take(cpi, d.ls_regions)


def factor_payments(d: FactorData, v, fr_supply: Vec, fjs_supply: Vec) -> Vec:  # noqa: ANN001
    """Factor income by (factor, region), flattened f * nr + r, in USD million."""
    pay = concat([v.pf * d.fr_bar * fr_supply, v.pfs * d.fjs_bar * fjs_supply])
    return segment_sum(pay, d.income_by_factor)
