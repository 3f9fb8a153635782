"""``empty-text``: an empty or whitespace-only text, including one message of a conversation."""

from __future__ import annotations

import polars as pl

from prefcraft.checks.builtin._common import problem_findings
from prefcraft.checks.registry import Check, register

ID = "empty-text"


def run(ctx):
    yield from problem_findings(ctx, ID)
    for col in ("prompt", "chosen", "rejected"):
        mask = ctx.frame.select(pl.col(col).list.eval(
            pl.element().struct.field("content").fill_null("").str.strip_chars().str.len_bytes() == 0
        ).list.any().fill_null(False).alias("m")).to_series()
        for i in ctx.positions(mask):
            yield ctx.finding(i, ID, "error", f"field '{col}' has an empty message — write the text, or drop the record")


register(Check(ID, "a prompt, chosen or rejected text (or one of its messages) is empty", "error",
               ("prompt", "chosen", "rejected"), run, group="schema"))
