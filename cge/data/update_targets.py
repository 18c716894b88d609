"""The 2023 targets of the update, read from the raw files and put on the economies of the table.

* GDP in current USD, 2011 and 2023: World Bank WDI ``NY.GDP.MKTP.CD``, vintage
  2025-03-24 (``gdp_wdi/GDP_wdi_NY.GDP.MKTP.CD_2025-03-24.xls``).  WDI has no Taiwan:
  its GDP is the IMF's (``calibration/gdp_supplement.csv``, source in the file).  WIOD's
  rest of the world is the WDI world total less every other economy, so it includes
  the World Bank's estimates for countries without a value of their own.
* Bilateral goods trade 2023: CEPII BACI HS22 V202501, all products summed
  (``trade2023_baci_ld/trade_cepii.csv``, thousand USD, row = exporter, column =
  importer), summed over the countries of each economy; flows inside one economy drop.
  Taiwan is not in that extract (BACI's "Other Asia, nes"), so pairs with Taiwan carry
  no trade target.
* US-China goods trade by WIOD industry 2023, both directions: UN Comtrade, US-reported
  HS6 rows (``us_china_comtrade_hs6/us_china_hs6_2015_2025.csv.gz``; imports from China
  CIF, exports FOB), mapped HS6 -> ISIC Rev.3 -> WIOD by the concordances of the R
  package ``concordance`` (``concordances/hs_isic3.RData``, ``wiod_2013.RData``).  The
  industry *shares* come from Comtrade; the level of each direction is BACI's, so every
  flow is valued FOB like the rest of BACI (the two differ by 1.7% in 2023).

Every reader checks its file and raises a one-line :class:`CGEInputError` naming it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineError

from cge.data.region_split import Economies
from cge.data.wiod import raw_data_dir, repo_root
from cge.data.csv_tables import read_table_csv
from cge.errors import CGEInputError

WDI_FILE = ("gdp_wdi", "GDP_wdi_NY.GDP.MKTP.CD_2025-03-24.xls")
BACI_FILE = ("trade2023_baci_ld", "trade_cepii.csv")
BACI_LABELS = ("trade2023_baci_ld", "country_labels.csv")
COMTRADE_FILE = ("us_china_comtrade_hs6", "us_china_hs6_2015_2025.csv.gz")
HS_ISIC3_FILE = ("concordances", "hs_isic3.RData")
ISIC3_WIOD_FILE = ("concordances", "wiod_2013.RData")
WDI_WORLD = "WLD"
BASE_YEAR, TARGET_YEAR = 2011, 2023
GOODS = tuple(f"c{k}" for k in range(1, 17))   # WIOD goods industries (agriculture to manufacturing)
US_CHINA = (("CHN", "USA"), ("USA", "CHN"))     # (exporter, importer)
INCOMPLETE = 0.01   # share of a pair's trade in empty BACI cells up to which the observed sum is taken
ESTIMATED = 0.25    # ... up to which the empty cells' gravity estimate is added; above: no target


def _path(data_dir: Path | None, parts: tuple[str, str]) -> Path:
    path = raw_data_dir(data_dir).joinpath(*parts)
    if not path.is_file():
        raise CGEInputError(f"2023 target file not found: {path} (set --wiod-dir or CGE_DATA_DIR "
                            "to the shared data folder)")
    return path


def gdp_supplement_file() -> Path:
    """GDP of economies WDI lacks (Taiwan), with sources: ``calibration/gdp_supplement.csv``."""
    return repo_root() / "calibration" / "gdp_supplement.csv"


def read_wdi_gdp(data_dir: Path | None = None) -> tuple[pd.DataFrame, set[str]]:
    """WDI GDP (USD million) by ISO3 code for 2011 and 2023, and the codes of aggregates."""
    path = _path(data_dir, WDI_FILE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = pd.read_excel(path, sheet_name="Data", header=3, engine="calamine")
            meta = pd.read_excel(path, sheet_name="Metadata - Countries", engine="calamine")
    except (CalamineError, ValueError, KeyError, OSError) as exc:
        raise CGEInputError(f"2023 target file {path}: not a WDI workbook with sheets 'Data' and "
                            f"'Metadata - Countries' ({type(exc).__name__})") from None
    data.columns = [str(c) for c in data.columns]
    years = [str(BASE_YEAR), str(TARGET_YEAR)]
    if "Country Code" not in data or any(y not in data for y in years) \
            or "Region" not in meta or "Country Code" not in meta:
        raise CGEInputError(f"2023 target file {path}: needs columns 'Country Code', {', '.join(years)} "
                            "(sheet Data) and 'Country Code', 'Region' (sheet Metadata - Countries)")
    gdp = data.set_index("Country Code")[years].apply(pd.to_numeric, errors="coerce") / 1e6
    gdp.columns = [BASE_YEAR, TARGET_YEAR]
    aggregates = set(meta.loc[meta.Region.isna(), "Country Code"])
    if WDI_WORLD not in gdp.index or gdp.loc[WDI_WORLD].isna().any():
        raise CGEInputError(f"2023 target file {path}: no world total ({WDI_WORLD}) for "
                            f"{BASE_YEAR} and {TARGET_YEAR}")
    return gdp, aggregates


def read_gdp_supplement(path: Path | None = None) -> pd.DataFrame:
    """Supplementary GDP (USD million): index economy, columns 2011, 2023; every row cited."""
    path = Path(path) if path is not None else gdp_supplement_file()
    table = read_table_csv(path, "GDP supplement file", {"economy", "year", "gdp_usd_million", "source"})
    bad = table[~(pd.to_numeric(table.gdp_usd_million, errors="coerce") > 0)]
    if len(bad):
        raise CGEInputError(f"GDP supplement file {path}: gdp_usd_million of {bad.economy.iloc[0]} "
                            f"{bad.year.iloc[0]} is {str(bad.gdp_usd_million.iloc[0])!r} (allowed: > 0)")
    if (table.source.fillna("").str.strip() == "").any():
        raise CGEInputError(f"GDP supplement file {path}: every row needs a source")
    return table.pivot(index="economy", columns="year", values="gdp_usd_million")


def economy_gdp(econ: Economies, parent: str, data_dir: Path | None = None) -> pd.DataFrame:
    """GDP (USD million) of every economy in 2011 and 2023: WDI countries summed, the
    supplement for economies WDI lacks, the parent's rest = WDI world - everything else."""
    gdp, aggregates = read_wdi_gdp(data_dir)
    countries = [c for c in gdp.index if c not in aggregates and gdp.loc[c].notna().any()]
    econ.check_covers(countries, f"WDI GDP ({WDI_FILE[1]})")
    supplement = read_gdp_supplement()
    out = pd.DataFrame(0.0, index=list(econ.codes), columns=[BASE_YEAR, TARGET_YEAR])
    for e in econ.codes:
        if e == parent:
            continue
        if e in supplement.index:
            out.loc[e] = supplement.loc[e, [BASE_YEAR, TARGET_YEAR]].to_numpy(float)
            continue
        members = [c for c in econ.members(e) if c in gdp.index]
        values = gdp.loc[members]
        if not members or values.isna().any().any():
            missing = [c for c in econ.members(e) if c not in gdp.index or gdp.loc[c].isna().any()]
            raise CGEInputError(f"WDI GDP ({WDI_FILE[1]}): no {BASE_YEAR} and {TARGET_YEAR} value for "
                                f"{', '.join(missing) or e} (economy {e}); add it to {gdp_supplement_file()}")
        out.loc[e] = values.sum().to_numpy()
    world = gdp.loc[WDI_WORLD].to_numpy(float)
    wdi_named = out.drop(index=[parent] + [e for e in supplement.index if e in out.index])
    out.loc[parent] = world - wdi_named.sum().to_numpy()
    if (out.loc[parent] <= 0).any():
        raise CGEInputError(f"WDI GDP ({WDI_FILE[1]}): the world total leaves nothing for {parent}")
    return out


def read_baci(econ: Economies, data_dir: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """BACI 2023 goods trade (USD million) between economies: exporter x importer; zero
    diagonal; NaN where no target can be taken from the extract.

    The extract has empty cells, most of them small pairs with no trade, but also a
    block of about 40 countries whose mutual flows are all empty (e.g. Korea - Viet Nam,
    Korea - Poland, Russia - Korea, Viet Nam - Philippines): an artefact of the extract,
    not zero trade.  An empty cell is valued at its independence (gravity) estimate
    ``exports_a x imports_b / world`` (observed totals).  A pair of economies whose empty
    cells add up to at most ``INCOMPLETE`` of its total takes the observed sum; up to
    ``ESTIMATED`` the observed sum plus the estimate (``estimated`` is True); above, no
    target (NaN), like pairs with a country BACI lacks (Taiwan).
    """
    path, labels_path = _path(data_dir, BACI_FILE), _path(data_dir, BACI_LABELS)
    labels = pd.read_csv(labels_path)
    matrix = pd.read_csv(path)
    n = len(labels)
    if matrix.shape != (n, n) or list(matrix.columns) != [f"export_ij{k}" for k in labels.iso_code]:
        raise CGEInputError(f"2023 target file {path}: expected a {n} x {n} matrix with columns "
                            f"export_ij1..export_ij{n} (order of {labels_path.name})")
    values = matrix.apply(pd.to_numeric, errors="coerce").to_numpy(float)
    if (values < 0).any():
        raise CGEInputError(f"2023 target file {path}: negative trade value")
    iso = list(labels.iso3)
    econ.check_covers(iso, f"BACI 2023 ({BACI_FILE[1]})")
    codes = list(econ.codes)
    member = np.zeros((len(codes), n))
    for k, c in enumerate(iso):
        member[codes.index(econ.economy_of[c]), k] = 1.0
    observed = np.nan_to_num(values)
    empty = np.isnan(values) & ~np.eye(n, dtype=bool)
    gravity = np.where(empty, np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum(), 0.0)
    flows = member @ observed @ member.T / 1e3   # thousand USD -> USD million
    missing = member @ gravity @ member.T / 1e3
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(missing > 0, missing / (flows + missing), 0.0)
    estimated = (share > INCOMPLETE) & (share <= ESTIMATED)
    flows = np.where(estimated, flows + missing, flows)
    present = member.sum(axis=1) > 0
    flows[(share > ESTIMATED) | ~present[:, None] | ~present[None, :]] = np.nan
    np.fill_diagonal(flows, 0.0)
    np.fill_diagonal(estimated, False)
    return (pd.DataFrame(flows, index=codes, columns=codes),
            pd.DataFrame(estimated, index=codes, columns=codes))


def hs6_to_wiod(data_dir: Path | None = None) -> pd.Series:
    """WIOD industry (c1..c35) of each HS6 code via ISIC Rev.3 (first ISIC code listed).

    Codes the concordance gives no industry (ISIC 9999: waste and scrap, by-products)
    take the industry of their HS chapter in the project's ``hs_wiod.csv``.
    """
    import rdata

    from cge.data.tariff_schedules import load_concordance

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hs = rdata.read_rda(str(_path(data_dir, HS_ISIC3_FILE)))["hs_isic3"]
        isic = rdata.read_rda(str(_path(data_dir, ISIC3_WIOD_FILE)))["wiod_2013"]
    isic = isic.dropna(subset=["WIOT2013_n"]).drop_duplicates("ISIC3_4d")
    wiod = dict(zip(isic.ISIC3_4d, "c" + isic.WIOT2013_n.astype(int).astype(str)))
    hs = hs.dropna(subset=["ISIC3_4d"]).sort_values(["HS_6d", "ISIC3_4d"]).drop_duplicates("HS_6d")
    chapters = load_concordance("hs_wiod")

    def industry(hs6: str, isic_code: str) -> str | None:
        if isic_code in wiod:
            return wiod[isic_code]
        for n in (4, 2):
            if hs6[:n] in chapters:
                return chapters[hs6[:n]]
        return None

    return pd.Series([industry(h, c) for h, c in zip(hs.HS_6d, hs.ISIC3_4d)],
                     index=hs.HS_6d.to_numpy()).dropna()


@dataclass(frozen=True)
class SectorShares:
    """US-China goods trade 2023 by WIOD goods industry (shares) and what the mapping left out."""

    shares: dict[tuple[str, str], np.ndarray]    # (exporter, importer) -> shares over GOODS
    comtrade_total: dict[tuple[str, str], float]  # USD million, all HS6 rows
    unmapped: dict[tuple[str, str], float]        # USD million not mapped to c1..c16


def us_china_shares(data_dir: Path | None = None) -> SectorShares:
    """Industry shares of US imports from China and US exports to China, 2023 (Comtrade HS6)."""
    path = _path(data_dir, COMTRADE_FILE)
    try:
        rows = pd.read_csv(path, dtype={"cmd_code": str})
        rows = rows[rows.year == TARGET_YEAR]
        value = pd.to_numeric(rows.primary_value, errors="raise")
    except (AttributeError, KeyError, ValueError, pd.errors.ParserError):
        raise CGEInputError(f"2023 target file {path}: needs columns year, flow_code, cmd_code, "
                            "primary_value with numeric values") from None
    industry = rows.cmd_code.map(hs6_to_wiod(data_dir))
    shares, totals, unmapped = {}, {}, {}
    for flow, pair in (("M", ("CHN", "USA")), ("X", ("USA", "CHN"))):
        sel = (rows.flow_code == flow).to_numpy()
        if not sel.any():
            raise CGEInputError(f"2023 target file {path}: no {TARGET_YEAR} rows with flow_code {flow}")
        by = value[sel].groupby(industry[sel]).sum()
        goods = by.reindex(list(GOODS)).fillna(0.0).to_numpy(float)
        totals[pair] = float(value[sel].sum()) / 1e6
        unmapped[pair] = totals[pair] - goods.sum() / 1e6
        shares[pair] = goods / goods.sum()
    return SectorShares(shares=shares, comtrade_total=totals, unmapped=unmapped)


@dataclass(frozen=True)
class UpdateTargets:
    """Targets of the 2023 update on the economies of the split table (USD million)."""

    codes: tuple[str, ...]
    gdp: pd.DataFrame                  # economy x (2011, 2023)
    goods_trade: pd.DataFrame          # exporter x importer, NaN = no target
    estimated: pd.DataFrame            # exporter x importer: target includes a gravity estimate
    sector_shares: SectorShares
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def growth(self) -> np.ndarray:
        """GDP 2023 / GDP 2011 in current USD, by economy."""
        return (self.gdp[TARGET_YEAR] / self.gdp[BASE_YEAR]).reindex(list(self.codes)).to_numpy(float)

    def sector_targets(self) -> dict[tuple[str, str], np.ndarray]:
        """US-China goods trade by WIOD goods industry: BACI level x Comtrade shares."""
        return {pair: float(self.goods_trade.loc[pair]) * sh
                for pair, sh in self.sector_shares.shares.items()}


def load_targets(econ: Economies, parent: str, data_dir: Path | None = None) -> UpdateTargets:
    """Read every 2023 target; a missing or malformed file is a one-line error naming it."""
    base = raw_data_dir(data_dir)
    trade, estimated = read_baci(econ, data_dir)
    return UpdateTargets(
        codes=econ.codes, gdp=economy_gdp(econ, parent, data_dir),
        goods_trade=trade, estimated=estimated, sector_shares=us_china_shares(data_dir),
        sources={
            "gdp": f"World Bank WDI NY.GDP.MKTP.CD (vintage 2025-03-24), {base.joinpath(*WDI_FILE)}; "
                   f"economies WDI lacks: {gdp_supplement_file().name}",
            "goods_trade": "CEPII BACI HS22 V202501, 2023, all products (Gaulier and Zignago 2010), "
                           "as in the replication package of Ignatenko, Macedoni, Lashkaripour and "
                           f"Simonovska (2025), {base.joinpath(*BACI_FILE)}",
            "us_china_sectors": "UN Comtrade, US-reported HS6 trade with China 2023, "
                                f"{base.joinpath(*COMTRADE_FILE)}; HS6 -> ISIC Rev.3 -> WIOD by "
                                "the R package concordance (hs_isic3, wiod_2013)",
        })
