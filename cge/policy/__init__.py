"""Policy optimisation: optimal policy (an MPEC on the model's own equations), Nash
equilibria of tariff choices, cooperative policy, least-cost de-risking under share
constraints (docs/policy_optimisation.md).

Modules: ``spec`` (what is chosen and for what), ``problem`` (the MPEC), ``run`` (optimal,
Nash and cooperative solutions of a scenario's ``policy:`` section).
"""
