"""The Python API (docs/api.md): load or build scenarios, check them, run one or many, reuse
a built model, decompose results, optimise policy.  The command line (``cge ...``) is a thin
layer over these functions: it parses options, calls them and prints.

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

Further analyses built on a run (sensitivity analysis in ``cge.ssa``, decomposition entry
points) live in their own modules and are re-exported by ``cge/__init__.py``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Literal, Sequence, get_args

import xarray as xr

from cge.errors import CGEInputError
from cge.progress import set_progress, step, task
from cge.scenario import Scenario, load_scenario as _load_scenario, scenario_from_dict
from cge.scenario_check import CheckReport, check_scenario

__all__ = ["Backend", "Model", "check", "edit", "info", "load_scenario", "run", "run_batch", "run_many",
           "scenario", "schema", "set_progress", "ssa"]

#: Solver backends: ``auto`` (Newton, Ipopt fallback on small models), ``newton``, ``cyipopt``,
#: ``casadi`` (CasADi's Ipopt), ``pyomo`` (``SolverFactory('ipopt')``, needs an ipopt executable).
Backend = Literal["auto", "newton", "cyipopt", "casadi", "pyomo"]
ScenarioLike = Scenario | str | Path | dict


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A validated scenario from a YAML file, or the name of a seed scenario (``cge info``
    lists them)."""
    return _load_scenario(name_or_path)


def scenario(spec: ScenarioLike, source: str = "scenario") -> Scenario:
    """A validated scenario from a dict (the YAML structure), a file or seed-scenario name, or a
    Scenario (returned as is)."""
    if isinstance(spec, Scenario):
        return spec
    if isinstance(spec, dict):
        return scenario_from_dict(spec, source)
    return _load_scenario(spec)


def edit(sc: Scenario, field: str, value: Any) -> Scenario:  # noqa: ANN401 (any field's value)
    """A validated copy of ``sc`` with one field changed, named by a dotted path (list items by
    position), e.g. ``"shocks.0.add_pct_points"`` or ``"closure.numeraire"``.  The result's
    provenance records the edited values and a new hash; fields that were not written stay
    unwritten (an omitted selector still defaults to all)."""
    raw = sc.model_dump(mode="json", exclude_unset=True)
    node: Any = raw
    keys = field.split(".")
    try:
        for k in keys[:-1]:
            node = node[int(k)] if isinstance(node, list) else node.setdefault(k, {})
        last = keys[-1]
        if isinstance(node, list):
            node[int(last)] = copy.deepcopy(value)
        else:
            node[last] = copy.deepcopy(value)
    except (IndexError, ValueError, TypeError, AttributeError):
        raise CGEInputError(f"edit: no field '{field}' in scenario '{sc.name}'") from None
    out = scenario_from_dict(raw, f"edit of {sc.name}")
    return out.model_copy(update={"path": sc.path})


def check(name_or_path: str | Path) -> CheckReport:
    """Check a scenario file without solving it: every error at once (``.errors``, one line
    each naming the field and the allowed values) and the omitted selectors (``.warnings``)."""
    return check_scenario(name_or_path)


def schema() -> dict:
    """The JSON Schema of scenario files (for editors), with every field's meaning."""
    from cge.scenario_reference import json_schema

    return json_schema()


def run(sc: ScenarioLike, out_dir: str | Path | None = None, *, backend: Backend = "auto",
        decompose: bool = False) -> xr.Dataset:
    """Solve one scenario and return its results; with ``out_dir`` also write them
    (``<name>.nc`` and ``<name>/*.csv``).  With ``decompose`` the results add the welfare
    decomposition and the subtotals by shock group (docs/decomposition.md)."""
    from cge.runner import run_scenario

    item = scenario(sc)
    with task(f"solving {item.name}"):
        return run_scenario(item, out_dir=Path(out_dir) if out_dir is not None else None, backend=backend,
                            decompose=decompose)


def run_batch(scenarios: Sequence[ScenarioLike], out_dir: str | Path | None = None, *,
              workers: int | None = None, scheduler: str | None = None, client: Any = None,  # noqa: ANN401
              force: bool = False):  # noqa: ANN201 (cge.batch.BatchReport)
    """Solve many scenarios on Dask and return the :class:`cge.batch.BatchReport`: one outcome
    per scenario (status, error, hash, seconds), the files written and the combined results.

    ``scenarios`` are Scenario objects, dicts, files, folders of ``*.yaml`` or seed-scenario names.  Dask runs on a
    new local cluster of ``workers`` processes, on the scheduler at ``scheduler`` (e.g.
    ``tcp://host:8786``; its workers need this package), or on a ready ``client``.  With
    ``out_dir`` results, ``batch.nc`` and a manifest are written and scenarios whose inputs are
    unchanged are skipped (unless ``force``)."""
    from cge.batch import discover_scenarios, run_batch as _run_batch
    from cge.scenario import resolve_scenario_path

    items: list[Any] = []
    for s in scenarios:
        if isinstance(s, (Scenario, dict)):
            items.append(scenario(s))
        else:  # a file, a folder, or the name of a seed scenario
            seed = isinstance(s, str) and not Path(s).exists() and Path(s).name == s and not Path(s).suffix
            items += discover_scenarios([resolve_scenario_path(s) if seed else Path(s)])
    with task("solving scenarios", total=len(items)):
        return _run_batch(items, Path(out_dir) if out_dir is not None else None, workers=workers,
                          scheduler=scheduler, client=client, force=force,
                          on_outcome=lambda o: step(description=f"{o.status} {o.name}"))


def run_many(scenarios: Sequence[ScenarioLike], out_dir: str | Path | None = None, *,
             workers: int | None = None, scheduler: str | None = None, client: Any = None,  # noqa: ANN401
             force: bool = False) -> xr.Dataset:
    """Solve many scenarios on Dask (see :func:`run_batch`) and return their results combined
    along a ``scenario`` dimension, in input order.  Scenarios that fail are named with their
    one-line error in the ``failed`` attribute (JSON); if none solves, CGEInputError."""
    report = run_batch(scenarios, out_dir, workers=workers, scheduler=scheduler, client=client, force=force)
    if report.results is None:
        errors = "; ".join(f"{o.name}: {o.error}" for o in report.outcomes if o.error)
        raise CGEInputError(f"run_many: no scenario solved ({errors})")
    out = report.results
    out.attrs["failed"] = json.dumps({o.name: o.error for o in report.outcomes if o.status == "failed"})
    return out


def ssa(sc: ScenarioLike, parameters: list[dict[str, Any]], **options: Any) -> xr.Dataset:
    """Systematic sensitivity analysis of one scenario: vary ``parameters`` (elasticities,
    scenario fields) over their distributions by quadrature or Monte Carlo on Dask and return
    every result variable's mean, std and intervals along ``statistic`` (docs/ssa.md;
    options as :func:`cge.sensitivity.ssa`)."""
    from cge.sensitivity import ssa as run_ssa

    return run_ssa(scenario(sc) if isinstance(sc, dict) else sc, parameters, **options)


def info() -> dict:
    """What is available: datasets (built or not, with regions, sectors and elasticity sets),
    closures, shock types and seed scenarios."""
    from cge.data.datasets import DATASET_FILES, dataset_path, load_dataset
    from cge.model.closure import Closure
    from cge.scenario import SCENARIO_DIR, SHOCK_TYPES

    datasets: dict[str, dict] = {}
    for name in DATASET_FILES:
        try:
            ds = load_dataset(dataset_path(name))
        except CGEInputError as exc:
            datasets[name] = {"built": False, "how": str(exc)}
            continue
        datasets[name] = {"built": True, "title": ds.attrs.get("title", ""),
                          "regions": [str(r) for r in ds.region.values],
                          "sectors": [str(s) for s in ds.sector.values],
                          "elasticity_sets": [str(e) for e in ds.elasticity_set.values]}
    closures = {name: list(get_args(f.annotation)) for name, f in Closure.model_fields.items()
                if get_args(f.annotation)}
    closures["numeraire"] = ["world_output_price", "<REGION>_cpi"]
    model_options = {"esub_top": "number (value added vs intermediates; 0 Leontief, default)",
                     "esub_int": "number (among intermediates; 0 default)",
                     "esub_fd": "{agent: number}", "armington": ["two_level", "single_level"]}
    return {"datasets": datasets, "closures": closures, "model_options": model_options,
            "shock_types": list(SHOCK_TYPES),
            "scenarios": sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))}


class Model:
    """A built and compiled model for one scenario's structure (dataset, elasticities, closure,
    quota flows, targets), reused by :meth:`run` for any scenario with the same structure."""

    def __init__(self, sc: ScenarioLike, backend: Backend = "auto") -> None:
        from cge.runner import get_model

        self.scenario = scenario(sc)
        self.backend = backend
        with task(f"building the model for {self.scenario.name}"):
            self._cached, _ = get_model(self.scenario, backend)

    @property
    def variables(self) -> int:
        """Number of unknowns of the square system."""
        return self._cached.cgem.n

    def run(self, sc: ScenarioLike | None = None, decompose: bool = False) -> xr.Dataset:
        """Solve ``sc`` (default: the scenario the model was built for) on this model."""
        from cge.runner import get_model, solve_scenario

        item = self.scenario if sc is None else scenario(sc)
        cached, _ = get_model(item, self.backend)
        if cached is not self._cached:
            raise CGEInputError(f"Model.run: scenario '{item.name}' has another structure (dataset, "
                                "elasticities, closure, quotas or targets); build a Model for it")
        with task(f"solving {item.name}"):
            return solve_scenario(item, self.backend, decompose=decompose)
