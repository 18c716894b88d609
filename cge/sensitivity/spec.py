"""What a sensitivity analysis varies, checked against the scenario's benchmark
(docs/ssa.md, "What to vary").

A varied parameter names either an elasticity (``parameter``: esub_dm, esub_mm, esub_va,
esub_top, esub_int; with ``sectors`` and ``regions``, each a name, a list, ``all`` or
``each``) or a numeric field of the scenario (``field``, a dotted path such as
``shocks.0.add_pct_points``), and a symmetric distribution:

* ``pct``: +/- that percentage of the base value (uniform or triangular), or for a normal
  a standard deviation of that percentage; elasticities are then scaled by a common factor;
* ``low`` and ``high``: absolute bounds (uniform, triangular);
* ``mean`` and ``sd``: absolute moments (normal).

``each`` expands one entry into an independent parameter per sector (or region).  Bad
input is a one-line :class:`CGEInputError` naming the entry and the allowed values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from cge.errors import CGEInputError
from cge.model.calibration import Benchmark
from cge.model.options import ELASTICITY_LIMIT
from cge.model.overrides import OVERRIDABLE, POSITIVE, ElasticityOverride, _pick
from cge.scenario import Scenario
from cge.sensitivity.sampling import DISTRIBUTIONS, Distribution

# A normal distribution is refused when its mean is within this many standard deviations
# of a bound (probability of a draw beyond it above 0.13%).
NORMAL_MARGIN_SD = 3.0


class VariedParameter(BaseModel):
    """One entry of an SSA: what to vary and how (module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parameter: str | None = None
    field: str | None = None
    sectors: str | list[str] = "all"
    regions: str | list[str] = "all"
    distribution: str = "uniform"
    pct: float | None = None
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None


@dataclass(frozen=True)
class Varied:
    """One independent random variable of the analysis, resolved against the benchmark."""

    label: str
    entry: VariedParameter
    sectors: tuple[str, ...] | str
    regions: tuple[str, ...] | str
    scaled: bool                 # elasticity scaled by a factor (pct) rather than set to a value
    dist: Distribution

    def describe(self) -> dict[str, Any]:
        """JSON-ready description (the ``ssa_parameters`` attribute)."""
        what = {"parameter": self.entry.parameter} if self.entry.parameter else {"field": self.entry.field}
        return {"label": self.label, **what, "sectors": _listed(self.sectors),
                "regions": _listed(self.regions), "distribution": self.dist.name,
                "varies": "scale factor" if self.scaled else "value", "mean": self.dist.mean,
                "sd": self.dist.sd, "low": _finite(self.dist.low), "high": _finite(self.dist.high)}

    def override(self, x: float) -> ElasticityOverride:
        """The elasticity override that sets this variable to ``x``."""
        kind = {"scale": x} if self.scaled else {"value": x}
        return ElasticityOverride(parameter=self.entry.parameter, sectors=_listed(self.sectors),
                                  regions=_listed(self.regions), **kind)


def _listed(sel: tuple[str, ...] | str) -> list[str] | str:
    return list(sel) if isinstance(sel, tuple) else sel


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def parse_parameters(raw: list[dict[str, Any]] | list[VariedParameter]) -> list[VariedParameter]:
    """Validate the entries; a malformed one is a one-line error naming it."""
    if not raw:
        raise CGEInputError("ssa: no parameter to vary; give at least one entry")
    out = []
    for k, item in enumerate(raw):
        if isinstance(item, VariedParameter):
            out.append(item)
            continue
        try:
            out.append(VariedParameter.model_validate(item))
        except ValidationError as err:
            first = err.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            msg = first["msg"].replace("Value error, ", "")
            if first["type"] == "extra_forbidden":
                msg = ("unknown key; allowed: parameter, field, sectors, regions, distribution, "
                       "pct, low, high, mean, sd")
            raise CGEInputError(f"ssa.parameters[{k}].{loc}: {msg}") from None
    return out


def _distribution(p: VariedParameter, base: float | None, where: str) -> tuple[Distribution, bool]:
    """The distribution of an entry and whether it scales the base value."""
    if p.distribution not in DISTRIBUTIONS:
        raise CGEInputError(f"{where}.distribution: unknown '{p.distribution}'; allowed: "
                            f"{', '.join(DISTRIBUTIONS)}")
    given = {k for k in ("pct", "low", "high", "mean", "sd") if getattr(p, k) is not None}
    allowed = [{"pct"}, {"low", "high"}] if p.distribution != "normal" else [{"pct"}, {"mean", "sd"}]
    if given not in allowed:
        forms = " or ".join("+".join(sorted(a)) for a in allowed)
        raise CGEInputError(f"{where}: a {p.distribution} distribution needs {forms} "
                            f"(got {', '.join(sorted(given)) or 'none'})")
    for k in given:
        if not math.isfinite(getattr(p, k)):
            raise CGEInputError(f"{where}.{k}: must be a finite number")
    if "pct" in given:
        if not p.pct > 0:
            raise CGEInputError(f"{where}.pct: must be positive (got {p.pct:g})")
        centre, scaled = (1.0, True) if base is None else (base, False)
        half = centre * p.pct / 100.0
        if p.distribution == "normal":
            return Distribution("normal", centre, abs(half)), scaled
        return Distribution.bounded(p.distribution, centre - abs(half), centre + abs(half)), scaled
    if p.distribution == "normal":
        if not p.sd > 0:
            raise CGEInputError(f"{where}.sd: must be positive (got {p.sd:g})")
        return Distribution("normal", p.mean, p.sd), False
    if not p.high > p.low:
        raise CGEInputError(f"{where}: high ({p.high:g}) must exceed low ({p.low:g})")
    return Distribution.bounded(p.distribution, p.low, p.high), False


def _range(d: Distribution) -> tuple[float, float]:
    """The values a distribution reaches (a normal: mean +/- NORMAL_MARGIN_SD sd)."""
    if d.name == "normal":
        return d.mean - NORMAL_MARGIN_SD * d.sd, d.mean + NORMAL_MARGIN_SD * d.sd
    return d.low, d.high


def _check_elasticity(v: Varied, b: Benchmark, where: str) -> None:
    """Refuse a distribution that reaches a non-positive (or, for production nests, negative)
    or too large elasticity on any element it changes."""
    par = v.entry.parameter
    lo, hi = _range(v.dist)
    arr = getattr(b, par)
    rows = _pick(_listed(v.sectors), b.sectors, f"{where}.sectors")
    cols = _pick(_listed(v.regions), b.regions, f"{where}.regions")
    block = arr[rows][:, cols]
    low, high = (lo * block.min(), hi * block.max()) if v.scaled else (lo, hi)
    if v.scaled and lo <= 0:
        low = lo
    if par in POSITIVE and low <= 0:
        raise CGEInputError(f"{where}: {v.label} reaches a non-positive elasticity ({low:g}); "
                            f"{par} must stay above 0")
    if low < 0:
        raise CGEInputError(f"{where}: {v.label} reaches a negative elasticity ({low:g})")
    if high > ELASTICITY_LIMIT:
        raise CGEInputError(f"{where}: {v.label} reaches {high:g}; {par} must stay at or below "
                            f"{ELASTICITY_LIMIT:g}")


def _field_value(sc: Scenario, path: str, where: str) -> float:
    """The numeric value of a scenario field named by a dotted path."""
    node: Any = sc.model_dump(mode="json", exclude_none=True)
    for key in path.split("."):
        try:
            node = node[int(key)] if isinstance(node, list) else node[key]
        except (KeyError, IndexError, ValueError, TypeError):
            raise CGEInputError(f"{where}.field: scenario '{sc.name}' has no field '{path}'") from None
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise CGEInputError(f"{where}.field: '{path}' is not a number (got {node!r})")
    return float(node)


def resolve(entries: list[VariedParameter], sc: Scenario, b: Benchmark) -> list[Varied]:
    """Expand ``each`` and check every entry against the benchmark; one-line errors."""
    out: list[Varied] = []
    for k, p in enumerate(entries):
        where = f"ssa.parameters[{k}]"
        if (p.parameter is None) == (p.field is None):
            raise CGEInputError(f"{where}: give exactly one of parameter, field")
        if p.field is not None:
            dist, _ = _distribution(p, _field_value(sc, p.field, where), where)
            out.append(Varied(p.field, p, "all", "all", False, dist))
            continue
        if p.parameter not in OVERRIDABLE:
            raise CGEInputError(f"{where}.parameter: unknown '{p.parameter}'; allowed: "
                                f"{', '.join(OVERRIDABLE)}")
        dist, scaled = _distribution(p, None, where)
        secs = _expand(p.sectors, b.sectors, f"{where}.sectors")
        regs = _expand(p.regions, b.regions, f"{where}.regions")
        for s in secs:
            for r in regs:
                label = p.parameter + "[" + ",".join(x if isinstance(x, str) else "+".join(x)
                                                     for x in (s, r) if x != "all") + "]"
                v = Varied(label.replace("[]", ""), p, s, r, scaled, dist)
                _check_elasticity(v, b, where)
                out.append(v)
    labels = [v.label for v in out]
    dupes = sorted({x for x in labels if labels.count(x) > 1})
    if dupes:
        raise CGEInputError(f"ssa.parameters: '{dupes[0]}' is varied twice")
    return out


def _expand(sel: str | list[str], allowed: list[str], field: str) -> list[tuple[str, ...] | str]:
    """``each`` -> one selection per element; otherwise one joint selection."""
    if sel == "each":
        return [(x,) for x in allowed]
    _pick(sel, allowed, field)
    return ["all"] if sel == "all" else [tuple([sel] if isinstance(sel, str) else sel)]
