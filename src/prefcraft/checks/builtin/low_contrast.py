"""``low-contrast``: chosen and rejected are nearly the same text (word-set Jaccard >= 0.8).

Identical texts are ``identical-responses``; this catches the copy-edited pair whose preference signal is
a word or two.
"""

from __future__ import annotations

import polars as pl

from prefcraft.checks.registry import Check, register
from prefcraft.checks.text import normalise_expr

ID = "low-contrast"
THRESHOLD = 0.8


def run(ctx):
    df = pl.DataFrame({"c": ctx.chosen_text, "r": ctx.rejected_text}).select(normalise_expr("c"), normalise_expr("r"))
    words = df.select(pl.col("c").str.split(" ").list.unique().alias("c"),
                      pl.col("r").str.split(" ").list.unique().alias("r"),
                      (pl.col("c") == pl.col("r")).alias("same"))
    sim = words.select(
        (pl.col("c").list.set_intersection(pl.col("r")).list.len()
         / pl.col("c").list.set_union(pl.col("r")).list.len()).alias("j"), pl.col("same")
    )
    j = sim["j"].fill_null(0.0).to_numpy()
    same = sim["same"].fill_null(True).to_numpy()
    for i in ctx.positions((j >= THRESHOLD) & ~same):
        yield ctx.finding(i, ID, "warning", f"chosen and rejected share {j[i]:.0%} of their words — the preference "
                          "signal is only a word or two; make the rejected a genuinely different (worse) answer")


register(Check(ID, "chosen and rejected are nearly the same text (>= 80% shared words)", "warning",
               ("chosen", "rejected"), run))
