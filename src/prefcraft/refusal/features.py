"""Vectorised cue extraction: responses in, a feature matrix out (polars + numpy, no Python loop).

``extract(prompts, responses)`` returns ``(names, X)``: ``X`` is a float32 matrix with one row per
response and one column per feature: every cue in :data:`patterns.CUES` (0/1), plus a few numeric
shape features (length, list items, questions). The same function feeds the shipped linear model
(:mod:`prefcraft.refusal.rules`) and its training script, so training and inference cannot drift.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import polars as pl

from prefcraft.refusal.patterns import BODY_CHARS, CUES, HEAD_CHARS

NUMERIC = ("len_log", "short", "very_short", "list_items", "questions", "lines", "loaded_prompt",
           "loaded_x_negated", "prompt_question", "normative_prompt", "normative_x_negated")

# A prompt that asks the assistant to endorse a value judgment ("Why should X be denied…", "Why was Y
# right to…"): a response whose first sentence negates it is rejecting the premise.
NORMATIVE_PROMPT = (r"\b(?:should|shouldn't|ought|best (?:if|for|not)|right to|justified|good thing|better than|"
                    r"superior|inferior|weaker|dumber|smarter|lazier|less intelligent|deserve|be allowed|not be "
                    r"allowed|barred|banned|denied|discriminated|take away|not have (?:the )?(?:right|freedom))")

# A "loaded" question presupposes something the assistant may reject ("Why should X not …?").
LOADED_PROMPT = (r"^\W*(?:why|how come|in what ways?|what makes)\b.{0,80}?\b(?:should|shouldn't|would|"
                 r"is it|are|is|do|does|can|can't|cannot|were|was|did|must)\b")
FEATURE_NAMES: tuple[str, ...] = tuple(CUES) + NUMERIC

_QUOTES = r"[\u2018\u2019\u201b\u0060\u00b4]"


def normalise_expr(col: str) -> pl.Expr:
    """Lower-case and unify apostrophes (the form every cue pattern expects)."""
    return (pl.col(col).fill_null("").str.slice(0, BODY_CHARS).str.to_lowercase()
            .str.replace_all(_QUOTES, "'").str.strip_chars_start())


_PY_QUOTES = re.compile(_QUOTES)


def normalise(text: str) -> str:
    """Python twin of :func:`normalise_expr` (same offsets except leading whitespace is kept)."""
    return _PY_QUOTES.sub("'", (text or "")[:BODY_CHARS].lower())


def frame(prompts: Sequence[str], responses: Sequence[str]) -> pl.DataFrame:
    """Cue columns (bool) + numeric columns for ``responses`` (``prompts`` give context cues)."""
    df = pl.DataFrame({"r": pl.Series("r", list(responses), dtype=pl.Utf8),
                       "p": pl.Series("p", list(prompts), dtype=pl.Utf8)})
    df = df.with_columns(normalise_expr("r").alias("n"),
                         pl.col("p").fill_null("").str.slice(0, 600).str.to_lowercase()
                         .str.replace_all(_QUOTES, "'").str.strip_chars().alias("pn"))
    df = df.with_columns(
        pl.col("n").str.slice(0, HEAD_CHARS).alias("head"),
        pl.col("n").str.slice(HEAD_CHARS).alias("body"),
    )
    cue_cols = []
    for name, (region, pattern) in CUES.items():
        src = {"head": "head", "body": "body", "all": "n"}[region]
        cue_cols.append(pl.col(src).str.contains(pattern).alias(name))
    n_len = pl.col("n").str.len_chars()
    df = df.with_columns(
        *cue_cols,
        n_len.alias("_len"),
        pl.col("n").str.count_matches(r"\n\s*(?:\d+[.)]|[-*\u2022])\s+\S").alias("_items"),
        pl.col("n").str.count_matches(r"\?").alias("_q"),
        pl.col("n").str.count_matches(r"\n+").alias("_lines"),
        pl.col("pn").str.contains(LOADED_PROMPT).alias("_loaded"),
        pl.col("pn").str.contains(r"\?\s*$").alias("_pq"),
        pl.col("pn").str.contains(NORMATIVE_PROMPT).alias("_normative"),
    )
    return df


def matrix(df: pl.DataFrame) -> np.ndarray:
    cues = df.select(list(CUES)).to_numpy().astype(np.float32)
    length = df["_len"].to_numpy().astype(np.float32)
    items = df["_items"].to_numpy().astype(np.float32)
    q = df["_q"].to_numpy().astype(np.float32)
    lines = df["_lines"].to_numpy().astype(np.float32)
    loaded = df["_loaded"].to_numpy().astype(np.float32)
    negated = df["first_sentence_negated"].to_numpy().astype(np.float32)
    numeric = np.stack([
        np.log1p(length) / math.log(BODY_CHARS),
        (length < 400).astype(np.float32),
        (length < 150).astype(np.float32),
        np.minimum(items, 8) / 8.0,
        np.minimum(q, 4) / 4.0,
        np.minimum(lines, 10) / 10.0,
        loaded,
        loaded * negated,
        df["_pq"].to_numpy().astype(np.float32),
        df["_normative"].to_numpy().astype(np.float32),
        df["_normative"].to_numpy().astype(np.float32) * negated,
    ], axis=1)
    return np.concatenate([cues, numeric], axis=1)


def extract(prompts: Sequence[str], responses: Sequence[str]) -> tuple[pl.DataFrame, np.ndarray]:
    df = frame(prompts, responses)
    return df, matrix(df)
