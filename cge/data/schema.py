"""The base-dataset contract between the data pipeline and the model.

A base dataset is an :class:`xarray.Dataset` of benchmark flows for one year, in
USD million at world (basic, tariff-exclusive) prices, with tariff revenue kept
apart.  Every variable the model reads is declared here with its dimensions, units
and meaning, so that the data pipeline, the validator, the calibration and the
documentation (``docs/data.md``) all read the same list.

Dimensions
----------
region      economies (aggregated WIOD countries), e.g. USA, CHN, EUR
sector      producing sectors, and the good each one makes (one good per sector)
commodity   the same labels as ``sector``, used when a good and a using sector
            appear in one variable (intermediate use)
exporter    the same labels as ``region``: the selling region of a trade flow
importer    the same labels as ``region``: the buying region of a trade flow
factor      primary factors, e.g. LAB (labour), CAP (capital), LND (land), NRS
            (natural resources)
fd          final-demand agents of the regional household: hh (private
            consumption incl. NPISH), gov (government), inv (gross fixed capital
            formation)
elasticity_set  named elasticity sets, e.g. gtap, cp2015

Sign conventions: every flow is non-negative; ``trade_balance`` is exports minus
imports (positive = surplus).  Trade within a region (e.g. between two EU members
inside EUR) is domestic and never appears in ``trade``; its diagonal is zero.
"""

from __future__ import annotations

from dataclasses import dataclass

REGION = "region"
SECTOR = "sector"
COMMODITY = "commodity"
EXPORTER = "exporter"
IMPORTER = "importer"
FACTOR = "factor"
FD = "fd"
ELASTICITY_SET = "elasticity_set"

FD_AGENTS: tuple[str, ...] = ("hh", "gov", "inv")


@dataclass(frozen=True)
class Field:
    """One variable of the base dataset."""

    name: str
    dims: tuple[str, ...]
    units: str
    description: str
    non_negative: bool = True


FIELDS: tuple[Field, ...] = (
    Field("output", (SECTOR, REGION), "USD million",
          "gross output of each sector at basic prices"),
    Field("int_dom", (COMMODITY, SECTOR, REGION), "USD million",
          "domestic intermediate use: commodity made in the region, bought by sector"),
    Field("int_imp", (COMMODITY, SECTOR, REGION), "USD million",
          "imported intermediate use at world prices (tariffs excluded)"),
    Field("fd_dom", (COMMODITY, FD, REGION), "USD million",
          "final demand for domestic goods by agent"),
    Field("fd_imp", (COMMODITY, FD, REGION), "USD million",
          "final demand for imported goods by agent at world prices (tariffs excluded)"),
    Field("trade", (SECTOR, EXPORTER, IMPORTER), "USD million",
          "bilateral trade flows at world prices; zero on the diagonal"),
    Field("factor_income", (FACTOR, SECTOR, REGION), "USD million",
          "payments to primary factors (value added net of tariffs paid on inputs)"),
    Field("tariff_rate", (SECTOR, EXPORTER, IMPORTER), "fraction",
          "benchmark applied ad valorem import tariff (0.05 = 5%)"),
    Field("tariff_revenue", (SECTOR, EXPORTER, IMPORTER), "USD million",
          "benchmark tariff revenue = tariff_rate * trade, collected by the importer"),
    Field("int_tariff", (SECTOR, REGION), "USD million",
          "tariffs paid by each sector on its imported intermediates"),
    Field("fd_tariff", (FD, REGION), "USD million",
          "tariffs paid by each final-demand agent on its imports"),
    Field("trade_balance", (REGION,), "USD million",
          "exports minus imports at world prices", non_negative=False),
    Field("esub_dm", (ELASTICITY_SET, SECTOR), "1",
          "Armington elasticity between the domestic good and the import composite"),
    Field("esub_mm", (ELASTICITY_SET, SECTOR), "1",
          "elasticity of substitution among import sources"),
    Field("esub_va", (ELASTICITY_SET, SECTOR), "1",
          "elasticity of substitution among primary factors in value added"),
)

# Variables a dataset may carry; the validator checks them when present.
OPTIONAL_FIELDS: tuple[Field, ...] = (
    Field("factor_supply_elasticity", (FACTOR, REGION), "1",
          "elasticity of each factor's supply to its real price (0 = fixed endowment)"),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS + OPTIONAL_FIELDS}

# Dataset attributes every built dataset carries (provenance).
REQUIRED_ATTRS: tuple[str, ...] = (
    "title",            # short name, e.g. "WIOD 2011, 12 regions x 15 sectors"
    "source",           # the raw source and its citation
    "base_year",        # e.g. 2011
    "region_mapping",   # JSON: region -> list of source countries
    "sector_mapping",   # JSON: sector -> list of source industries
    "cleaning",         # JSON: what cleaning removed and the size of the rebalancing
    "tariff_source",    # citation of the baseline tariffs and their fallbacks
    "elasticity_sources",  # JSON: elasticity set -> citation
    "code_version",     # package version (and git commit when known)
)
