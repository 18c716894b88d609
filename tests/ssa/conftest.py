"""Fixtures of the sensitivity-analysis tests: a tiny tariff scenario and one local Dask
cluster shared by the tests of a module."""

from __future__ import annotations

import logging

import pytest

import cge

TINY_TARIFF = {"name": "tiny_tariff", "description": "25-point US tariff on all imports from China",
               "dataset": "tiny", "elasticities": "protee",
               "shocks": [{"type": "import_tariff", "importers": "USA", "exporters": "CHN",
                           "sectors": "all", "add_pct_points": 25}]}


@pytest.fixture(scope="module")
def tiny_tariff():
    return cge.scenario(TINY_TARIFF)


@pytest.fixture(scope="module")
def client():
    """Two worker processes, one thread each (as cge batch starts them)."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    with Client(cluster) as c:
        yield c
    cluster.close()
