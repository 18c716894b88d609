"""Calibration: base dataset + elasticity set + options -> benchmark quantities, prices,
shares and elasticities (docs/model.md, "Units and calibration").

All model quantities are measured in benchmark units: one unit of a good is what one
USD million bought at benchmark world prices, so benchmark producer prices are 1.
Agents pay tariff-inclusive prices for imports, so the benchmark price of a region's
import composite is ``1 + tbar(i, r)``, the trade-weighted average tariff.

Elasticities are held by (sector, region), so a scenario can override one sector in one
region; the dataset's elasticity sets give them by sector.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import xarray as xr

from cge.errors import CGEInputError
from cge.model.options import DEFAULT_ESUB_FD_BY_ROLE, ModelOptions

ZERO = 1e-9  # USD million: flows below this are treated as absent
WIOD_FD_ROLES = {"private": "hh", "government": "gov", "investment": "inv"}
DEFAULT_FACTOR_ROLES = {"labour": "LAB", "capital": "CAP"}
MOBILE, SPECIFIC = "mobile", "sector_specific"


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
    esub_dm: np.ndarray         # (i, r) domestic vs import composite
    esub_mm: np.ndarray         # (i, r) among import sources
    esub_va: np.ndarray         # (j, r) among primary factors
    esub_top: np.ndarray        # (j, r) value added vs intermediate bundle
    esub_int: np.ndarray        # (j, r) among intermediate goods
    esub_crit: np.ndarray       # (j, r) critical inputs vs the rest; NaN = no critical nest
    esub_fd: np.ndarray         # (a, r) among goods in final demand
    factor_mobility: dict[str, str] = field(default_factory=dict)
    factor_supply_elasticity: np.ndarray | None = None  # (f, r)
    factor_roles: dict[str, str] = field(default_factory=dict)
    fd_roles: dict[str, str] = field(default_factory=dict)
    critical_inputs: list[str] = field(default_factory=list)
    elasticity_set: str = ""
    options: ModelOptions = field(default_factory=ModelOptions)
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

    @property
    def private_agent(self) -> str | None:
        """The final-demand agent that is private consumption, if the dataset says."""
        return self.fd_roles.get("private")

    def mobility(self, factor: str) -> str:
        """``mobile`` or ``sector_specific`` for a factor, before the closure's choices."""
        return self.factor_mobility.get(factor, MOBILE)

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


def _json_attr(ds: xr.Dataset, key: str, default: object) -> object:
    raw = ds.attrs.get(key)
    if raw is None:
        return default
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        raise CGEInputError(f"dataset attribute {key}: not valid JSON") from None


def _fd_elasticities(agents: list[str], roles: dict[str, str], options: ModelOptions,
                     nr: int) -> np.ndarray:
    role_of = {agent: role for role, agent in roles.items()}
    out = np.zeros((len(agents), nr))
    for k, a in enumerate(agents):
        out[k] = DEFAULT_ESUB_FD_BY_ROLE.get(role_of.get(a, "private"), 1.0)
    for a, val in options.esub_fd.items():
        if a not in agents:
            raise CGEInputError(f"model.esub_fd: unknown final-demand agent '{a}'; "
                                f"allowed: {', '.join(agents)}")
        out[agents.index(a)] = val
    return out


def calibrate(ds: xr.Dataset, elasticity_set: str = "protee",
              esub_crit: dict[str, float] | None = None,
              options: ModelOptions | None = None) -> Benchmark:
    """Read a validated base dataset into a :class:`Benchmark` for one elasticity set.

    ``esub_crit`` maps using sectors to the elasticity between critical inputs (the
    dataset attribute ``critical_inputs``) and the rest of their input bundle;
    ``options`` sets the other nests (:class:`~cge.model.options.ModelOptions`).
    """
    options = options or ModelOptions()
    regions = [str(v) for v in ds["region"].values]
    sectors = [str(v) for v in ds["sector"].values]
    factors = [str(v) for v in ds["factor"].values]
    fd_agents = [str(v) for v in ds["fd"].values]
    nr, ns = len(regions), len(sectors)

    def arr(var: str, dims: tuple[str, ...]) -> np.ndarray:
        return ds[var].transpose(*dims).values.astype(float)

    critical = [c for c in _json_attr(ds, "critical_inputs", []) if c in sectors]
    esub_crit = dict(esub_crit or {})
    crit = np.full((ns, nr), np.nan)
    for sec, val in esub_crit.items():
        if sec not in sectors:
            raise CGEInputError(f"esub_crit: unknown sector '{sec}'; allowed: {', '.join(sectors)}")
        crit[sectors.index(sec)] = val
    if esub_crit and not critical:
        raise CGEInputError("esub_crit: the dataset has no critical inputs (attribute critical_inputs)")
    fd_roles = _json_attr(ds, "fd_roles", None) or {k: v for k, v in WIOD_FD_ROLES.items() if v in fd_agents}
    factor_roles = _json_attr(ds, "factor_roles", None) or {
        k: v for k, v in DEFAULT_FACTOR_ROLES.items() if v in factors}
    known = set(factor_roles.values())
    mobility = {f: (MOBILE if f in known else SPECIFIC) for f in factors}
    mobility.update(_json_attr(ds, "factor_mobility", {}))
    supply = (arr("factor_supply_elasticity", ("factor", "region"))
              if "factor_supply_elasticity" in ds else np.zeros((len(factors), nr)))

    def by_region(var: str) -> np.ndarray:
        return np.repeat(_select_set(ds, elasticity_set, var)[:, None], nr, axis=1)

    esub_mm = by_region("esub_mm")
    esub_dm = esub_mm.copy() if options.armington == "single_level" else by_region("esub_dm")
    return Benchmark(
        regions=regions, sectors=sectors, factors=factors, fd_agents=fd_agents,
        output=arr("output", ("sector", "region")),
        factor_income=arr("factor_income", ("factor", "sector", "region")),
        int_dom=arr("int_dom", ("commodity", "sector", "region")),
        int_imp=arr("int_imp", ("commodity", "sector", "region")),
        fd_dom=arr("fd_dom", ("commodity", "fd", "region")),
        fd_imp=arr("fd_imp", ("commodity", "fd", "region")),
        trade=arr("trade", ("sector", "exporter", "importer")),
        tariff=arr("tariff_rate", ("sector", "exporter", "importer")),
        trade_balance=arr("trade_balance", ("region",)),
        esub_dm=esub_dm, esub_mm=esub_mm, esub_va=by_region("esub_va"),
        esub_top=np.full((ns, nr), options.esub_top),
        esub_int=np.full((ns, nr), options.esub_int),
        esub_crit=crit,
        esub_fd=_fd_elasticities(fd_agents, fd_roles, options, nr),
        factor_mobility=mobility, factor_supply_elasticity=supply,
        factor_roles=factor_roles, fd_roles=fd_roles,
        critical_inputs=critical,
        elasticity_set=elasticity_set,
        options=options,
        dataset_attrs={k: str(v) for k, v in ds.attrs.items()},
    )
