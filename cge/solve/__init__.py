"""Solve path: Pyomo model -> compiled CasADi residuals and Jacobian -> Ipopt; diagnostics."""
