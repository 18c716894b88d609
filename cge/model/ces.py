"""Calibrated share-form CES nests, vectorised over a family of composites
(docs/model.md, "CES nests").

Every nest of the model (value added, the intermediate bundle, the top nest, Armington
composites, import sourcing, final demand) is a CES aggregate written with benchmark
prices ``pbar_k``, benchmark value shares ``theta_k`` and benchmark composite price ``cbar``:

    c(p) = cbar [ sum_k theta_k (p_k/pbar_k)^(1-sigma) ]^(1/(1-sigma))     sigma != 0, 1
    c(p) = cbar prod_k (p_k/pbar_k)^theta_k                                sigma = 1 (Cobb-Douglas)
    c(p) = cbar sum_k theta_k p_k/pbar_k                                   sigma = 0 (Leontief)
    x_k  = q * xbar_k/qbar * ( (c/cbar) / (p_k/pbar_k) )^sigma

A :class:`CESNests` holds one *family* of nests (e.g. every agent's Armington
composite in every region) with their inputs listed flat in one vector; prices and
demands of the whole family are computed with a handful of vector operations
(:mod:`cge.model.algebra`), whatever the backend.  Nests with one input, Leontief and
Cobb-Douglas nests are handled exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cge.model.algebra import Segments, Vec, concat, exp, log, segment_sum, take

COBB_DOUGLAS_TOL = 1e-9


@dataclass
class CESNests:
    """A family of CES composites with their inputs listed flat.

    ``nest[k]`` is the composite that input k belongs to, ``share[k]`` its benchmark
    value share there, ``pbar[k]`` its benchmark price and ``qratio[k]`` its benchmark
    quantity per unit of the composite's quantity; ``sigma[n]`` and ``cbar[n]`` are the
    elasticity and benchmark price of composite n.
    """

    nest: np.ndarray
    share: np.ndarray
    pbar: np.ndarray
    qratio: np.ndarray
    sigma: np.ndarray
    cbar: np.ndarray
    _groups: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.nest = np.asarray(self.nest, dtype=np.int64)
        self.share = np.asarray(self.share, dtype=float)
        self.pbar = np.asarray(self.pbar, dtype=float)
        self.qratio = np.asarray(self.qratio, dtype=float)
        self.sigma = np.asarray(self.sigma, dtype=float)
        self.cbar = np.broadcast_to(np.asarray(self.cbar, dtype=float), self.sigma.shape).copy()
        n = len(self.sigma)
        count = np.bincount(self.nest, minlength=n)
        if (count == 0).any():
            raise ValueError("every CES nest needs at least one input")
        kind = np.full(n, "general", dtype=object)
        kind[self.sigma == 0.0] = "leontief"
        kind[np.abs(self.sigma - 1.0) < COBB_DOUGLAS_TOL] = "cobb_douglas"
        kind[count == 1] = "single"
        for name in ("single", "leontief", "cobb_douglas", "general"):
            nests = np.flatnonzero(kind == name)
            if not len(nests):
                continue
            local = np.full(n, -1, dtype=np.int64)
            local[nests] = np.arange(len(nests))
            inputs = np.flatnonzero(local[self.nest] >= 0)
            self._groups[name] = (nests, inputs, Segments.of(local[self.nest[inputs]], len(nests)))
        order = [g[0] for g in self._groups.values()]
        self._scatter = Segments.of(np.concatenate(order) if order else np.zeros(0, np.int64), n)

    @property
    def size(self) -> int:
        """Number of composites in the family."""
        return len(self.sigma)

    def price(self, prices: Vec, share_scale: Vec | None = None) -> Vec:
        """Unit cost of every composite given the prices of all inputs (flat).

        ``share_scale`` multiplies the benchmark shares (e.g. 0/1 availability of an
        import source); it must stay 1 on Cobb-Douglas nests.
        """
        if not self.size:
            return np.zeros(0)
        rel = prices / self.pbar
        parts = []
        for name, (nests, inputs, seg) in self._groups.items():
            r = take(rel, inputs)
            th = self.share[inputs] if share_scale is None else self.share[inputs] * take(share_scale, inputs)
            if name == "single":
                parts.append(segment_sum(r, seg))
            elif name == "leontief":
                parts.append(segment_sum(th * r, seg))
            elif name == "cobb_douglas":
                parts.append(exp(segment_sum(th * log(r), seg)))
            else:
                rho = 1.0 - self.sigma[nests]
                inner = segment_sum(th * r ** (1.0 - self.sigma[self.nest[inputs]]), seg)
                parts.append(inner ** (1.0 / rho))
        ordered = concat(parts)
        return segment_sum(ordered, self._scatter) * self.cbar

    def demand(self, quantity: Vec, price: Vec, prices: Vec) -> Vec:
        """Demand for every input given each composite's quantity and price (per nest)
        and the input prices (flat)."""
        q = take(quantity, self.nest)
        c = take(price / self.cbar, self.nest)
        sig = self.sigma[self.nest]
        return q * self.qratio * ((c * self.pbar) / prices) ** sig
