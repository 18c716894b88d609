"""Build a 2023 base dataset: the updated world table aggregated to a mapping.

Same steps as :func:`cge.data.build.build_dataset` after the table is made
(:mod:`cge.data.base2023`): aggregation, baseline tariffs (split economies take their
parent's rates, docs/tariffs.md), four factors with their supply elasticities,
elasticities weighted by 2023 world imports, provenance, validation.
"""

from __future__ import annotations

import json
from pathlib import Path

import xarray as xr

from cge.data import tariffs
from cge.data.aggregate import aggregate
from cge.data.base2023 import YEAR, World2023, world_2023
from cge.data.build import add_tariffs, baseline_tariff_rates, finish, net_value_added, provenance
from cge.data.factors import aggregate_factor_shares, aggregate_supply_elasticity, factor_income_by_shares
from cge.data.mapping import Mapping, load_mapping
from cge.data.resources import load_factor_supply
from cge.data.validate import validate_dataset
from cge.data.wiod import WIOD_CITATION

FACTOR_ROLES = {"labour": "LAB", "capital": "CAP"}
FACTOR_MOBILITY = {"LND": "sector_specific", "NRS": "sector_specific"}


def split_economies(world: World2023) -> tuple[tariffs.SplitEconomies, str]:
    """The tariff module's view of the region split, and its provenance note."""
    split = world.split
    free = frozenset(split.parts) if split.duty_free_among_parts else frozenset()
    note = (f"; split economies {', '.join(split.parts)} apply and face the rates of {split.parent}, "
            f"pay {split.parent}'s mean rate on trade with its rest"
            + (f" and trade duty free among themselves ({' '.join(split.duty_free_source.split())})"
               if free else ""))
    return tariffs.SplitEconomies(parent_of=split.parent_of, duty_free=free), note


def factor_sources(world: World2023) -> str:
    """JSON provenance of the factor split and the supply elasticities."""
    supply = load_factor_supply()
    return json.dumps({
        "LAB": world.report["labour_shares"],
        "NRS": world.report["resources"]["NRS"],
        "LND": world.report["resources"]["LND"],
        "CAP": "the rest of value added",
        "factor_supply_elasticity": [{"factor": r.factor, "economy": r.economy,
                                      "supply_elasticity": r.supply_elasticity, "source": r.source}
                                     for r in supply.itertuples()],
        "aggregation": "shares weighted by value added, elasticities by factor income"})


def build_dataset_2023(mapping: str | Path = "default", data_dir: Path | None = None) -> xr.Dataset:
    """Build and validate the 2023 dataset of ``mapping``."""
    world = world_2023(data_dir)
    clean = world.table
    agg_map: Mapping = load_mapping(mapping, clean.countries, clean.industries)
    flows = aggregate(clean, agg_map)
    split, tariff_note = split_economies(world)
    ds = add_tariffs(flows, baseline_tariff_rates(clean, agg_map, flows, data_dir, split))
    factors = world.factors
    shares = aggregate_factor_shares(factors.share, clean.value_added, agg_map, clean.countries,
                                     clean.industries, factors.factors)
    ds["factor_income"] = factor_income_by_shares(net_value_added(ds), shares)
    ds["factor_supply_elasticity"] = aggregate_supply_elasticity(
        world.supply, factors.share, clean.value_added, agg_map, clean.countries, factors.factors)
    ds = finish(ds, clean, agg_map, data_dir)
    attrs = provenance(agg_map, YEAR, clean.report, tariffs.baseline_tariffs_source() + tariff_note,
                       ds.attrs["elasticity_sources"], factor_sources(world))
    attrs["title"] = (f"WIOD 2011 updated to {YEAR}, {len(agg_map.regions)} regions x "
                      f"{len(agg_map.sectors)} sectors")
    attrs["source"] = (f"{WIOD_CITATION}; split and updated to {YEAR} by cross-entropy "
                       f"(docs/data.md): {'; '.join(world.targets.sources.values())}")
    attrs["update"] = json.dumps(world.report, default=float)
    attrs["factor_roles"] = json.dumps(FACTOR_ROLES)
    attrs["factor_mobility"] = json.dumps(FACTOR_MOBILITY)
    ds.attrs = attrs
    validate_dataset(ds)
    return ds
