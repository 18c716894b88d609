"""The validator catches each kind of imbalance, built deliberately into a balanced dataset."""

from __future__ import annotations

import pytest

from cge.data.validate import check_dataset, validate_dataset
from cge.errors import CGEInputError


def _perturbed(ds, name, value_change, **where):
    bad = ds.copy(deep=True)
    bad[name].loc[where] = bad[name].loc[where] + value_change
    return bad


def _first(ds):
    found = check_dataset(ds)
    assert found, "the perturbation was not caught"
    return found


def test_built_dataset_passes(tiny):
    """A freshly built dataset satisfies every accounting identity."""
    assert check_dataset(tiny) == []


def test_row_balance_caught(tiny):
    """Raising output without raising sales breaks output = intermediate + final sales + exports."""
    bad = _perturbed(tiny, "output", 1000.0, sector="MAN", region="CHN")
    messages = [v.message for v in _first(bad)]
    assert any(m.startswith("row balance violated: output(MAN, CHN)") for m in messages)


def test_import_balance_caught(tiny):
    """Extra imported intermediate use with no matching trade breaks the import balance."""
    bad = _perturbed(tiny, "int_imp", 500.0, commodity="PRI", sector="MAN", region="USA")
    assert any(v.identity == "import balance" and "(PRI, USA)" in v.message for v in _first(bad))


def test_column_balance_caught(tiny):
    """Factor income that does not match output less input costs breaks the column balance."""
    bad = _perturbed(tiny, "factor_income", 250.0, factor="CAP", sector="SRV", region="ROW")
    found = {v.identity: v.message for v in _first(bad)}
    assert "column balance" in found and "(SRV, ROW)" in found["column balance"]


def test_tariff_revenue_caught(tiny):
    """Revenue that is not rate x trade is caught with the bilateral coordinates."""
    bad = _perturbed(tiny, "tariff_revenue", 10.0, sector="MAN", exporter="CHN", importer="USA")
    found = {v.identity: v.message for v in _first(bad)}
    assert "(MAN, CHN, USA)" in found["tariff revenue"]


def test_intermediate_tariffs_caught(tiny):
    """int_tariff must equal the importer's average tariff times imported intermediates."""
    bad = _perturbed(tiny, "int_tariff", 5.0, sector="MAN", region="USA")
    assert any(v.identity == "intermediate tariffs" for v in _first(bad))


def test_final_demand_tariffs_caught(tiny):
    """fd_tariff must equal the importer's average tariff times imported final demand."""
    bad = _perturbed(tiny, "fd_tariff", 5.0, fd="hh", region="CHN")
    assert any(v.identity == "final-demand tariffs" and "(hh, CHN)" in v.message
               for v in _first(bad))


def test_trade_balance_caught(tiny):
    """trade_balance must be exports minus imports; a wrong sign is caught."""
    bad = tiny.copy(deep=True)
    bad["trade_balance"] = -bad["trade_balance"]
    assert any(v.identity == "trade balance" for v in _first(bad))


def test_income_expenditure_caught(tiny):
    """Extra household spending with no income breaks income = expenditure + trade balance."""
    bad = _perturbed(tiny, "fd_dom", 100.0, commodity="SRV", fd="hh", region="USA")
    assert any(v.identity == "income = expenditure + trade balance" and "(USA)" in v.message
               for v in _first(bad))


def test_trade_diagonal_caught(tiny):
    """A region's trade with itself must be zero (it is domestic use)."""
    bad = _perturbed(tiny, "trade", 1.0, sector="PRI", exporter="USA", importer="USA")
    assert any(v.identity == "zero trade diagonal" for v in _first(bad))


def test_negative_flow_caught(tiny):
    """A negative intermediate flow is caught even when it is balanced elsewhere."""
    bad = tiny.copy(deep=True)
    bad["int_dom"].loc[{"commodity": "PRI", "sector": "PRI", "region": "USA"}] = -1.0
    assert any(v.identity == "non-negativity" and "int_dom(PRI, PRI, USA)" in v.message
               for v in _first(bad))


def test_tariff_below_minus_one_caught(tiny):
    """A tariff rate of -100% or less is impossible and caught."""
    bad = tiny.copy(deep=True)
    bad["tariff_rate"].loc[{"sector": "MAN", "exporter": "USA", "importer": "CHN"}] = -1.5
    assert any(v.identity == "tariff range" and "(MAN, USA, CHN)" in v.message
               for v in _first(bad))


def test_missing_variable_and_attribute_caught(tiny):
    """A dataset without a schema variable or a provenance attribute is rejected."""
    assert _first(tiny.drop_vars("fd_tariff"))[0].identity == "structure"
    bad = tiny.copy()
    bad.attrs = {k: v for k, v in tiny.attrs.items() if k != "cleaning"}
    assert "cleaning" in _first(bad)[0].message


def test_validate_raises_one_line(tiny):
    """validate_dataset raises a one-line CGEInputError naming the identity and counting cells."""
    bad = _perturbed(tiny, "output", 1000.0, sector="MAN", region="CHN")
    with pytest.raises(CGEInputError) as err:
        validate_dataset(bad)
    message = str(err.value)
    assert "\n" not in message and "row balance violated" in message
    assert "largest of" in message
