"""``identical-responses``: chosen and rejected are the same text (ignoring case and whitespace)."""

from __future__ import annotations

import numpy as np
import polars as pl

from prefcraft.checks.registry import Check, register

ID = "identical-responses"


def _norm(s: pl.Series) -> pl.Series:
    return s.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def _first_word(s: pl.Series) -> pl.Series:
    return s.str.extract(r"^\s*(\S{1,24})", 1).str.to_lowercase()


def run(ctx):
    # cheap exact prefilter: equal texts after normalisation start with the same word
    cand = (_first_word(ctx.chosen_text) == _first_word(ctx.rejected_text)).fill_null(False)
    idx = pl.Series(np.flatnonzero(cand.to_numpy()))
    c, r = _norm(ctx.chosen_text.gather(idx)), _norm(ctx.rejected_text.gather(idx))
    same = ((c == r) & (c.str.len_bytes() > 0)).to_numpy()
    for i in idx.to_numpy()[same]:
        yield ctx.finding(i, ID, "error", "chosen and rejected are the same text — the pair teaches nothing; "
                          "rewrite the rejected as the answer the model should avoid")


register(Check(ID, "chosen and rejected are identical after case/whitespace normalisation", "error",
               ("chosen", "rejected"), run))
