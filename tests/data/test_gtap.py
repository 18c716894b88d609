"""GTAP databases: a synthetic GTAP database written as HAR files by the test itself (no GTAP file
is used or shipped), read back, validated, calibrated; the benchmark replicates; what the mapping
drops (margins) is reported; bad databases are refused in one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cge.cli import app
from cge.data.datasets import load_dataset
from cge.data.gtap import import_gtap
from cge.data.synthetic import synthetic_dataset
from cge.data.validate import check_dataset
from cge.errors import CGEInputError
from cge.model.build import build_model
from cge.model.calibration import calibrate
from cge.model.overrides import apply_overrides, overrides_from_csv
from cge.solve.solver import Solver

harpy = pytest.importorskip("harpy", reason="harpy3 (the test extra) reads and writes HAR files")
pytestmark = pytest.mark.filterwarnings("ignore:.*chararray.*:DeprecationWarning")  # inside harpy3
REGIONS, SECTORS, FACTORS = ["USA", "CHN", "ROW"], ["AGR", "MFG", "SRV"], ("LAB", "CAP", "LND")


def _set(name: str, elements: list[str]) -> dict:
    return {"name": name, "status": "k", "dim_type": "Set", "dim_desc": list(elements)}


def _real(name: str, array: np.ndarray, sets: list[tuple[str, list[str]]]) -> "harpy.HeaderArrayObj":
    a = np.asarray(array, dtype=np.float32)
    return harpy.HeaderArrayObj.HeaderArrayFromData(
        name, a, coeff_name=name, long_name=name, sets=[_set(n, e) for n, e in sets],
        data_type="RE", storage_type="FULL", file_dims=a.shape)


def _coeff(header: str, coeff: str, array: np.ndarray, sets: list[tuple[str, list[str]]]):  # noqa: ANN202
    h = _real(header, array, sets)
    h["coeff_name"] = coeff.ljust(12)
    return h


def _write(path: Path, headers: list) -> None:
    hf = harpy.HarFileObj()
    for h in headers:
        hf.addHeaderArrayObj(h)
    hf.writeToDisk(str(path))


def write_gtap(folder: Path, ds, margin: float = 0.0, drop: str | None = None,
               acts: list[str] | None = None) -> None:
    """A GTAP-style database of a synthetic economy: basic-price headers, tariffs on cif values,
    international margins ``margin`` x trade (cif above fob), elasticities in default.prm."""
    folder.mkdir(parents=True, exist_ok=True)
    com, reg, endw, act = SECTORS, REGIONS, list(FACTORS), acts or SECTORS
    C, R, A, E = ("COMM", com), ("REG", reg), ("ACTS", act), ("ENDW", endw)
    trade = ds["trade"].transpose("sector", "exporter", "importer").values
    rate = ds["tariff_rate"].transpose("sector", "exporter", "importer").values
    tbar = (rate * trade).sum(axis=1) / trade.sum(axis=1)
    imp = lambda v: ds[v].transpose("commodity", ..., "region").values * (1 + tbar)[:, None, :]  # noqa: E731
    dom = lambda v: ds[v].transpose("commodity", ..., "region").values  # noqa: E731
    cif = trade * (1 + margin)
    headers = [
        _real("VDFB", dom("int_dom"), [C, A, R]), _real("VMFB", imp("int_imp"), [C, A, R]),
        _real("EVFB", ds["factor_income"].transpose("factor", "sector", "region").values, [E, A, R]),
        _real("VXSB", trade, [C, R, R]), _real("VFOB", trade, [C, R, R]), _real("VCIF", cif, [C, R, R]),
        _real("VMSB", cif * (1 + rate), [C, R, R]),
    ]
    for k, (agent, c) in enumerate((("hh", "P"), ("gov", "G"), ("inv", "I"))):
        headers += [_real(f"VD{c}B", dom("fd_dom")[:, k], [C, R]), _real(f"VM{c}B", imp("fd_imp")[:, k], [C, R])]
    _write(folder / "basedata.har", [h for h in headers if h["name"].strip() != drop])
    sets = [harpy.HeaderArrayObj.HeaderArrayFromData(n, np.array(e, dtype="<U12"), long_name=n)
            for n, e in (("REG", reg), ("COMM", com), ("ACTS", act), ("ENDW", endw))]
    _write(folder / "sets.har", sets)
    esub = {k: ds[k].sel(elasticity_set="synthetic").values for k in ("esub_dm", "esub_mm", "esub_va")}
    _write(folder / "default.prm", [
        _coeff("ESBD", "ESUBD", esub["esub_dm"], [C]), _coeff("ESBM", "ESUBM", esub["esub_mm"], [C]),
        _coeff("ESBV", "ESUBVA", np.repeat(esub["esub_va"][:, None], 3, axis=1), [A, R]),
        _coeff("ESBT", "ESUBT", np.full(3, 0.2), [A]), _coeff("ESBC", "ESUBC", np.zeros(3), [A])])


@pytest.fixture
def original():
    """A balanced synthetic economy with three factors and 5% tariffs."""
    return synthetic_dataset(REGIONS, SECTORS, factors=FACTORS, tariff=0.05, seed=3)


def test_round_trip_write_read_validate_calibrate_replicate(tmp_path, original):
    """Write HAR files, import them: every identity holds, the flows are the original's (to the
    float32 precision of HAR files), and the calibrated model replicates its benchmark with
    GTAP's ESUBT from the elasticity table."""
    write_gtap(tmp_path / "gtap", original)
    (nc, csv), report = import_gtap(tmp_path / "gtap", tmp_path / "gtap.nc")
    ds = load_dataset(nc)
    assert check_dataset(ds) == []
    for var in ("output", "trade", "int_dom", "int_imp", "fd_dom", "fd_imp", "factor_income", "tariff_rate"):
        a, b = ds[var].values, original[var].transpose(*ds[var].dims).values
        assert np.allclose(a, b, rtol=2e-6, atol=1e-6), var
    bench = calibrate(ds, "gtap")
    apply_overrides(bench, overrides_from_csv(csv), "elasticity_file")
    assert np.allclose(bench.esub_top, 0.2) and np.allclose(bench.esub_dm, 2.0)
    solver = Solver(build_model(bench))
    rep = solver.solve(solver.cgem.p0)
    assert rep.iterations == 0 and rep.max_residual < 1e-10
    assert any(line.startswith("margins_dropped") and line.endswith(": 0.000") for line in report)


def test_margins_are_dropped_and_reported(tmp_path, original):
    """International margins (cif above fob) do not enter the flows; their total is reported."""
    write_gtap(tmp_path / "gtap", original, margin=0.04)
    _, report = import_gtap(tmp_path / "gtap", tmp_path / "gtap.nc")
    margins = float(original["trade"].sum()) * 0.04
    line = next(r for r in report if r.startswith("margins_dropped"))
    assert float(line.split(": ")[1].replace(",", "")) == pytest.approx(margins, rel=1e-5)
    ds = load_dataset(tmp_path / "gtap.nc")
    assert np.allclose(ds["tariff_rate"].values, original["tariff_rate"].values, atol=1e-6)
    assert check_dataset(ds) == []


def test_cli_import_gtap(tmp_path, original):
    """`cge data import-gtap` writes the dataset and the elasticity table, then validates."""
    write_gtap(tmp_path / "gtap", original)
    res = CliRunner().invoke(app, ["data", "import-gtap", str(tmp_path / "gtap"), "--out", str(tmp_path / "g.nc"),
                                   "--base-year", "2017"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "g.elasticities.csv").is_file()
    assert load_dataset(tmp_path / "g.nc").attrs["base_year"] == 2017
    res = CliRunner().invoke(app, ["data", "validate", str(tmp_path / "g.nc")])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("case, message", [
    ({"drop": "VDFB"}, "basedata.har lacks header VDFB"),
    ({"acts": ["A1", "A2", "A3"]}, "ACTS must equal COMM"),
])
def test_bad_database_is_refused_in_one_line(tmp_path, original, case, message):
    """A missing header or multi-product activities: one line naming it; nothing written."""
    write_gtap(tmp_path / "gtap", original, **case)
    with pytest.raises(CGEInputError, match=message) as err:
        import_gtap(tmp_path / "gtap", tmp_path / "g.nc")
    assert "\n" not in str(err.value)
    assert not (tmp_path / "g.nc").exists()


def test_header_with_wrong_dims_is_refused(tmp_path, original):
    """A header with the wrong sets is named with the sets it has and those expected."""
    write_gtap(tmp_path / "gtap", original)
    base = harpy.HarFileObj.loadFromDisk(str(tmp_path / "gtap" / "basedata.har"))
    h = base.getHeaderArrayObj("VDPB")
    h["array"] = np.ones((3, 3, 3), dtype=np.float32)
    h["sets"] = [_set("COMM", SECTORS), _set("REG", REGIONS), _set("REG", REGIONS)]
    base.writeToDisk(str(tmp_path / "gtap" / "basedata.har"))
    with pytest.raises(CGEInputError, match=r"header VDPB has dims \(COMM, REG, REG\), expected \(COMM, REG\)"):
        import_gtap(tmp_path / "gtap", tmp_path / "g.nc")
