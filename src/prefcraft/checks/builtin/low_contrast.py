"""``low-contrast``: chosen and rejected are nearly the same text.

Flagged when the word sets overlap by 80% or more (Jaccard), or — for short texts, where one changed word
moves the word overlap a lot — when they overlap by 50% or more and the character-level similarity
(``difflib`` ratio, computed only for those candidates) is 0.85 or more. Identical texts are
``identical-responses``; this catches the copy-edited pair whose preference signal is a word or two.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from prefcraft.checks.registry import Check, register
from prefcraft.checks.text import normalise_expr

ID = "low-contrast"
THRESHOLD = 0.8
CANDIDATE = 0.5
CHAR_RATIO = 0.85


def run(ctx):
    # Jaccard >= 0.8 needs word sets of similar size: skip pairs whose lengths differ by more than 1.6x
    # (a text that repeats itself could slip through; identical texts are identical-responses' job)
    c_len, r_len = ctx.chosen_len.astype(float), ctx.rejected_len.astype(float)
    ratio = np.minimum(c_len, r_len) / np.maximum(np.maximum(c_len, r_len), 1)
    keep = ratio >= 0.5
    if ctx.cascade:
        # large data: texts that share >= 80% of their words keep a common opening or ending
        # (an edit of a word or two at *both* ends slips through; documented in docs/validate.md)
        c, r = ctx.chosen_text, ctx.rejected_text
        head = c.str.slice(0, 24).str.to_lowercase() == r.str.slice(0, 24).str.to_lowercase()
        tail = c.str.tail(24).str.to_lowercase() == r.str.tail(24).str.to_lowercase()
        keep &= (head | tail).fill_null(False).to_numpy()
    pos = np.flatnonzero(keep)
    if not len(pos):
        return
    idx = pl.Series(pos)
    df = pl.DataFrame({"c": ctx.chosen_text.gather(idx), "r": ctx.rejected_text.gather(idx)}).select(
        normalise_expr("c"), normalise_expr("r"))
    words = df.select(pl.col("c").str.split(" ").list.unique().alias("c"),
                      pl.col("r").str.split(" ").list.unique().alias("r"),
                      (pl.col("c") == pl.col("r")).alias("same"))
    sim = words.select(
        (pl.col("c").list.set_intersection(pl.col("r")).list.len()
         / pl.col("c").list.set_union(pl.col("r")).list.len()).alias("j"), pl.col("same")
    )
    j = sim["j"].fill_null(0.0).to_numpy()
    same = sim["same"].fill_null(True).to_numpy()
    near = (j >= THRESHOLD) & ~same
    maybe = np.flatnonzero((j >= CANDIDATE) & ~near & ~same)
    if len(maybe):
        import difflib

        cs, rs = df["c"].to_list(), df["r"].to_list()
        for k in maybe:
            if difflib.SequenceMatcher(None, cs[k], rs[k], autojunk=False).ratio() >= CHAR_RATIO:
                near[k] = True
    for k in np.flatnonzero(near):
        i = int(pos[k])
        yield ctx.finding(i, ID, "warning", f"chosen and rejected are nearly the same text ({j[k]:.0%} of their words "
                          "shared) — the preference signal is only a word or two; make the rejected a genuinely different (worse) answer")


register(Check(ID, "chosen and rejected are nearly the same text (a word or two apart)", "warning",
               ("chosen", "rejected"), run))
