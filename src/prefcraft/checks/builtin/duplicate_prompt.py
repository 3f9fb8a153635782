"""``duplicate-prompt``: the same prompt (ignoring case, whitespace and punctuation) appears again.

The later occurrence is flagged and names the first. Multi-turn prompts compare every turn.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from prefcraft.checks.registry import Check, register

ID = "duplicate-prompt"


def first_occurrence(ctx) -> np.ndarray:
    """Per position: the position of the first row with the same normalised prompt (shared)."""
    def compute() -> np.ndarray:
        df = pl.DataFrame({"k": ctx.norm_prompt}).with_row_index("i")
        return df.select(pl.col("i").first().over("k")).to_series().to_numpy().astype(np.int64)

    return ctx.memo("dup_first", compute)


def run(ctx):
    first = first_occurrence(ctx)
    nonempty = (ctx.norm_prompt.str.len_bytes() > 0).to_numpy()
    later = (first != np.arange(ctx.n)) & nonempty
    for i in ctx.positions(later):
        f = int(first[i])
        yield ctx.finding(i, ID, "warning", f"prompt duplicates {ctx.loc(f)} (row {ctx.row(f)}) — drop this pair or "
                          "vary the prompt; repeated prompts over-weight one request")


register(Check(ID, "the same prompt (after case/whitespace/punctuation normalisation) appears earlier", "warning",
               ("prompt",), run, group="duplicates"))
