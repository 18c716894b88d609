"""Aggregation of the cleaned country x industry table to the regions and sectors of a mapping.

Aggregation is a sum with 0/1 membership matrices, so world output, value added and
every bilateral flow between two regions are preserved exactly.  Trade between two
countries of the same region becomes domestic use; the region's own purchases from
itself are ``int_dom``/``fd_dom`` and the ``trade`` diagonal is zero.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from cge.data.clean import CleanTable
from cge.data.mapping import Mapping
from cge.data.schema import COMMODITY, EXPORTER, FD, FD_AGENTS, IMPORTER, REGION, SECTOR


def country_trade(table: CleanTable) -> xr.DataArray:
    """Bilateral trade between WIOD countries (industry, exporter, importer), USD million.

    Trade of a good is its intermediate plus final use by another country, at world
    (basic) prices; the diagonal (a country's use of its own goods) is zero.
    """
    flows = table.inter.sum(axis=3) + table.final.sum(axis=3)  # (exporter, industry, importer)
    flows = flows.transpose(1, 0, 2).copy()
    idx = np.arange(len(table.countries))
    flows[:, idx, idx] = 0.0
    return xr.DataArray(flows, dims=("industry", EXPORTER, IMPORTER),
                        coords={"industry": list(table.industries),
                                EXPORTER: list(table.countries), IMPORTER: list(table.countries)},
                        name="country_trade", attrs={"units": "USD million"})


def aggregate(table: CleanTable, mapping: Mapping) -> xr.Dataset:
    """Sum the cleaned table into the mapping's regions and sectors.

    Returns ``output``, ``int_dom``, ``int_imp``, ``fd_dom``, ``fd_imp``, ``trade`` (schema
    dims) and ``value_added`` (sector, region): WIOD value added incl. the net taxes
    that the build later splits into tariffs and factor income.
    """
    rmat = mapping.region_matrix(table.countries)   # (region, country)
    smat = mapping.sector_matrix(table.industries)  # (sector, industry)
    # inter[c, i, d, j] -> z[a, s, b, t]; final[c, i, d, k] -> f[a, s, b, k]
    z = np.einsum("ac,si,cidj,bd,tj->asbt", rmat, smat, table.inter, rmat, smat, optimize=True)
    f = np.einsum("ac,si,cidk,bd->asbk", rmat, smat, table.final, rmat, optimize=True)
    nr = rmat.shape[0]
    diag = np.arange(nr)
    off = np.ones((nr, nr))
    off[diag, diag] = 0.0

    int_dom = z[diag, :, diag, :].transpose(1, 2, 0)                     # (commodity, sector, region)
    int_imp = np.einsum("asbt,ab->stb", z, off)
    fd_dom = f[diag, :, diag, :].transpose(1, 2, 0)                      # (commodity, fd, region)
    fd_imp = np.einsum("asbk,ab->skb", f, off)
    trade = (z.sum(axis=3) + f.sum(axis=3)).transpose(1, 0, 2) * off[None, :, :]
    output = smat @ table.output.T @ rmat.T                              # (sector, region)
    value_added = smat @ table.value_added.T @ rmat.T

    regions = list(mapping.regions)
    sectors = list(mapping.sectors)
    coords = {REGION: regions, SECTOR: sectors, COMMODITY: sectors, FD: list(FD_AGENTS),
              EXPORTER: regions, IMPORTER: regions}
    return xr.Dataset(
        {
            "output": ((SECTOR, REGION), output),
            "int_dom": ((COMMODITY, SECTOR, REGION), int_dom),
            "int_imp": ((COMMODITY, SECTOR, REGION), int_imp),
            "fd_dom": ((COMMODITY, FD, REGION), fd_dom),
            "fd_imp": ((COMMODITY, FD, REGION), fd_imp),
            "trade": ((SECTOR, EXPORTER, IMPORTER), trade),
            "value_added": ((SECTOR, REGION), value_added),
        },
        coords=coords,
    )
