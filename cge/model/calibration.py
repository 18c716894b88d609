"""Calibration: base dataset + elasticity set -> benchmark quantities, prices and shares.

All model quantities are measured in benchmark units: one unit of a good is what one
USD million bought at benchmark world prices, so benchmark producer prices are 1.
Agents pay tariff-inclusive prices for imports, so the benchmark price of a region's
import composite is ``1 + tbar(i, r)``, the trade-weighted average tariff.  See
docs/model.md, "Calibration".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import xarray as xr

from cge.data.schema import FD_AGENTS
from cge.errors import CGEInputError

# Final-demand elasticities: private consumption Cobb-Douglas (a homothetic
# simplification of GTAP's CDE), government Cobb-Douglas and investment Leontief,
# as in the GTAP model (Hertel 1997, "Global Trade Analysis", ch. 2; Corong et al.
# 2017, "The Standard GTAP Model, Version 7", JGEA 2(1)).
DEFAULT_ESUB_FD: dict[str, float] = {"hh": 1.0, "gov": 1.0, "inv": 0.0}
# Top-level substitution between value added and intermediates: Leontief, GTAP's
# ESUBT = 0 (Corong et al. 2017, section 3.2).
DEFAULT_ESUB_TOP = 0.0
ZERO = 1e-9  # USD million: flows below this are treated as absent


@dataclass
class Benchmark:
    """Benchmark data of one model structure, as numpy arrays on labelled axes."""

    regions: list[str]
    sectors: list[str]
    factors: list[str]
    fd_agents: list[str]
    output: np.ndarray          # (j, r)
    factor_income: np.ndarray   # (f, j, r)
    int_dom: np.ndarray         # (i, j, r) world-price units
    int_imp: np.ndarray         # (i, j, r)
    fd_dom: np.ndarray          # (i, a, r)
    fd_imp: np.ndarray          # (i, a, r)
    trade: np.ndarray           # (i, s, r)
    tariff: np.ndarray          # (i, s, r) benchmark rate
    trade_balance: np.ndarray   # (r,)
    esub_dm: np.ndarray         # (i,)
    esub_mm: np.ndarray         # (i,)
    esub_va: np.ndarray         # (j,)
    esub_top: float = DEFAULT_ESUB_TOP
    esub_fd: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_ESUB_FD))
    critical_inputs: list[str] = field(default_factory=list)
    esub_crit: dict[str, float] = field(default_factory=dict)
    elasticity_set: str = ""
    dataset_attrs: dict[str, str] = field(default_factory=dict)

    # ---- derived benchmark quantities -------------------------------------------------
    @property
    def imports(self) -> np.ndarray:
        """Import composite quantity by (i, r) at world prices."""
        return self.trade.sum(axis=1)

    @property
    def tbar(self) -> np.ndarray:
        """Trade-weighted average benchmark tariff by (i, r)."""
        imp = self.imports
        rev = (self.tariff * self.trade).sum(axis=1)
        return np.divide(rev, imp, out=np.zeros_like(rev), where=imp > ZERO)

    @property
    def pm_bar(self) -> np.ndarray:
        """Benchmark agent price of the import composite, 1 + tbar (i, r)."""
        return 1.0 + self.tbar

    @property
    def fd_value(self) -> np.ndarray:
        """Benchmark final expenditure by (i, a, r) at agents' (tariff-inclusive) prices."""
        return self.fd_dom + self.fd_imp * self.pm_bar[:, None, :]

    @property
    def int_value(self) -> np.ndarray:
        """Benchmark intermediate purchases by (i, j, r) at agents' prices."""
        return self.int_dom + self.int_imp * self.pm_bar[:, None, :]

    @property
    def agent_expenditure(self) -> np.ndarray:
        """Benchmark expenditure of each final-demand agent (a, r)."""
        return self.fd_value.sum(axis=0)

    @property
    def income(self) -> np.ndarray:
        """Benchmark regional household income net of the trade balance (r,)."""
        return self.agent_expenditure.sum(axis=0)

    @cached_property
    def ri(self) -> dict[str, int]:
        """Position of each region on the region axis."""
        return {r: k for k, r in enumerate(self.regions)}

    @cached_property
    def si(self) -> dict[str, int]:
        """Position of each sector (and commodity) on the sector axis."""
        return {s: k for k, s in enumerate(self.sectors)}

    @cached_property
    def fi(self) -> dict[str, int]:
        """Position of each factor on the factor axis."""
        return {f: k for k, f in enumerate(self.factors)}

    @cached_property
    def ai(self) -> dict[str, int]:
        """Position of each final-demand agent on the fd axis."""
        return {a: k for k, a in enumerate(self.fd_agents)}

    def index(self, kind: str, code: str) -> int:
        """Position of a code on an axis ('region', 'sector', 'factor', 'fd')."""
        labels = {"region": self.regions, "sector": self.sectors,
                  "factor": self.factors, "fd": self.fd_agents}[kind]
        try:
            return labels.index(code)
        except ValueError:
            raise CGEInputError(f"unknown {kind} '{code}'; allowed: {', '.join(labels)}") from None


def _select_set(ds: xr.Dataset, name: str, var: str) -> np.ndarray:
    sets = [str(s) for s in ds["elasticity_set"].values]
    if name not in sets:
        raise CGEInputError(f"elasticities: unknown set '{name}'; allowed: {', '.join(sets)}")
    return ds[var].sel(elasticity_set=name).transpose("sector").values.astype(float)


def calibrate(ds: xr.Dataset, elasticity_set: str = "gtap",
              esub_crit: dict[str, float] | None = None,
              esub_top: float = DEFAULT_ESUB_TOP,
              esub_fd: dict[str, float] | None = None) -> Benchmark:
    """Read a validated base dataset into a :class:`Benchmark` for one elasticity set.

    ``esub_crit`` maps using sectors to the elasticity between critical inputs (the
    dataset attribute ``critical_inputs``) and the rest of their input bundle.
    """
    regions = [str(v) for v in ds["region"].values]
    sectors = [str(v) for v in ds["sector"].values]
    factors = [str(v) for v in ds["factor"].values]
    fd_agents = [str(v) for v in ds["fd"].values]
    if fd_agents != list(FD_AGENTS):
        raise CGEInputError(f"dataset fd agents {fd_agents}; expected {list(FD_AGENTS)}")

    def arr(var: str, dims: tuple[str, ...]) -> np.ndarray:
        return ds[var].transpose(*dims).values.astype(float)

    critical = json.loads(ds.attrs.get("critical_inputs", "[]"))
    esub_crit = dict(esub_crit or {})
    for sec in esub_crit:
        if sec not in sectors:
            raise CGEInputError(f"esub_crit: unknown sector '{sec}'; allowed: {', '.join(sectors)}")
    if esub_crit and not critical:
        raise CGEInputError("esub_crit: the dataset has no critical inputs (attribute critical_inputs)")
    fd_sig = dict(DEFAULT_ESUB_FD)
    fd_sig.update(esub_fd or {})
    trade = arr("trade", ("sector", "exporter", "importer"))
    return Benchmark(
        regions=regions, sectors=sectors, factors=factors, fd_agents=fd_agents,
        output=arr("output", ("sector", "region")),
        factor_income=arr("factor_income", ("factor", "sector", "region")),
        int_dom=arr("int_dom", ("commodity", "sector", "region")),
        int_imp=arr("int_imp", ("commodity", "sector", "region")),
        fd_dom=arr("fd_dom", ("commodity", "fd", "region")),
        fd_imp=arr("fd_imp", ("commodity", "fd", "region")),
        trade=trade,
        tariff=arr("tariff_rate", ("sector", "exporter", "importer")),
        trade_balance=arr("trade_balance", ("region",)),
        esub_dm=_select_set(ds, elasticity_set, "esub_dm"),
        esub_mm=_select_set(ds, elasticity_set, "esub_mm"),
        esub_va=_select_set(ds, elasticity_set, "esub_va"),
        esub_top=esub_top,
        esub_fd=fd_sig,
        critical_inputs=[c for c in critical if c in sectors],
        esub_crit=esub_crit,
        elasticity_set=elasticity_set,
        dataset_attrs={k: str(v) for k, v in ds.attrs.items()},
    )
