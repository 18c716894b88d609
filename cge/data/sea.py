"""Industry labour shares from the WIOD Socio-Economic Accounts (SEA, July 2014 release).

Labour share of value added, by WIOD country x industry: ``LAB / VA`` (LAB = compensation
of employees plus an imputed wage of the self-employed), both in national currency, in
2011; for the 13 non-EU countries whose LAB stops in 2009 (AUS BRA CAN CHN IDN IND JPN
KOR MEX RUS TUR TWN USA) the 2009 ratio.  Rule for the other cells: a share that is
missing, has no positive value added, or lies outside [0, 1] (LAB above a small value
added, e.g. agriculture with many self-employed in Poland or Romania) takes the
country's economy-wide Penn World Table share of ``calibration/factor_shares.csv``, the
documented fallback.

Economies without SEA data: WIOD's rest of the world takes, industry by industry, the
value-added weighted mean share of the WIOD countries outside the EU and the OECD
(BRA CHN IDN IND RUS TWN, the set of its PWT fallback), weighted by WIOD value added in
USD; a part split out of it (:mod:`cge.data.region_split`) takes its proxy's shares.

Cite: Timmer, Dietzenbacher, Los, Stehrer and de Vries (2015), Review of International
Economics 23: 575-605 (WIOD); file ``wiod_sea2013/wiod_sea2013_wide.csv.gz``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cge.data.wiod import raw_data_dir
from cge.errors import CGEInputError

SEA_FILE = ("wiod_sea2013", "wiod_sea2013_wide.csv.gz")
SEA_YEAR, SEA_FALLBACK_YEAR = 2011, 2009
EMERGING = ("BRA", "CHN", "IDN", "IND", "RUS", "TWN")
SEA_CITATION = ("WIOD Socio-Economic Accounts, July 2014 release (LAB / VA by country x industry, "
                "2011; 2009 where LAB stops), Timmer et al. (2015), Review of International "
                "Economics 23: 575-605; file wiod_sea2013/wiod_sea2013_wide.csv.gz")


@dataclass(frozen=True)
class SeaShares:
    """Labour shares by (country, industry) with the origin of each cell."""

    countries: tuple[str, ...]
    industries: tuple[str, ...]
    share: np.ndarray      # (c, i)
    origin: np.ndarray     # (c, i) str: "sea2011", "sea2009", "pwt_fallback"

    def report(self) -> dict:
        """How many cells came from where, and the fallback cells."""
        kinds, counts = np.unique(self.origin, return_counts=True)
        return {"source": SEA_CITATION, "cells": dict(zip(kinds.tolist(), counts.tolist())),
                "rule": "share missing, VA <= 0 or outside [0, 1] -> the country's PWT 10.0 labsh 2011 "
                        "(calibration/factor_shares.csv)",
                "pwt_fallback_cells": [f"{self.countries[c]} {self.industries[i]}"
                                       for c, i in zip(*np.nonzero(self.origin == "pwt_fallback"))]}


def read_sea(data_dir: Path | None = None) -> pd.DataFrame:
    """LAB and VA of the SEA in long form: index (country, wiod_code), columns per year."""
    path = raw_data_dir(data_dir).joinpath(*SEA_FILE)
    if not path.is_file():
        raise CGEInputError(f"WIOD SEA file not found: {path} (set --wiod-dir or CGE_DATA_DIR)")
    try:
        table = pd.read_csv(path)
        need = {"country", "variable", "wiod_code", str(SEA_YEAR), str(SEA_FALLBACK_YEAR)}
        if not need <= set(table.columns):
            raise KeyError
    except (KeyError, ValueError, OSError, pd.errors.ParserError):
        raise CGEInputError(f"WIOD SEA file {path}: needs columns country, variable, wiod_code, "
                            f"{SEA_FALLBACK_YEAR}, {SEA_YEAR}") from None
    return table[table.wiod_code != "TOT"]


def sea_labour_shares(countries: tuple[str, ...], industries: tuple[str, ...],
                      fallback: np.ndarray, data_dir: Path | None = None) -> SeaShares:
    """LAB/VA of every (country, industry) by the module's rule; ``fallback`` (c, i) are the
    PWT shares used where the SEA cell is unusable.  Countries absent from the SEA are an
    error (the caller handles economies without SEA data)."""
    table = read_sea(data_dir)

    def var(name: str, year: int) -> np.ndarray:
        wide = table[table.variable == name].pivot(index="country", columns="wiod_code",
                                                   values=str(year))
        missing = [c for c in countries if c not in wide.index]
        if missing:
            raise CGEInputError(f"WIOD SEA file: no {name} rows for {', '.join(missing)}")
        return wide.reindex(index=list(countries), columns=list(industries)).to_numpy(float)

    lab11, va11 = var("LAB", SEA_YEAR), var("VA", SEA_YEAR)
    lab09, va09 = var("LAB", SEA_FALLBACK_YEAR), var("VA", SEA_FALLBACK_YEAR)
    use11 = np.isfinite(lab11)
    lab, va = np.where(use11, lab11, lab09), np.where(use11, va11, va09)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = lab / va
    valid = np.isfinite(raw) & (va > 0) & (raw >= 0) & (raw <= 1)
    share = np.where(valid, raw, fallback)
    origin = np.where(valid, np.where(use11, "sea2011", "sea2009"), "pwt_fallback")
    return SeaShares(countries=countries, industries=industries, share=share, origin=origin)


def pooled_shares(sea: SeaShares, value_added: np.ndarray, members: tuple[str, ...] = EMERGING) -> np.ndarray:
    """Industry shares of a group: sum(share x VA) / sum(VA) over ``members`` (VA in USD)."""
    rows = [sea.countries.index(c) for c in members]
    va = value_added[rows]
    total = va.sum(axis=0)
    mean = (sea.share[rows] * va).sum(axis=0)
    return np.divide(mean, total, out=sea.share[rows].mean(axis=0), where=total > 0)
