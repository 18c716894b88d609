"""The Python API (docs/api.md): load or build scenarios, run one or many, reuse a built
model, decompose results, optimise policy.  The command line (``cge ...``) is a thin layer
over the same functions.

    import cge
    sc = cge.load_scenario("trade_war_2018_2019")            # a seed scenario, or a file path
    sc = cge.scenario({"name": "mine", "description": "...", "shocks": [...]})   # from a dict
    ds = cge.run(sc)                                           # an xarray.Dataset of results
    ds = cge.run(sc, decompose=True)                           # + welfare decomposition, subtotals
    edited = cge.edit(sc, "shocks.0.add_pct_points", 50)       # a validated copy with one change
    many = cge.run_many([sc, edited], workers=2)               # on Dask, in memory
    stats = cge.ssa(sc, [{"parameter": "esub_mm", "sectors": "each", "pct": 50}])  # sensitivity
    model = cge.Model(sc)                                      # build once ...
    ds2 = model.run(edited)                                    # ... and solve other scenarios on it
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Sequence

import xarray as xr

from cge.errors import CGEInputError
from cge.scenario import Scenario, load_scenario as _load_scenario, scenario_from_dict

__all__ = ["Model", "edit", "load_scenario", "run", "run_many", "scenario", "ssa"]


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A validated scenario from a YAML file, or the name of a seed scenario."""
    return _load_scenario(name_or_path)


def scenario(spec: dict[str, Any] | Scenario, source: str = "scenario") -> Scenario:
    """A validated scenario from a dict (the YAML structure) or a Scenario (returned as is)."""
    if isinstance(spec, Scenario):
        return spec
    return scenario_from_dict(spec, source)


def edit(sc: Scenario, field: str, value: Any) -> Scenario:
    """A validated copy of ``sc`` with one field changed, named by a dotted path (list items by
    position), e.g. ``"shocks.0.add_pct_points"`` or ``"closure.numeraire"``.  The result's
    provenance records the edited values and a new hash."""
    raw = sc.model_dump(mode="json", exclude_none=True)
    node: Any = raw
    keys = field.split(".")
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node.setdefault(k, {})
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = copy.deepcopy(value)
    else:
        node[last] = copy.deepcopy(value)
    out = scenario_from_dict(raw, f"edit of {sc.name}")
    return out.model_copy(update={"path": sc.path})


def run(sc: Scenario | str | Path | dict, out_dir: str | Path | None = None, *, backend: str = "auto",
        decompose: bool = False) -> xr.Dataset:
    """Solve one scenario and return its results; with ``out_dir`` also write them
    (``<name>.nc`` and ``<name>/*.csv``)."""
    from cge.runner import run_scenario

    item = scenario(sc) if isinstance(sc, dict) else sc
    return run_scenario(item, out_dir=Path(out_dir) if out_dir is not None else None, backend=backend,
                        decompose=decompose)


def run_many(scenarios: Sequence[Scenario | str | Path | dict], out_dir: str | Path | None = None, *,
             workers: int | None = None, scheduler: str | None = None, force: bool = False) -> xr.Dataset:
    """Solve many scenarios on Dask (a local cluster of ``workers`` processes, or the scheduler
    at ``scheduler``) and return them combined along a ``scenario`` dimension.

    With ``out_dir`` the results are also written there (and unchanged scenarios skipped, as
    ``cge batch`` does); scenarios that fail are reported in the ``failed`` attribute."""
    import json

    from cge.batch import run_batch

    items = [scenario(s) if isinstance(s, dict) else (Path(s) if isinstance(s, str) else s) for s in scenarios]
    report = run_batch(items, Path(out_dir) if out_dir is not None else None, workers=workers,
                       scheduler=scheduler, force=force)
    if report.results is None:
        errors = "; ".join(f"{o.name}: {o.error}" for o in report.outcomes if o.error)
        raise CGEInputError(f"run_many: no scenario solved ({errors})")
    out = report.results
    out.attrs["failed"] = json.dumps({o.name: o.error for o in report.outcomes if o.status == "failed"})
    return out


def ssa(sc: Scenario | str | Path | dict, parameters: list[dict[str, Any]], **options: Any) -> xr.Dataset:
    """Systematic sensitivity analysis of one scenario: vary ``parameters`` (elasticities,
    scenario fields) over their distributions by quadrature or Monte Carlo on Dask and return
    every result variable's mean, std and intervals along ``statistic`` (docs/ssa.md;
    options as :func:`cge.sensitivity.ssa`)."""
    from cge.sensitivity import ssa as run_ssa

    return run_ssa(scenario(sc) if isinstance(sc, dict) else sc, parameters, **options)


class Model:
    """A built and compiled model for one scenario's structure (dataset, elasticities, closure,
    quota flows, targets), reused by :meth:`run` for any scenario with the same structure."""

    def __init__(self, sc: Scenario | str | Path | dict, backend: str = "auto") -> None:
        from cge.runner import get_model

        self.scenario = scenario(sc) if isinstance(sc, dict) else (
            sc if isinstance(sc, Scenario) else load_scenario(sc))
        self.backend = backend
        self._cached, _ = get_model(self.scenario, backend)

    @property
    def variables(self) -> int:
        """Number of unknowns of the square system."""
        return self._cached.cgem.n

    def run(self, sc: Scenario | str | Path | dict | None = None, decompose: bool = False) -> xr.Dataset:
        """Solve ``sc`` (default: the scenario the model was built for) on this model."""
        from cge.runner import get_model, solve_scenario

        item = self.scenario if sc is None else (scenario(sc) if isinstance(sc, dict) else (
            sc if isinstance(sc, Scenario) else load_scenario(sc)))
        cached, _ = get_model(item, self.backend)
        if cached is not self._cached:
            raise CGEInputError(f"Model.run: scenario '{item.name}' has another structure (dataset, "
                                "elasticities, closure, quotas or targets); build a Model for it")
        return solve_scenario(item, self.backend, decompose=decompose)
