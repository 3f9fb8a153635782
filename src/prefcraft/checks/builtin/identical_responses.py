"""``identical-responses``: chosen and rejected are the same text (ignoring case and whitespace)."""

from __future__ import annotations

import polars as pl

from prefcraft.checks.registry import Check, register

ID = "identical-responses"


def _norm(s: pl.Series) -> pl.Series:
    return s.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def run(ctx):
    c, r = _norm(ctx.chosen_text), _norm(ctx.rejected_text)
    for i in ctx.positions((c == r) & (c.str.len_bytes() > 0)):
        yield ctx.finding(i, ID, "error", "chosen and rejected are the same text — the pair teaches nothing; "
                          "rewrite the rejected as the answer the model should avoid")


register(Check(ID, "chosen and rejected are identical after case/whitespace normalisation", "error",
               ("chosen", "rejected"), run))
