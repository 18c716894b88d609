"""Small hand-made economies that satisfy the base-dataset schema.

They are not calibrated to any real table: they exist for analytic checks where a
known answer requires a stylised economy (the ACR formula needs one sector and one
factor; a symmetry check needs identical regions) and for fast unit tests.  Every
accounting identity of ``cge.data.schema`` holds by construction: costs are chosen,
then sales are completed so rows and columns balance.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from cge import __version__
from cge.data.schema import FD_AGENTS, FIELDS


def synthetic_dataset(regions: list[str], sectors: list[str], factors: tuple[str, ...] = ("LAB", "CAP"),
                      intermediates: bool = True, tariff: float = 0.0, seed: int = 0,
                      symmetric: bool = False, fd_shares: tuple[float, float, float] = (0.6, 0.2, 0.2),
                      esub_dm: float = 2.0, esub_mm: float = 4.0, esub_va: float = 1.0,
                      trade_share: float = 0.25, balanced_trade: bool = False,
                      sizes: list[float] | None = None) -> xr.Dataset:
    """A balanced base dataset with the given regions, sectors and factors.

    ``symmetric=True`` makes every region identical (same output, costs and bilateral
    trade); ``balanced_trade=True`` makes bilateral flows symmetric, so every trade
    balance is zero; ``sizes`` scales each region's output; ``tariff`` is a uniform benchmark tariff on goods; the elasticities form
    one set named ``synthetic``.
    """
    rng = np.random.default_rng(seed)
    nr, ns, nf = len(regions), len(sectors), len(factors)

    def draw(*shape: int) -> np.ndarray:
        if symmetric:
            base = rng.uniform(0.8, 1.2, size=shape[:-1] + (1,))
            return np.broadcast_to(base, shape).copy()
        return rng.uniform(0.8, 1.2, size=shape)

    output = 1000.0 * draw(ns, nr) * np.asarray(sizes or [1.0] * nr)[None, :]
    a_dom = (0.25 / ns) * draw(ns, ns, nr) if intermediates else np.zeros((ns, ns, nr))
    a_imp = (0.08 / ns) * draw(ns, ns, nr) if intermediates else np.zeros((ns, ns, nr))
    int_dom = a_dom * output[None, :, :]
    int_imp = a_imp * output[None, :, :]
    # exports: a share of output, split over destinations
    dest = draw(ns, nr, nr) * np.asarray(sizes or [1.0] * nr)[None, None, :]  # gravity: big markets buy more
    for k in range(nr):
        dest[:, k, k] = 0.0
    dest /= dest.sum(axis=2, keepdims=True)
    trade = trade_share * output[:, :, None] * dest          # (i, s, r)
    if balanced_trade:  # symmetric bilateral flows: every region's trade balances
        trade = 0.5 * (trade + trade.transpose(0, 2, 1))
    tariff_rate = np.full((ns, nr, nr), tariff)
    for k in range(nr):
        tariff_rate[:, k, k] = 0.0
    imports = trade.sum(axis=1)                              # (i, r)
    used = int_imp.sum(axis=1)                               # imported inputs may use at most
    int_imp *= np.minimum(1.0, 0.6 * imports / np.where(used > 0, used, 1.0))[:, None, :]  # 60% of imports
    tbar = np.divide((tariff_rate * trade).sum(axis=1), imports,
                     out=np.zeros_like(imports), where=imports > 0)
    fd_dom_tot = output - int_dom.sum(axis=1) - trade.sum(axis=2)
    fd_imp_tot = imports - int_imp.sum(axis=1)
    if (fd_dom_tot <= 0).any() or (fd_imp_tot < 0).any():
        raise ValueError("synthetic dataset: final demand would be negative; lower trade_share")
    shares = np.asarray(fd_shares)[None, :, None]
    fd_dom = fd_dom_tot[:, None, :] * shares
    fd_imp = fd_imp_tot[:, None, :] * shares
    int_tariff = (tbar[:, None, :] * int_imp).sum(axis=0)
    fd_tariff = (tbar[:, None, :] * fd_imp).sum(axis=0)
    va = output - int_dom.sum(axis=0) - int_imp.sum(axis=0) - int_tariff
    fshare = draw(nf, ns, nr)
    fshare /= fshare.sum(axis=0, keepdims=True)
    factor_income = fshare * va[None, :, :]
    trade_balance = trade.sum(axis=(0, 2)) - trade.sum(axis=(0, 1))

    coords = {"region": regions, "sector": sectors, "commodity": sectors, "exporter": regions,
              "importer": regions, "factor": list(factors), "fd": list(FD_AGENTS),
              "elasticity_set": ["synthetic"]}
    ds = xr.Dataset(
        {
            "output": (("sector", "region"), output),
            "int_dom": (("commodity", "sector", "region"), int_dom),
            "int_imp": (("commodity", "sector", "region"), int_imp),
            "fd_dom": (("commodity", "fd", "region"), fd_dom),
            "fd_imp": (("commodity", "fd", "region"), fd_imp),
            "trade": (("sector", "exporter", "importer"), trade),
            "factor_income": (("factor", "sector", "region"), factor_income),
            "tariff_rate": (("sector", "exporter", "importer"), tariff_rate),
            "tariff_revenue": (("sector", "exporter", "importer"), tariff_rate * trade),
            "int_tariff": (("sector", "region"), int_tariff),
            "fd_tariff": (("fd", "region"), fd_tariff),
            "trade_balance": (("region",), trade_balance),
            "esub_dm": (("elasticity_set", "sector"), np.full((1, ns), esub_dm)),
            "esub_mm": (("elasticity_set", "sector"), np.full((1, ns), esub_mm)),
            "esub_va": (("elasticity_set", "sector"), np.full((1, ns), esub_va)),
        },
        coords=coords,
    )
    for f in FIELDS:
        if f.name in ds:
            ds[f.name].attrs["units"] = f.units
    ds.attrs.update({
        "title": f"synthetic {nr} regions x {ns} sectors",
        "source": "synthetic: hand-made balanced economy (cge.data.synthetic), no real data",
        "base_year": 0,
        "region_mapping": json.dumps({r: [r] for r in regions}),
        "sector_mapping": json.dumps({s: [s] for s in sectors}),
        "cleaning": json.dumps({}),
        "tariff_source": f"uniform {tariff:.4f}",
        "elasticity_sources": json.dumps({"synthetic": "chosen for tests"}),
        "code_version": __version__,
    })
    return ds
