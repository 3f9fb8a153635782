"""``near-duplicate-prompt``: a light paraphrase of an earlier prompt (a word or two changed).

MinHash + LSH over content words (:mod:`prefcraft.checks.minhash`), verified with the exact Jaccard
similarity of the word sets (>= 0.6 by default). Exact duplicates are left to ``duplicate-prompt``.
"""

from __future__ import annotations

import numpy as np

from prefcraft.checks.builtin.duplicate_prompt import first_occurrence
from prefcraft.checks.minhash import near_duplicates
from prefcraft.checks.registry import Check, register

ID = "near-duplicate-prompt"


def found(ctx) -> list[tuple[int, int, float]]:
    """``[(later, earlier, similarity)]`` (shared, and prefetched on large inputs)."""
    def compute():
        exact_later = np.flatnonzero(first_occurrence(ctx) != np.arange(ctx.n))
        return near_duplicates(ctx.norm_prompt, ctx.options.near_threshold, exclude=exact_later)

    return ctx.memo(ID, compute)


def run(ctx):
    for later, earlier, sim in found(ctx):
        yield ctx.finding(later, ID, "warning", f"prompt nearly duplicates {ctx.loc(earlier)} (row {ctx.row(earlier)}; "
                          f"{sim:.0%} of content words shared) — vary it more, or drop one of the two")


register(Check(ID, "a prompt is a light paraphrase of an earlier one (a word or two changed)", "warning",
               ("prompt",), run, group="duplicates", prefetch=found))
