"""Property-based tests (Hypothesis) of the front door and the solver: whatever a user writes,
the answer is a clean one-line error naming the file, or a verified solution; never a stack
trace, never a hang.

Three generators, fixed seeds (``derandomize``: CI sees the same examples every run):
* bytes and mutated scenario text (parse and validate only: a few ms per example);
* trees of known and unknown fields with values of every kind (NaN, infinity, booleans,
  text, huge numbers, empty lists) written as YAML;
* shocks of every type with extreme values and random selectors, solved on the tiny
  dataset (refused, refused for economics, or solved with residual <= 1e-8).
Each example runs under an alarm (a hang fails the test instead of stopping CI).
"""

from __future__ import annotations

import math
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cge.errors import CGEError, CGEInputError, SolveError
from cge.scenario import Scenario, load_scenario, scenario_from_dict

GOOD = """name: s
description: fuzzed scenario
dataset: tiny
elasticities: gtap
closure: {capital: mobile, trade_balance: world_prices}
groups: {rich: [USA]}
shocks:
  - {type: import_tariff, importers: USA, exporters: CHN, sectors: [MAN], add_pct_points: 10}
  - {type: export_quota, exporters: CHN, importers: rich, sectors: all, change_pct: -50}
  - {type: productivity, regions: CHN, change_pct: -5, applies_to: value_added}
"""
FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SOLVES = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@contextmanager
def time_bound(seconds: int):  # noqa: ANN201
    """Fail (instead of hanging) when the body runs longer than ``seconds``."""
    def hang(signum, frame):  # noqa: ANN001, ANN202
        raise TimeoutError(f"no answer within {seconds} s")
    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def load_text(data: bytes) -> Scenario | str:
    """The scenario in ``data`` (written as s.yaml) or its one-line error."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.yaml"
        path.write_bytes(data)
        try:
            with time_bound(30):
                return load_scenario(path)
        except CGEInputError as exc:
            msg = str(exc)
    assert "\n" not in msg and msg.strip() == msg, msg
    assert "s.yaml" in msg, msg  # names the file
    return msg


@FAST
@given(st.binary(max_size=3000))
def test_random_bytes_are_refused_in_one_line(data):
    load_text(data)


@FAST
@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.binary(max_size=3)), max_size=6))
def test_mutated_scenario_text_is_a_scenario_or_one_line(edits):
    data = bytearray(GOOD.encode())
    for pos, new in edits:
        data[pos:pos + 1] = new
    load_text(bytes(data))


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.text(max_size=8)
    | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(["all", "USA", "CHN", "MAN", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8)
SHOCK_FIELDS = ["type", "importers", "exporters", "sectors", "regions", "rate_pct", "add_pct_points",
                "scale_power", "change_pct", "table", "mode", "rent_to", "applies_to", "name", "max_share",
                "equal_share", "instrument", "change_pct_points", "measure"]
SHOCK_TYPES = ["import_tariff", "export_tax", "export_quota", "output_tax", "iceberg", "productivity",
               "share_target", "reciprocity_target", "rebalancing", "embargo"]


@st.composite
def scenario_trees(draw) -> dict:  # noqa: ANN001
    shocks = draw(st.lists(st.dictionaries(st.sampled_from(SHOCK_FIELDS), VALUES, max_size=5)
                           .map(lambda d: d) | st.none(), max_size=3))
    for s in shocks:
        if isinstance(s, dict) and draw(st.booleans()):
            s["type"] = draw(st.sampled_from(SHOCK_TYPES))
    tree = {"name": "s", "description": "fuzz", "dataset": "tiny", "shocks": shocks}
    for key in draw(st.lists(st.sampled_from(["closure", "model", "groups", "esub_crit", "monitors",
                                              "subtotals", "elasticities", "bogus"]), max_size=2)):
        tree[key] = draw(VALUES)
    return tree


@FAST
@given(scenario_trees())
def test_trees_of_any_values_are_validated_in_one_line(tree):
    load_text(yaml.safe_dump(tree, allow_unicode=True).encode())
    try:  # the Python API validates the same way (tuples and NumPy numbers allowed)
        scenario_from_dict(tree, "api")
    except CGEInputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("api: ")


REGIONS = ["USA", "CHN", "ROW"]
SECTORS = ["PRI", "MAN", "SRV"]
EXTREME = st.one_of(st.sampled_from([-100.0, -99.99, -99.0, -50.0, 0.0, 145.0, 500.0, 1000.0, 10000.0]),
                    st.floats(-150.0, 12000.0), st.just(math.nan), st.just(1e300))


def selector(regions: bool) -> st.SearchStrategy:
    codes = REGIONS if regions else SECTORS
    return st.one_of(st.just("all"), st.sampled_from(codes + ["XXX"]),
                     st.lists(st.sampled_from(codes), max_size=3))


@st.composite
def extreme_shocks(draw) -> dict:  # noqa: ANN001
    kind = draw(st.sampled_from(["import_tariff", "export_tax", "export_quota", "output_tax", "iceberg",
                                 "productivity"]))
    shock: dict = {"type": kind}
    if kind in ("output_tax", "productivity"):
        shock["regions"] = draw(selector(True))
    else:
        shock["importers"], shock["exporters"] = draw(selector(True)), draw(selector(True))
    shock["sectors"] = draw(selector(False))
    value = draw(EXTREME)
    if kind in ("import_tariff", "export_tax", "output_tax"):
        shock[draw(st.sampled_from(["rate_pct", "add_pct_points"]))] = value
    else:
        shock["change_pct"] = value
    if kind == "productivity":
        shock["applies_to"] = draw(st.sampled_from(["output", "value_added"]))
    return shock


@SOLVES
@given(st.lists(extreme_shocks(), min_size=1, max_size=3))
def test_extreme_shocks_solve_or_are_refused_with_a_reason(shocks):
    from cge.runner import run_scenario

    tree = {"name": "fuzz", "description": "extreme shocks", "dataset": "tiny", "shocks": shocks}
    try:
        with time_bound(300):
            ds = run_scenario(scenario_from_dict(tree, "fuzz.yaml"))
    except CGEError as exc:
        msg = str(exc)
        assert "\n" not in msg, msg
        if isinstance(exc, SolveError):  # the economics, or the solver's status and residual
            assert "no economic equilibrium" in msg or ("status" in msg and "residual" in msg), msg
        else:
            assert msg.startswith(("fuzz.yaml: ", "scenario 'fuzz': ")), msg
        return
    assert float(ds.attrs["max_residual"]) <= 1e-8
    for name in ("ev_usd_million", "ev_pct_income", "real_gdp_pct"):
        assert np.isfinite(ds[name].values).all(), name
