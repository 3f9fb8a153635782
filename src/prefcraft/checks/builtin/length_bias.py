"""``length-bias`` (dataset level): chosen is systematically longer (or shorter) than rejected.

DPO learns length as readily as content. Flagged when at least 10 pairs are present, 80% or more of
them have the chosen on the same side (longer, or shorter), and the median length ratio is beyond
1.5× (or under 1/1.5). Reported overall and for each category with at least 10 pairs.
"""

from __future__ import annotations

import numpy as np

from prefcraft.checks.registry import Check, register

ID = "length-bias"
MIN_PAIRS = 10
SHARE = 0.8
RATIO = 1.5


def _verdict(c: np.ndarray, r: np.ndarray) -> tuple[str, float, float] | None:
    ok = (c > 0) & (r > 0)
    c, r = c[ok], r[ok]
    if len(c) < MIN_PAIRS:
        return None
    longer = float(np.mean(c > r))
    shorter = float(np.mean(c < r))
    ratio = float(np.median(c / r))
    if longer >= SHARE and ratio >= RATIO:
        return "longer", longer, ratio
    if shorter >= SHARE and ratio <= 1 / RATIO:
        return "shorter", shorter, ratio
    return None


def run(ctx):
    c, r = ctx.chosen_len.astype(float), ctx.rejected_len.astype(float)
    scopes = [("the dataset", np.ones(ctx.n, dtype=bool))]
    cats = ctx.category_id
    for cat in sorted(cats.drop_nulls().unique().to_list()):
        scopes.append((f"category {cat!r}", (cats == cat).fill_null(False).to_numpy()))
    for label, mask in scopes:
        v = _verdict(c[mask], r[mask])
        if v is None:
            continue
        side, share, ratio = v
        yield ctx.finding(None, ID, "warning", f"in {label}, chosen is {side} than rejected in {share:.0%} of "
                          f"{int(mask.sum())} pairs (median ratio {ratio:.2f}×) — DPO will learn length; balance "
                          "the lengths (e.g. leaner chosen or fuller rejected)")


register(Check(ID, "chosen is systematically longer or shorter than rejected (DPO learns length)", "warning",
               ("chosen", "rejected", "category"), run, group="dataset"))
