"""Variables and policy instruments: vector layouts over the index sets
(docs/model.md, "Variables", "Policy instruments").

The model's unknowns form one vector ``x`` and its parameters one vector ``p``; a
:class:`Layout` names the block of each (e.g. ``py`` over the activities, ``tm`` over
the bilateral flows) with the labels of its members.  Instruments are parameters, so
one built model serves every scenario with the same structure: a scenario only
changes ``p``.

Instruments (benchmark value):

- ``tm[i,s,r]``   ad valorem import tariff of r on good i from s (data)
- ``te[i,s,r]``   ad valorem export tax of s on good i to r (0)
- ``tau[i,s,r]``  iceberg factor, units shipped per unit delivered (1)
- ``avail[i,s,r]`` 1 if the flow may trade, 0 under a ban (1)
- ``quota[i,s,r]`` quantity limit relative to the benchmark flow, on quota flows (1000: not binding)
- ``to[j,r]``     ad valorem output tax, negative = subsidy (0)
- ``prod[j,r]``   Hicks-neutral (output-augmenting) productivity (1)
- ``prod_va[j,r]`` value-added-augmenting productivity (1)
- ``endow_fr[f,r]``, ``endow_fjs[f,j,r]`` factor endowment relative to the benchmark (1)
- ``fd_share[a,r]`` share of income spent by final-demand agent a (benchmark share)
- ``tb[r]``       trade balance (surplus) in the closure's units (data, USD million)
- ``target_level[k]`` level of outcome target k (1 for max targets: not binding)
- ``pnum``        level of the numeraire price index (1)
- ``fb_mu``       smoothing of the complementarity conditions (1e-20)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

QUOTA_NOT_BINDING = 1.0e3  # a quota of 1000x the benchmark quantity never binds
FB_SMOOTHING = 1e-20       # its square root, 1e-10, is far below the solver tolerance


@dataclass
class Layout:
    """Named blocks of a vector, each with the labels of its members."""

    blocks: dict[str, list[tuple]] = field(default_factory=dict)
    offsets: dict[str, int] = field(default_factory=dict)
    size: int = 0

    def add(self, name: str, labels: list[tuple]) -> None:
        self.blocks[name] = list(labels)
        self.offsets[name] = self.size
        self.size += len(labels)

    def slice(self, name: str) -> slice:
        start = self.offsets[name]
        return slice(start, start + len(self.blocks[name]))

    def position(self, name: str, label: tuple) -> int:
        """Position of a member of a block in the whole vector."""
        try:
            return self.offsets[name] + self.blocks[name].index(label)
        except ValueError:
            raise KeyError(f"{name}{label}") from None

    def split(self, vec: np.ndarray) -> SimpleNamespace:
        """The blocks of a numeric vector (views) as attributes."""
        return SimpleNamespace(**{k: vec[self.slice(k)] for k in self.blocks})

    def label(self, pos: int) -> str:
        """Readable name of a position, e.g. ``py[AGR,USA]``."""
        for name, labels in self.blocks.items():
            start = self.offsets[name]
            if start <= pos < start + len(labels):
                lab = labels[pos - start]
                return f"{name}[{','.join(map(str, lab))}]" if lab else name
        raise IndexError(pos)

    def labels(self) -> list[tuple[str, tuple]]:
        """(block, member) of every position."""
        return [(name, lab) for name, labs in self.blocks.items() for lab in labs]
