"""Policy instruments: mutable Pyomo parameters, so one built model serves many scenarios.

Every instrument is indexed by the flows or activities that exist in the benchmark
(docs/model.md, "Policy instruments"):

- ``tm[i,s,r]``   ad valorem import tariff of importer r on good i from s (benchmark: data)
- ``te[i,s,r]``   ad valorem export tax of exporter s on good i to r (benchmark 0)
- ``tau[i,s,r]``  iceberg trade cost factor, >= 1 units shipped per unit delivered (benchmark 1)
- ``avail[i,s,r]`` 1 if the flow may trade, 0 under an outright ban (benchmark 1)
- ``quota[i,s,r]`` export quota relative to the benchmark quantity, on the quota flows
                   chosen when the model is built (benchmark: not binding)
- ``to[j,r]``     ad valorem output tax (negative = subsidy) (benchmark 0)
- ``prod[j,r]``   Hicks-neutral productivity index (benchmark 1)
- ``pnum``        level of the numeraire price index (benchmark 1)
"""

from __future__ import annotations

import pyomo.environ as pyo

from cge.model.calibration import Benchmark

QUOTA_NOT_BINDING = 1.0e3  # a quota of 1000x the benchmark quantity never binds

INSTRUMENTS: dict[str, str] = {
    "tm": "flows", "te": "flows", "tau": "flows", "avail": "flows",
    "quota": "quota_flows", "to": "activities", "prod": "activities",
}


def add_instruments(m: pyo.ConcreteModel, b: Benchmark) -> None:
    """Declare the mutable instrument parameters at their benchmark values."""
    ri = b.ri
    si = b.si
    tm0 = {(i, s, r): float(b.tariff[si[i], ri[s], ri[r]]) for (i, s, r) in m.FLOWS}
    m.tm = pyo.Param(m.FLOWS, initialize=tm0, mutable=True, within=pyo.Reals)
    m.te = pyo.Param(m.FLOWS, initialize=0.0, mutable=True, within=pyo.Reals)
    m.tau = pyo.Param(m.FLOWS, initialize=1.0, mutable=True, within=pyo.Reals)
    m.avail = pyo.Param(m.FLOWS, initialize=1.0, mutable=True, within=pyo.Reals)
    m.quota = pyo.Param(m.QUOTA_FLOWS, initialize=QUOTA_NOT_BINDING, mutable=True, within=pyo.Reals)
    m.to = pyo.Param(m.YJ, initialize=0.0, mutable=True, within=pyo.Reals)
    m.prod = pyo.Param(m.YJ, initialize=1.0, mutable=True, within=pyo.Reals)
    m.pnum = pyo.Param(initialize=1.0, mutable=True, within=pyo.Reals)
