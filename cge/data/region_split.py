"""Region split: carve new economies (Viet Nam, other ASEAN) out of WIOD's rest of the world.

The idea is GTAP's SplitReg (Horridge): a new region is given its own size and trade
from data, and a production structure from a documented proxy where no data exist.
Here the split builds the *prior* of the 2023 update (:mod:`cge.data.update`), not a
balanced 2011 table: there is no 2011 input-output table of Viet Nam to preserve, and
the update then fits every economy's value added and bilateral goods trade to the
2023 targets and balances the table.

``calibration/region_split.yaml`` names the parent (WIOD ``RoW``), the parts, their
member countries (ISO3 codes of ``calibration/mappings/countries.csv``) and a proxy
WIOD economy for each part.  With ``R`` the parent, ``q`` the proxy of part ``p``,
``s_p = GDP_p / GDP_q`` and ``w_x = GDP_x / GDP_R`` (WDI, 2011), the prior flows
``Z[a -> b]`` (intermediate and final use alike) are:

====================================  ===========================================
flow                                  prior (2011 USD million)
====================================  ===========================================
between two other economies           the WIOD flow
rest ``r`` with another economy       ``w_r`` x the parent's flow
part ``p`` with another economy ``d``  ``s_p`` x the proxy's flow with ``d``
within ``p``                          ``s_p`` x the proxy's domestic flow
``p`` -> proxy ``q``                  ``s_p`` x (q -> R): p sells like q sells abroad
proxy ``q`` -> ``p``                  ``w_p`` x (q -> R): p's share of what R buys from q
``p`` -> ``x`` (another part or rest) ``s_p w_x`` x (q -> R)
rest ``r`` -> ``p``                   ``s_p w_r`` x (R -> q)
====================================  ===========================================

Value added: ``s_p`` x the proxy's, ``w_r`` x the parent's.  Each new economy keeps
the WIOD industries.  The rest keeps the parent's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from cge.data.wiod import repo_root
from cge.errors import CGEInputError


class SplitPart(BaseModel):
    """One new economy: its name, member countries (ISO3) and proxy WIOD economy."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    members: list[str]
    proxy: str
    reason: str = ""

    @field_validator("members")
    @classmethod
    def _non_empty(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("needs at least one member country")
        return value


class RegionSplit(BaseModel):
    """The split of one WIOD economy (``parent``) into ``parts`` and a rest."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    parent: str
    rest_name: str = ""
    parts: dict[str, SplitPart]
    duty_free_among_parts: bool = False
    duty_free_source: str = ""

    @property
    def proxy_of(self) -> dict[str, str]:
        """Part -> its proxy WIOD economy."""
        return {code: part.proxy for code, part in self.parts.items()}

    @property
    def parent_of(self) -> dict[str, str]:
        """Part -> the WIOD economy it was carved out of."""
        return {code: self.parent for code in self.parts}


def region_split_file() -> Path:
    """The committed split definition, ``calibration/region_split.yaml``."""
    return repo_root() / "calibration" / "region_split.yaml"


def countries_file() -> Path:
    """ISO3 country -> WIOD 2013 economy, ``calibration/mappings/countries.csv``."""
    return repo_root() / "calibration" / "mappings" / "countries.csv"


def load_region_split(path: Path | None = None) -> RegionSplit:
    """Read and check a split definition; a malformed file is a one-line error."""
    path = Path(path) if path is not None else region_split_file()
    if not path.is_file():
        raise CGEInputError(f"region split file not found: {path}")
    try:
        return RegionSplit.model_validate(yaml.safe_load(path.read_text()))
    except yaml.YAMLError:
        raise CGEInputError(f"region split file {path}: malformed YAML") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(k) for k in err["loc"])
        raise CGEInputError(f"region split file {path}: {where}: {err['msg']}") from None


def load_countries(path: Path | None = None) -> pd.DataFrame:
    """The country concordance: columns iso3, name, wiod_economy, one row per ISO3 code."""
    path = Path(path) if path is not None else countries_file()
    if not path.is_file():
        raise CGEInputError(f"country concordance not found: {path}")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"iso3", "name", "wiod_economy"} - set(table.columns)
    if missing:
        raise CGEInputError(f"country concordance {path}: needs columns {', '.join(sorted(missing))}")
    dup = table.iso3[table.iso3.duplicated()]
    if len(dup):
        raise CGEInputError(f"country concordance {path}: iso3 {dup.iloc[0]} listed twice")
    return table


@dataclass(frozen=True)
class Economies:
    """The economies of the split table and the economy of every ISO3 country."""

    codes: tuple[str, ...]            # WIOD economies with the parent replaced by parts + rest
    economy_of: dict[str, str]        # ISO3 -> economy code
    names: dict[str, str]             # ISO3 -> country name
    source: str                       # the concordance file

    def members(self, economy: str) -> list[str]:
        """ISO3 countries of an economy."""
        return sorted(c for c, e in self.economy_of.items() if e == economy)

    def check_covers(self, iso3: list[str], what: str) -> None:
        """Every country of a raw source must be in the concordance (else one-line error)."""
        unknown = sorted(set(iso3) - set(self.economy_of))
        if unknown:
            raise CGEInputError(f"{what}: country {unknown[0]} is not assigned to any economy "
                                f"in {self.source} ({len(unknown)} countries left out)")


def economies(split: RegionSplit, wiod_countries: tuple[str, ...],
              countries: pd.DataFrame | None = None, source: str | None = None) -> Economies:
    """Economy codes of the split table and the ISO3 -> economy assignment, checked.

    Every part member must be a country of the parent in the concordance, and belong
    to one part only; the parts' codes and proxies must be new codes and WIOD economies.
    """
    table = load_countries() if countries is None else countries
    source = source or str(countries_file())
    if split.parent not in wiod_countries:
        raise CGEInputError(f"region split: parent {split.parent!r} is not a WIOD economy "
                            f"(allowed: {', '.join(wiod_countries)})")
    economy_of = dict(zip(table.iso3, table.wiod_economy))
    unknown = sorted(set(economy_of.values()) - set(wiod_countries))
    if unknown:
        raise CGEInputError(f"country concordance {source}: wiod_economy {unknown[0]!r} is not a "
                            f"WIOD economy (allowed: {', '.join(wiod_countries)})")
    seen: dict[str, str] = {}
    for code, part in split.parts.items():
        if code in wiod_countries:
            raise CGEInputError(f"region split: part code {code!r} is already a WIOD economy")
        if part.proxy not in wiod_countries or part.proxy == split.parent:
            raise CGEInputError(f"region split: parts.{code}.proxy {part.proxy!r} must be a WIOD "
                                f"economy other than {split.parent}")
        for iso in part.members:
            if iso not in economy_of:
                raise CGEInputError(f"region split: parts.{code}.members: country {iso!r} is not "
                                    f"in {source}")
            if economy_of[iso] != split.parent:
                raise CGEInputError(f"region split: parts.{code}.members: country {iso!r} belongs "
                                    f"to {economy_of[iso]}, not to the parent {split.parent}")
            if iso in seen:
                raise CGEInputError(f"region split: country {iso!r} is in parts.{seen[iso]} and "
                                    f"parts.{code}")
            seen[iso] = code
    economy_of.update(seen)
    pos = wiod_countries.index(split.parent)
    codes = wiod_countries[:pos] + tuple(split.parts) + wiod_countries[pos:]
    return Economies(codes=codes, economy_of=economy_of, names=dict(zip(table.iso3, table.name)),
                     source=source)


@dataclass(frozen=True)
class SplitTable:
    """The 2011 prior with the parent split: arrays on the economy axis of ``codes``."""

    codes: tuple[str, ...]
    inter: np.ndarray     # (a, i, b, j)
    final: np.ndarray     # (a, i, b, k)
    value_added: np.ndarray  # (b, j)


def split_prior(countries: tuple[str, ...], inter: np.ndarray, final: np.ndarray,
                value_added: np.ndarray, split: RegionSplit, codes: tuple[str, ...],
                gdp2011: dict[str, float]) -> SplitTable:
    """Replace the parent by its parts and rest in a country table (module docstring rules).

    ``gdp2011`` gives the GDP of every part, of the rest (the parent's code) and of each
    proxy, in any common unit; the parts and the rest must add up to the parent.
    """
    old = {c: k for k, c in enumerate(countries)}
    R = old[split.parent]
    new = {c: k for k, c in enumerate(codes)}
    inside = list(split.parts) + [split.parent]          # economies carved out of R
    total = sum(gdp2011[x] for x in inside)
    w = {x: gdp2011[x] / total for x in inside}
    s = {p: gdp2011[p] / gdp2011[part.proxy] for p, part in split.parts.items()}
    others = [c for c in countries if c != split.parent]
    ne = len(codes)

    def build(src: np.ndarray) -> np.ndarray:
        out = np.zeros((ne, src.shape[1], ne) + src.shape[3:])
        oi = [old[c] for c in others]
        ni = [new[c] for c in others]
        out[np.ix_(ni, range(src.shape[1]), ni)] = src[np.ix_(oi, range(src.shape[1]), oi)]
        r = new[split.parent]
        out[r, :, ni] = w[split.parent] * np.moveaxis(src[R][:, oi], 1, 0)
        out[ni, :, r] = w[split.parent] * src[oi, :, R]
        out[r, :, r] = w[split.parent] * src[R, :, R]
        for p, part in split.parts.items():
            q, k = old[part.proxy], new[p]
            for c in others:
                d = new[c]
                if c == part.proxy:
                    out[k, :, d] = s[p] * src[q, :, R]
                    out[d, :, k] = w[p] * src[q, :, R]
                else:
                    out[k, :, d] = s[p] * src[q, :, old[c]]
                    out[d, :, k] = s[p] * src[old[c], :, q]
            out[k, :, k] = s[p] * src[q, :, q]
            for x in inside:
                if x != p:
                    out[k, :, new[x]] = s[p] * w[x] * src[q, :, R]
            out[r, :, k] = s[p] * w[split.parent] * src[R, :, q]
        return out

    va = np.zeros((ne, value_added.shape[1]))
    for c in others:
        va[new[c]] = value_added[old[c]]
    va[new[split.parent]] = w[split.parent] * value_added[R]
    for p, part in split.parts.items():
        va[new[p]] = s[p] * value_added[old[part.proxy]]
    z, f = build(inter), build(final)
    # An industry with no sales (e.g. China's c19, absent from its accounts) buys nothing:
    # the proxy rules may have given it purchases from the parts.
    idle = (z.sum(axis=(2, 3)) + f.sum(axis=(2, 3))) <= 0
    z[:, :, idle] = 0.0
    va[idle] = 0.0
    return SplitTable(codes=codes, inter=z, final=f, value_added=va)
