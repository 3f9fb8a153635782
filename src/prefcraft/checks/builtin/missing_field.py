"""``missing-field``: prompt, chosen or rejected is absent, null, or an empty message list."""

from __future__ import annotations

import polars as pl

from prefcraft.checks.builtin._common import problem_findings
from prefcraft.checks.registry import Check, register

ID = "missing-field"


def run(ctx):
    yield from problem_findings(ctx, ID)
    for col in ("prompt", "chosen", "rejected"):
        mask = ctx.frame.select((pl.col(col).is_null() | (pl.col(col).list.len() == 0)).alias("m")).to_series()
        for i in ctx.positions(mask):
            yield ctx.finding(i, ID, "error", f"field '{col}' has no messages — give it the text, or drop the record")


register(Check(ID, "prompt, chosen or rejected is missing (misspelt keys are named with a fix)", "error",
               ("prompt", "chosen", "rejected"), run, group="schema"))
