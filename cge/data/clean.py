"""Cleaning: turn the raw WIOD table into a non-negative, exactly balanced table.

The model takes three final-demand agents and no negative flows, so the raw table is
changed in four documented steps, all at the WIOD country x industry level (before
aggregation, so every mapping sees the same cleaned table):

1. Final demand is folded into the schema's agents: hh = CONS_h + CONS_np,
   gov = CONS_g, inv = GFCF + INVEN.  Changes in inventories are part of gross capital
   formation in the national accounts, so they are added to investment cell by cell
   (same seller, same buyer); INVEN thus disappears as a category of its own.  The
   cells that are still negative (mostly inventory drawdowns) are set to zero.
2. Where intermediate sales alone exceed gross output (a negative inventory change
   financed the difference), the intermediate sales of that row are scaled down
   proportionally to gross output.  Gross output is never changed, so world gross
   output equals the source exactly.
3. The final-demand matrix is rebalanced by RAS (biproportional scaling; Stone 1961,
   Bacharach 1970) to
   * row targets: final sales of each good = gross output - intermediate sales
     (so every row balances), and
   * column targets: each country's net hh, gov and inv totals from step 1 (before
     zeroing, so each country keeps its absorption), scaled by one common factor so
     the targets add up to the row targets (this factor absorbs the rounding residual
     of the integer-valued source).
4. A last row scaling makes every row balance to machine precision.

Value added is then output minus intermediate inputs, unchanged where step 2 did not
apply.  The report (stored in the dataset attribute ``cleaning``) gives every removed
amount and the total absolute change of final demand, in USD million and in percent of
world gross output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cge.data.schema import FD_AGENTS
from cge.data.wiod import WiodTable

RAS_TOLERANCE = 1e-12
RAS_MAX_ITERATIONS = 5000


@dataclass(frozen=True)
class CleanTable(WiodTable):
    """A balanced, non-negative world IO table: ``final`` has the agents of ``FD_AGENTS``
    instead of WIOD's five final-demand categories; ``report`` says what cleaning changed."""

    report: dict = field(default_factory=dict)


def fold_final_demand(final: np.ndarray) -> np.ndarray:
    """WIOD's five categories -> (hh, gov, inv) = (CONS_h + CONS_np, CONS_g, GFCF + INVEN)."""
    return np.stack([final[..., 0] + final[..., 1], final[..., 2], final[..., 3] + final[..., 4]],
                    axis=-1)


def ras(matrix: np.ndarray, row_targets: np.ndarray, col_targets: np.ndarray,
        tol: float = RAS_TOLERANCE, max_iter: int = RAS_MAX_ITERATIONS) -> tuple[np.ndarray, int]:
    """Biproportional (RAS) scaling of a non-negative matrix to row and column targets.

    Returns the scaled matrix and the iterations used.  Zero rows or columns stay zero;
    the caller makes the rows exact afterwards, so the identities never depend on the
    convergence of the column targets.
    """
    m = matrix.copy()
    for it in range(1, max_iter + 1):
        rows = m.sum(axis=1)
        r = np.divide(row_targets, rows, out=np.zeros_like(rows), where=rows > 0)
        m *= r[:, None]
        cols = m.sum(axis=0)
        s = np.divide(col_targets, cols, out=np.zeros_like(cols), where=cols > 0)
        m *= s[None, :]
        row_gap = np.abs(m.sum(axis=1) - row_targets).max()
        if row_gap <= tol * max(row_targets.max(), 1.0):
            return m, it
    return m, max_iter


def clean_table(table: WiodTable) -> CleanTable:
    """Apply the four cleaning steps of the module docstring and report their size."""
    nc, ni = len(table.countries), len(table.industries)
    world_output = float(table.output.sum())
    raw_folded = fold_final_demand(table.final)
    inven = table.final[..., 4]

    # Step 1: inventories folded into inv; remaining negative cells zeroed.
    negatives = raw_folded < 0
    final = np.where(negatives, 0.0, raw_folded)

    # Step 2: intermediate sales above output are scaled down to output.
    inter = table.inter.copy()
    inter_sales = inter.sum(axis=(2, 3))
    over = inter_sales > table.output
    factor = np.ones_like(inter_sales)
    factor[over] = table.output[over] / inter_sales[over]
    inter *= factor[:, :, None, None]
    inter_cut = float((inter_sales - inter.sum(axis=(2, 3))).sum())

    # Step 3: RAS of final demand to row targets (output - intermediate sales) and
    # column targets (agent totals, inventories folded into inv, common scaling).
    row_targets = (table.output - inter.sum(axis=(2, 3))).reshape(-1)
    row_targets = np.maximum(row_targets, 0.0)
    col = np.maximum(raw_folded.sum(axis=(0, 1)), 0.0)
    col_scale = row_targets.sum() / col.sum()
    flat = final.reshape(nc * ni, -1)
    balanced, iterations = ras(flat, row_targets, (col * col_scale).reshape(-1))

    # Step 4: exact rows.
    rows = balanced.sum(axis=1)
    balanced *= np.divide(row_targets, rows, out=np.zeros_like(rows), where=rows > 0)[:, None]
    unplaced = float(row_targets[rows <= 0].sum())
    final_clean = balanced.reshape(nc, ni, nc, len(FD_AGENTS))
    col_gap = np.abs(final_clean.sum(axis=(0, 1)) - col * col_scale).max()

    change = float(np.abs(final_clean - raw_folded).sum())
    trade_raw = _foreign(table.inter.sum(axis=3) + table.final.sum(axis=3))
    trade_clean = _foreign(inter.sum(axis=3) + final_clean.sum(axis=3))
    report = {
        "method": "inventory changes folded into inv (gross capital formation), negative "
                  "final demand cells zeroed, intermediate sales capped at output, final "
                  "demand rebalanced by RAS (rows: output - intermediate sales; columns: "
                  "net agent totals per country); see docs/data.md",
        "world_output_usd_million": world_output,
        "inventory_change_folded_into_inv_usd_million": {
            "positive": float(inven[inven > 0].sum()),
            "negative": float(inven[inven < 0].sum()),
            "cells": int((inven != 0).sum()),
        },
        "negative_final_demand_zeroed_usd_million": {
            "sum": float(raw_folded[negatives].sum()),
            "cells": int(negatives.sum()),
        },
        "intermediate_sales_cut_to_output_usd_million": {
            "sum": inter_cut, "rows": int(over.sum()),
        },
        "rounding_residual_usd_million": float(
            np.abs(table.output - table.inter.sum(axis=(2, 3)) - table.final.sum(axis=(2, 3))).sum()),
        "column_target_scale": float(col_scale),
        "ras_iterations": iterations,
        "ras_max_column_gap_usd_million": float(col_gap),
        "final_demand_unplaced_usd_million": unplaced,
        "final_demand_abs_change_usd_million": change,
        "final_demand_abs_change_pct_of_world_output": 100.0 * change / world_output,
        "bilateral_trade_abs_change_usd_million": float(np.abs(trade_clean - trade_raw).sum()),
        "bilateral_trade_abs_change_pct_of_world_trade": float(
            100.0 * np.abs(trade_clean - trade_raw).sum() / trade_raw.sum()),
        "total_abs_adjustment_usd_million": change + inter_cut,
        "total_abs_adjustment_pct_of_world_output": 100.0 * (change + inter_cut) / world_output,
    }
    return CleanTable(year=table.year, countries=table.countries, industries=table.industries,
                      inter=inter, final=final_clean, output=table.output.copy(), report=report)


def _foreign(flows: np.ndarray) -> np.ndarray:
    """Country-to-country flows (exporter, industry, importer) with the diagonal zeroed."""
    out = flows.copy()
    idx = np.arange(out.shape[0])
    out[idx, :, idx] = 0.0
    return out
