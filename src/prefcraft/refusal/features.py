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
           "loaded_x_negated", "prompt_question", "normative_prompt", "normative_x_negated", "group_prompt",
           "group_premise_rejected", "advice_not_referral",
           # the clause-role model (prefcraft.refusal.sentences): the highest probability over the clauses
           "sent_boundary", "sent_compliance", "sent_clarify", "sent_alternative", "sent_lecture",
           "sent_boilerplate")

# A prompt that asks the assistant to endorse a value judgment ("Why should X be denied…", "Why was Y
# right to…"): a response whose first sentence negates it is rejecting the premise.
NORMATIVE_PROMPT = (r"\b(?:should|shouldn't|ought|best (?:if|for|not)|right to|justified|good thing|better than|"
                    r"superior|inferior|weaker|dumber|smarter|lazier|less intelligent|deserve|be allowed|not be "
                    r"allowed|barred|banned|denied|discriminated|take away|not have (?:the )?(?:right|freedom))")

# A "loaded" question presupposes something the assistant may reject ("Why should X not …?").
LOADED_PROMPT = (r"^\W*(?:why|how come|in what ways?|what makes)\b.{0,80}?\b(?:should|shouldn't|would|"
                 r"is it|are|is|do|does|can|can't|cannot|were|was|did|must)\b")
# A prompt about a group of people (by race, religion, origin, gender, sexuality, disability, age, status…).
# With a normative prompt, a reply whose opening rejects the premise declines to argue for treating that
# group worse (a refusal); the same reply about "purple carrots" merely answers a nonsense question.
_PEOPLE = r"(?:people|persons?|men|women|folks|americans|kids|children|students|individuals|voters|citizens|workers|families)"
GROUP_PROMPT = (r"\b(?:(?:black|white|asian|brown|latin[oa]|hispanic|arab|jewish|muslim|christian|hindu|buddhist|sikh|"
                r"atheist|catholic|mormon|gay|lesbian|bisexual|trans|transgender|queer|asexual|non-binary|disabled|blind|"
                r"deaf|autistic|elderly|old|poor|homeless|indigenous|immigrant|native|divorced|pregnant|obese|fat|short|"
                r"unemployed|single|lgbtq?\+?) " + _PEOPLE + r"|jews|muslims|christians|hindus|buddhists|sikhs|atheists|"
                r"catholics|mormons|gays|lesbians|latinos|latinas|hispanics|arabs|immigrants|refugees|migrants|women|"
                r"girls|veterans|minorities|people of colou?r|(?:\w+ )?people with (?:disabilities|autism|dementia|"
                r"a disability|mental illness|hiv))\b")
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


# Below this many rows the cues run through Python's ``re`` (precompiled once) instead of polars:
# polars recompiles regexes that fall out of its small cache, ~20 ms per call for a single response.
SMALL_BATCH = 16
_ITEMS = r"\n\s*(?:\d+[.)]|[-*\u2022])\s+\S"
_PY_CUES = [(name, region, re.compile(pattern)) for name, (region, pattern) in CUES.items()]
_PY_ITEMS = re.compile(_ITEMS)
_PY_LOADED = re.compile(LOADED_PROMPT)
_PY_NORMATIVE = re.compile(NORMATIVE_PROMPT)
_PY_GROUP = re.compile(GROUP_PROMPT)
_PY_PQ = re.compile(r"\?\s*$")


def _frame_py(prompts: Sequence[str], responses: Sequence[str]) -> pl.DataFrame:
    """Python twin of the polars path of :func:`frame` (same columns, same patterns)."""
    cols: dict[str, list] = {k: [] for k in ("r", "p", "n", "pn", "head", "body")}
    cols.update({name: [] for name in CUES})
    for k in ("_len", "_items", "_q", "_lines", "_loaded", "_pq", "_normative", "_group", "_alpha", "_hlen"):
        cols[k] = []
    for p, r in zip(prompts, responses):
        n = _PY_QUOTES.sub("'", (r or "")[:BODY_CHARS].lower()).lstrip()
        pn = _PY_QUOTES.sub("'", (p or "")[:600].lower()).strip()
        head, body = n[:HEAD_CHARS], n[HEAD_CHARS:]
        regions = {"head": head, "body": body, "all": n}
        for key, val in (("r", r), ("p", p), ("n", n), ("pn", pn), ("head", head), ("body", body)):
            cols[key].append(val)
        for name, region, rx in _PY_CUES:
            cols[name].append(rx.search(regions[region]) is not None)
        cols["_len"].append(len(n))
        cols["_items"].append(len(_PY_ITEMS.findall(n)))
        cols["_q"].append(n.count("?"))
        cols["_lines"].append(len(re.findall(r"\n+", n)))
        cols["_loaded"].append(_PY_LOADED.search(pn) is not None)
        cols["_pq"].append(_PY_PQ.search(pn) is not None)
        cols["_normative"].append(_PY_NORMATIVE.search(pn) is not None)
        cols["_group"].append(_PY_GROUP.search(pn) is not None)
        cols["_alpha"].append(sum(ch.isalpha() for ch in head))
        cols["_hlen"].append(len(head))
    schema = {k: (pl.Utf8 if k in ("r", "p", "n", "pn", "head", "body") else
                  pl.Boolean if (k in CUES or k in ("_loaded", "_pq", "_normative", "_group")) else pl.UInt32)
              for k in cols}
    return pl.DataFrame(cols, schema=schema)


def role_columns() -> list[str]:
    """The frame's clause-role columns, in the order of :data:`prefcraft.refusal.sentences.ROLES`."""
    from prefcraft.refusal.sentences import ROLES

    return ["_s_" + r for r in ROLES]


def _with_roles(df: pl.DataFrame, responses: Sequence[str], bag: bool) -> pl.DataFrame:
    from prefcraft.refusal import kind_model
    from prefcraft.refusal.sentences import analyse

    roles, scores = analyse(list(responses), kind_model.load() if bag else None)
    if scores is None:
        scores = np.zeros((len(responses), len(kind_model.BAG_COLUMNS)))
    return df.with_columns(*[pl.Series(name, roles[:, k].astype(np.float32)) for k, name in enumerate(role_columns())],
                           *[pl.Series(name, scores[:, k]) for k, name in enumerate(kind_model.BAG_COLUMNS)])


def frame(prompts: Sequence[str], responses: Sequence[str], *, bag: bool = True) -> pl.DataFrame:
    """Cue columns (bool) + numeric columns + clause-role columns + the kind model's bag scores (``_k_*``;
    zeros with ``bag=False``, which the training script uses) for ``responses`` (``prompts`` give context
    cues)."""
    return _with_roles(_frame(prompts, responses), responses, bag)


def _frame(prompts: Sequence[str], responses: Sequence[str]) -> pl.DataFrame:
    if len(responses) <= SMALL_BATCH:
        return _frame_py(prompts, responses)
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
        pl.col("n").str.count_matches(_ITEMS).alias("_items"),
        pl.col("n").str.count_matches(r"\?").alias("_q"),
        pl.col("n").str.count_matches(r"\n+").alias("_lines"),
        pl.col("pn").str.contains(LOADED_PROMPT).alias("_loaded"),
        pl.col("pn").str.contains(r"\?\s*$").alias("_pq"),
        pl.col("pn").str.contains(NORMATIVE_PROMPT).alias("_normative"),
        pl.col("pn").str.contains(GROUP_PROMPT).alias("_group"),
        pl.col("head").str.count_matches(r"\p{L}").alias("_alpha"),
        pl.col("head").str.len_chars().alias("_hlen"),
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
    normative = df["_normative"].to_numpy().astype(np.float32)
    group = df["_group"].to_numpy().astype(np.float32)
    cue = lambda c: df[c].to_numpy().astype(np.float32)  # noqa: E731
    # advice to the user that is not just "see a professional" / "anything else?"
    advice = cue("advice") * (1 - cue("seek_help")) * (1 - cue("generic_offer"))
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
        normative,
        normative * negated,
        group,
        group * normative * cue("premise_opening"),
        advice,
        np.maximum(cue("_s_boundary"), cue("_s_vague_boundary")),
        cue("_s_compliance"),
        cue("_s_clarifying_question"),
        cue("_s_alternative"),
        cue("_s_lecture"),
        np.maximum(cue("_s_policy"), cue("_s_robotic")),
    ], axis=1)
    return np.concatenate([cues, numeric], axis=1)


def extract(prompts: Sequence[str], responses: Sequence[str], *,
            bag: bool = True) -> tuple[pl.DataFrame, np.ndarray]:
    df = frame(prompts, responses, bag=bag)
    return df, matrix(df)
