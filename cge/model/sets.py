"""Index sets of the model as coordinate arrays (docs/model.md, "Index sets").

Only benchmark-positive entries exist: activities with output (``YJ``), import
composites with imports (``MI``), bilateral flows with trade (``FLOWS``), agents'
Armington composites with purchases (``ARM``), factor uses with income (``FJ``),
final-demand agents with expenditure (``FDA``).  Each set is held as integer arrays
of its coordinates (positions on the region, sector, factor and agent axes) and a
lookup from coordinates to members, so blocks gather with numpy index arrays
instead of looping over tuples.

Agents: on the ``agent`` axis the producing sectors come first (agent k < ns is
sector k buying intermediates) and the final-demand agents follow (agent ns + a).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cge.model.calibration import MOBILE, SPECIFIC, ZERO, Benchmark


@dataclass
class IndexSet:
    """Members of one index set: coordinate arrays and readable labels."""

    name: str
    coords: dict[str, np.ndarray]
    labels: list[tuple]
    position: dict[tuple, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.position = {lab: k for k, lab in enumerate(self.labels)}

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, coord: str) -> np.ndarray:
        return self.coords[coord]


@dataclass
class ModelSets:
    """All index sets of one model structure."""

    regions: list[str]
    sectors: list[str]
    factors: list[str]
    agents: list[str]            # sectors then final-demand agents
    yj: IndexSet                 # (j, r) activities
    mi: IndexSet                 # (i, r) import composites
    flows: IndexSet              # (i, s, r) bilateral flows
    arm: IndexSet                # (i, a, r) agents' Armington composites
    fj: IndexSet                 # (f, j, r) factor uses
    fr: IndexSet                 # (f, r) mobile factor markets
    fjs: IndexSet                # (f, j, r) sector-specific factor markets
    fda: IndexSet                # (a, r) final-demand agents (a on the fd axis)
    yj_of: np.ndarray            # (ns, nr) -> member of yj or -1
    mi_of: np.ndarray            # (ns, nr) -> member of mi or -1
    arm_dom: np.ndarray          # (ns, na, nr) benchmark domestic purchases (world prices)
    arm_imp: np.ndarray          # (ns, na, nr) benchmark imported purchases (world prices)

    @property
    def ns(self) -> int:
        return len(self.sectors)

    @property
    def nr(self) -> int:
        return len(self.regions)


def _members(name: str, mask: np.ndarray, axes: tuple[str, ...], order: tuple[int, ...],
             labels: tuple[list[str], ...]) -> tuple[IndexSet, np.ndarray]:
    """Members where ``mask`` is true, listed in the axis ``order`` given; also the lookup
    array (in the mask's own axis order) from coordinates to member, -1 where absent."""
    coords = np.nonzero(np.transpose(mask, order))
    by_axis = {axes[ax]: coords[k] for k, ax in enumerate(order)}
    lookup = np.full(mask.shape, -1, dtype=np.int64)
    lookup[tuple(by_axis[a] for a in axes)] = np.arange(len(coords[0]))
    labs = list(zip(*[[labels[ax][c] for c in by_axis[axes[ax]]] for ax in range(len(axes))]))
    return IndexSet(name, by_axis, labs), lookup


def build_sets(b: Benchmark, specific_factors: set[str]) -> ModelSets:
    """Index sets of the benchmark; ``specific_factors`` are sector-specific in this run."""
    nr = len(b.regions)
    R, S = b.regions, b.sectors
    yj, yj_of = _members("YJ", b.output > ZERO, ("j", "r"), (1, 0), (S, R))
    mi, mi_of = _members("MI", b.imports > ZERO, ("i", "r"), (0, 1), (S, R))
    live = (b.trade > ZERO) & (yj_of >= 0)[:, :, None] & ~np.eye(nr, dtype=bool)[None, :, :]
    flows, _ = _members("FLOWS", live, ("i", "s", "r"), (0, 1, 2), (S, R, R))
    agents = list(b.sectors) + list(b.fd_agents)
    arm_dom = np.concatenate([np.where(b.output[None, :, :] > ZERO, b.int_dom, 0.0), b.fd_dom], axis=1)
    arm_imp = np.concatenate([np.where(b.output[None, :, :] > ZERO, b.int_imp, 0.0), b.fd_imp], axis=1)
    arm_dom[arm_dom <= ZERO] = 0.0
    arm_imp[arm_imp <= ZERO] = 0.0
    arm, _ = _members("ARM", arm_dom + arm_imp > ZERO, ("i", "a", "r"), (2, 0, 1), (S, agents, R))
    uses = (b.factor_income > ZERO) & (yj_of >= 0)[None, :, :]
    fj, _ = _members("FJ", uses, ("f", "j", "r"), (0, 2, 1), (b.factors, S, R))
    spec = np.array([f in specific_factors for f in b.factors], dtype=bool)
    fjs, _ = _members("FJS", uses & spec[:, None, None], ("f", "j", "r"), (0, 2, 1), (b.factors, S, R))
    fr, _ = _members("FR", uses.any(axis=1) & ~spec[:, None], ("f", "r"), (0, 1), (b.factors, R))
    fda, _ = _members("FDA", b.agent_expenditure > ZERO, ("a", "r"), (0, 1), (b.fd_agents, R))
    return ModelSets(regions=list(R), sectors=list(S), factors=list(b.factors), agents=agents,
                     yj=yj, mi=mi, flows=flows, arm=arm, fj=fj, fr=fr, fjs=fjs, fda=fda,
                     yj_of=yj_of, mi_of=mi_of, arm_dom=arm_dom, arm_imp=arm_imp)


def specific_factors(b: Benchmark, capital: str) -> set[str]:
    """Factors that are sector-specific in a run: the dataset's choice, plus capital under
    the short-run closure."""
    out = {f for f in b.factors if b.mobility(f) == SPECIFIC}
    cap = b.factor_roles.get("capital")
    if capital == SPECIFIC and cap is not None:
        out.add(cap)
    elif cap is not None and b.mobility(cap) == MOBILE:
        out.discard(cap)
    return out
