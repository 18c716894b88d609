"""Solve a scenario's ``policy:`` section: one optimisation (optimal policy, least-cost
de-risking under share constraints), Nash best responses iterated to a fixed point, or the
cooperative optimum (docs/policy_optimisation.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cge.errors import SolveError
from cge.policy.problem import InstrumentSet, Optimum, PolicyProblem, instrument_set
from cge.policy.spec import PolicySpec
from cge.results import State
from cge.scenario import Scenario


@dataclass
class PolicyOutcome:
    """The equilibrium at the chosen policy, the instruments, and how it was reached."""

    state: State
    instruments: InstrumentSet
    values: np.ndarray               # chosen rates
    start_values: np.ndarray         # rates before the optimisation (base plus the scenario's shocks)
    owners: list[str]                # which problem (player) set each instrument
    objective: dict[str, float]
    iterations: int
    seconds: float
    build_seconds: float
    rounds: list[dict] = field(default_factory=list)


def solve_policy(cached, sc: Scenario, spec: PolicySpec, p_start: np.ndarray) -> PolicyOutcome:  # noqa: ANN001
    """Solve the scenario's ``policy:`` section from the instruments ``p_start``."""
    cgem, compiled, base = cached.cgem, cached.solver.compiled, cached.base
    problems = []
    for name, opt in spec.problems():
        ins = instrument_set(cgem, sc, opt.instruments, f"policy.{'instruments' if name in ('optimal', 'cooperative') else 'players.' + name}")
        problems.append((name, PolicyProblem(cgem, compiled, base, ins, opt, sc)))
    build = sum(p.build_seconds for _, p in problems)
    x, p = base.x.copy(), p_start.copy()
    cached.solver.x, cached.solver.p = base.x.copy(), base.p.copy()
    cached.solver.solve(p)  # the scenario's equilibrium before the policy choice: the warm start
    x = cached.solver.x.copy()
    start_values = np.concatenate([pr.instruments.values(p) for _, pr in problems])
    rounds: list[dict] = []
    iterations, seconds = 0, 0.0
    objective: dict[str, float] = {}
    for rnd in range(spec.max_rounds if spec.mode == "nash" else 1):
        moved = 0.0
        for name, pr in problems:
            before = pr.instruments.values(p)
            opt: Optimum = pr.solve(p, x)
            x, p = opt.x, opt.p
            iterations += opt.iterations
            seconds += opt.seconds
            objective[name] = float(pr.ev(opt.x, opt.u, p)[[cgem.benchmark.ri[r] for r in pr.spec.objective.weights]]
                                    @ np.array(list(pr.spec.objective.weights.values())))
            moved = max(moved, float(np.abs(opt.u - before).max()) * 100)
        rounds.append({"round": rnd + 1, "largest_change_pct_points": moved, "objective": dict(objective)})
        if spec.mode != "nash" or moved <= spec.tolerance_pct:
            break
    else:
        raise SolveError(f"policy: Nash best responses did not converge in {spec.max_rounds} rounds "
                         f"(last round moved an instrument by {moved:.3g} points)")
    ins = InstrumentSet(labels=[lab for _, pr in problems for lab in pr.instruments.labels],
                        positions=[pos for _, pr in problems for pos in pr.instruments.positions],
                        lower=np.concatenate([pr.instruments.lower for _, pr in problems]),
                        upper=np.concatenate([pr.instruments.upper for _, pr in problems]))
    owners = [name for name, pr in problems for _ in pr.instruments.labels]
    return PolicyOutcome(state=State(x, p), instruments=ins, values=ins.values(p), start_values=start_values,
                         owners=owners, objective=objective, iterations=iterations, seconds=seconds,
                         build_seconds=build, rounds=rounds)
