"""The 2023 datasets: every target met (GDP by region, BACI goods trade by region pair, US-China
trade), Viet Nam and ASEAN split out, four factors, one-line errors for bad raw files with nothing
overwritten, and byte-identical rebuilds from the raw files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cge.data import base2023
from cge.data.datasets import DATASETS
from cge.data.rebuild import build_named
from cge.data.update_targets import BASE_YEAR, TARGET_YEAR
from cge.data.validate import check_dataset
from cge.errors import CGEInputError

GOODS_SECTORS = ["AGR", "MIN", "FOD", "TEX", "CHM", "RPN", "MET", "MCH", "ELE", "TRN", "OMF"]
COMTRADE_US_IMPORTS_FROM_CHINA = 448_017.4   # USD million 2023, us_china_comtrade_hs6 README
COMTRADE_US_EXPORTS_TO_CHINA = 147_805.6


@pytest.fixture(scope="module")
def world(raw_available):
    return base2023.world_2023()


def _region_of(ds) -> dict[str, str]:
    return {e: r for r, members in json.loads(ds.attrs["region_mapping"]).items() for e in members}


def test_vietnam_and_asean_are_regions_of_the_default(default):
    assert [str(r) for r in default.region.values][-3:] == ["VNM", "ASN", "ROW"]
    assert json.loads(default.attrs["region_mapping"])["ASN"] == ["IDN", "OAS"]
    assert check_dataset(default) == []


def test_gdp_by_region_within_one_percent(default, world):
    """Value added of each region = sum over its economies of 2011 value added x WDI GDP
    growth 2011-2023 (IMF for Taiwan); also within 20% of the WDI level (WIOD value added is
    at basic prices)."""
    gdp = world.targets.gdp
    target = pd.Series(world.prior.value_added.sum(axis=1) * (gdp[TARGET_YEAR] / gdp[BASE_YEAR]).to_numpy(),
                       index=list(world.economies.codes))
    va = (default["factor_income"].sum(("factor", "sector")) + default["int_tariff"].sum("sector")).to_series()
    region = target.groupby(_region_of(default)).sum()
    for r in va.index:
        assert va[r] == pytest.approx(region[r], rel=0.01), r
    wdi = gdp[TARGET_YEAR].groupby(_region_of(default)).sum()
    assert (va / wdi).between(0.8, 1.1).all(), (va / wdi).round(3).to_dict()


def test_region_pair_goods_trade_within_two_percent_of_baci(default, world, raw_available):
    """Goods trade of every region pair equals BACI 2023 summed from the raw long file over
    the pair's countries, where BACI covers every economy pair of the region pair (no
    gravity estimate for empty cells of the extract)."""
    baci = pd.read_csv(raw_available / "trade2023_baci_ld" / "trade_cepii_2023_long.csv")
    econ = world.economies
    region = _region_of(default)
    baci["a"] = baci.exporter.map(econ.economy_of).map(region)
    baci["b"] = baci.importer.map(econ.economy_of).map(region)
    observed = baci[baci.a != baci.b].groupby(["a", "b"]).value_kusd.sum() / 1e3
    exact = world.targets.goods_trade.notna() & ~world.targets.estimated
    covered = exact.rename(index=region, columns=region)
    covered = covered.groupby(level=0).all().T.groupby(level=0).all().T
    trade = default["trade"].sel(sector=GOODS_SECTORS).sum("sector").to_pandas()
    checked = 0
    for a in trade.index:
        for b in trade.columns:
            if a != b and covered.loc[a, b]:
                assert trade.loc[a, b] == pytest.approx(observed[(a, b)], rel=0.02), (a, b)
                checked += 1
    # 133 of the 182 pairs; the others include Taiwan (26, not in the extract) or a country of
    # the extract's block of empty cells (Korea, Viet Nam, Poland, Russia, ...; docs/data.md)
    assert checked >= 130


def test_us_china_trade_within_two_percent_of_comtrade(default, world):
    """US imports from China and China's imports from the US (goods, 2023) within 2% of the
    US-reported Comtrade totals; by industry they follow Comtrade's HS6 shares."""
    goods = default["trade"].sel(sector=GOODS_SECTORS).sum("sector")
    assert float(goods.sel(exporter="CHN", importer="USA")) == pytest.approx(
        COMTRADE_US_IMPORTS_FROM_CHINA, rel=0.02)
    assert float(goods.sel(exporter="USA", importer="CHN")) == pytest.approx(
        COMTRADE_US_EXPORTS_TO_CHINA, rel=0.02)
    assert world.report["fits"]["us_china_by_industry_max_rel_gap"] < 1e-8


def test_land_and_natural_resources(default):
    """LND only in agriculture, NRS only in mining, both sector-specific; supply elasticities
    from calibration/factor_supply.csv (LND 0.25, NRS 0)."""
    fi = default["factor_income"]
    assert list(default.factor.values) == ["LAB", "CAP", "LND", "NRS"]
    assert float(fi.sel(factor="LND").drop_sel(sector="AGR").sum()) == 0.0
    assert float(fi.sel(factor="NRS").drop_sel(sector="MIN").sum()) == 0.0
    assert float(fi.sel(factor="NRS", sector="MIN", region="ROW")) > 0
    assert json.loads(default.attrs["factor_mobility"]) == {"LND": "sector_specific", "NRS": "sector_specific"}
    eta = default["factor_supply_elasticity"]
    assert np.allclose(eta.sel(factor="LND"), 0.25) and np.allclose(eta.sel(factor="NRS"), 0.0)


def _data_copy(src: Path, dst: Path, replace: dict[str, str | None]) -> Path:
    """A raw-data folder of symlinks to ``src``, with some files replaced (None = removed)."""
    for folder in src.iterdir():
        (dst / folder.name).mkdir(parents=True)
        for f in folder.rglob("*"):
            if f.is_file():
                target = dst / f.relative_to(src)
                target.parent.mkdir(parents=True, exist_ok=True)
                rel = str(f.relative_to(src))
                if rel in replace:
                    if replace[rel] is not None:
                        target.write_text(replace[rel])
                else:
                    os.symlink(f, target)
    return dst


@pytest.mark.parametrize("file,content,message", [
    ("trade2023_baci_ld/trade_cepii.csv", None, "2023 target file not found: .*trade_cepii.csv"),
    ("trade2023_baci_ld/trade_cepii.csv", "export_ij1\n1\n",
     "2023 target file .*trade_cepii.csv: expected a 194 x 194 matrix"),
    ("gdp_wdi/GDP_wdi_NY.GDP.MKTP.CD_2025-03-24.xls", "not a workbook",
     "2023 target file .*GDP_wdi.*xls: not a WDI workbook"),
    ("wiod_sea2013/wiod_sea2013_wide.csv.gz", None, "WIOD SEA file not found"),
])
def test_bad_raw_file_one_line_error_and_nothing_overwritten(raw_available, tmp_path, file, content, message):
    """A missing or malformed 2023 source: one line naming the file; existing datasets intact."""
    data = _data_copy(raw_available, tmp_path / "data", {file: content})
    target = tmp_path / "datasets"
    target.mkdir()
    existing = target / DATASETS["tiny"].file
    existing.write_bytes(b"previous build")
    with pytest.raises(CGEInputError, match=message) as err:
        build_named(["tiny"], data_dir=data, target_dir=target)
    assert "\n" not in str(err.value)
    assert existing.read_bytes() == b"previous build"
    assert sorted(p.name for p in target.iterdir()) == [existing.name]


@pytest.mark.slow
def test_build_all_is_byte_identical_from_raw(raw_available, tmp_path):
    """Two builds of every named dataset from the raw files give identical bytes."""
    first, second = tmp_path / "a", tmp_path / "b"
    build_named(list(DATASETS), target_dir=first)
    base2023._world_2023.cache_clear()
    build_named(list(DATASETS), target_dir=second)
    for name, spec in DATASETS.items():
        assert (first / spec.file).read_bytes() == (second / spec.file).read_bytes(), name
    shutil.rmtree(first)
