"""``split-leakage`` (with ``--against OTHER``): a prompt here duplicates or nearly duplicates one there.

Typical use: ``prefcraft validate train.jsonl --against test.jsonl``. Exact matches (after
normalisation) are errors; near matches are errors too — a paraphrased test prompt still leaks.
"""

from __future__ import annotations

import polars as pl

from prefcraft.checks.context import Context
from prefcraft.checks.minhash import cross_near_duplicates
from prefcraft.checks.registry import Check, register

ID = "split-leakage"


def run(ctx):
    other = Context(ctx.options.against, ctx.options)
    name = ctx.options.against_name or "the other dataset"
    mine = pl.DataFrame({"k": ctx.norm_prompt}).with_row_index("i")
    theirs = pl.DataFrame({"k": other.norm_prompt}).with_row_index("j").filter(pl.col("k").str.len_bytes() > 0)
    theirs = theirs.group_by("k").agg(pl.col("j").min())
    exact = mine.join(theirs, on="k", how="inner").sort("i")
    seen = set()
    for i, j in zip(exact["i"].to_list(), exact["j"].to_list()):
        seen.add(i)
        yield ctx.finding(i, ID, "error", f"prompt also appears in {name} ({other.loc(j)}, row {other.row(j)}) — "
                          "remove it from one split")
    for i, j, sim in cross_near_duplicates(ctx.norm_prompt, other.norm_prompt, ctx.options.near_threshold):
        if i in seen:
            continue
        yield ctx.finding(i, ID, "error", f"prompt nearly duplicates one in {name} ({other.loc(j)}, row {other.row(j)}; "
                          f"{sim:.0%} of content words shared) — remove it from one split")


register(Check(ID, "a prompt duplicates or nearly duplicates one in --against OTHER (train/test leakage)",
               "error", ("prompt",), run, group="duplicates", requires=("against",)))
