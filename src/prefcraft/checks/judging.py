"""The validator's one door to the refusal judgment, and the cascade that keeps it fast at scale.

:func:`judge_responses` is the only function in the checks package that asks how a response answers
a prompt; swap it (or the engine it names) to change every refusal-shaped check at once. It calls
:func:`prefcraft.refusal.judge_many`.

Below :attr:`Context.CASCADE_MIN` rows every response is judged. Above it, cheap vectorised screens
(:data:`prefcraft.checks.text.SCREENS`) choose the candidates, and only those are judged:

* rejected: judged when it matches the broad *decline* screen and the row is not ``benign`` (where the
  rejected is expected to refuse and no check reads its judgment); otherwise it keeps the default
  ``compliance`` (a response with no decline cue at all is not a refusal);
* chosen: judged unless it is a plain, well-formed refusal — decline cue, alternative cue and reason
  cue present, no anti-pattern cue, no compliance cue, 140–700 characters — (or, for ``benign`` rows,
  has no decline cue; for ``edge_cases`` rows, is a question with no compliance or anti-pattern cue).
  Those keep the defaults ``refusal`` / ``compliance`` / ``clarification`` with a good alternative
  score and no anti-patterns.

The screens' recall against judging everything is measured in ``benchmarks/validate_accuracy.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np
import polars as pl

from prefcraft.checks.text import SCREENS, fold_expr

if TYPE_CHECKING:  # pragma: no cover
    from prefcraft.checks.context import Context

__all__ = ["judge_responses", "Judged", "judge_side", "screen_frame"]

ENGINE = "rules"
_REFUSAL_LIKE = ("refusal", "partial_refusal")


JUDGE_CHUNK = 25_000  # responses per judge_many call: bounds the judge's working memory on big inputs


def judge_responses(prompts: Sequence[str], responses: Sequence[str]) -> list:
    """THE refusal judgment the checks use: one ``prefcraft.refusal.Judgment`` per response."""
    from prefcraft.refusal import judge_many

    prompts, responses = list(prompts), list(responses)
    out: list = []
    for k in range(0, len(responses), JUDGE_CHUNK):
        out.extend(judge_many(prompts[k:k + JUDGE_CHUNK], responses[k:k + JUDGE_CHUNK], engine=ENGINE))
    return out


@dataclass
class Judged:
    """Per-position judgment of one side (chosen or rejected), as arrays."""

    kind: np.ndarray  # str: refusal | partial_refusal | compliance | clarification | unscorable
    alternative: np.ndarray  # int 1-5 (0 when the judgment has no criteria)
    anti: dict[str, np.ndarray]  # anti-pattern name -> bool
    judged: np.ndarray  # bool: judged for real (False: default kept by the cascade)

    @property
    def refusal_like(self) -> np.ndarray:
        return np.isin(self.kind, _REFUSAL_LIKE)


SCREEN_CHUNK = 200_000  # rows folded at a time: the lower-cased copy of a 1M-row column never exists at once


def screen_frame(texts: pl.Series, names: Sequence[str] | None = None) -> pl.DataFrame:
    """One boolean column per screen (all, or ``names``), plus ``chars`` and ``question``."""
    cols = [pl.col("t").str.contains(p).alias(name) for name, p in SCREENS.items() if names is None or name in names]
    cols.append(pl.col("t").str.len_chars().alias("chars"))
    cols.append(pl.col("t").str.contains("?", literal=True).alias("question"))
    parts = [pl.DataFrame({"t": texts.slice(k, SCREEN_CHUNK)}).select(fold_expr("t").alias("t")).select(cols)
             for k in range(0, max(len(texts), 1), SCREEN_CHUNK)]
    return pl.concat(parts)


def _candidates(ctx: "Context", side: str) -> tuple[np.ndarray, np.ndarray]:
    """(candidate mask, default kind per position) for the cascade."""
    group = ctx.group
    if side == "rejected":
        # only rejected-is-refusal (never on benign rows) and the shape of uncategorised pairs need it
        need = group != "benign"
        s = screen_frame(ctx.text(side).filter(pl.Series(need)), ["decline"])
        cand = np.zeros(ctx.n, dtype=bool)
        cand[np.flatnonzero(need)] = s["decline"].to_numpy()
        return cand, np.full(ctx.n, "compliance", dtype=object)
    s = screen_frame(ctx.text(side))
    dec, alt, anti = s["decline"].to_numpy(), s["alternative"].to_numpy(), s["anti"].to_numpy()
    reason, comply, chars, q = s["reason"].to_numpy(), s["comply"].to_numpy(), s["chars"].to_numpy(), s["question"].to_numpy()
    plain_refusal = dec & alt & reason & ~anti & ~comply & (chars >= 140) & (chars <= 700)
    benign_plain = (group == "benign") & ~dec
    edge_clarify = (group == "edge") & q & ~comply & ~anti & ~dec & (chars <= 700)
    default = np.where(benign_plain, "compliance", np.where(edge_clarify, "clarification", "refusal")).astype(object)
    return ~(plain_refusal | benign_plain | edge_clarify), default


def judge_side(ctx: "Context", side: str) -> Judged:
    n = ctx.n
    if ctx.cascade:
        cand, default = _candidates(ctx, side)
    else:
        cand, default = np.ones(n, dtype=bool), np.full(n, "compliance", dtype=object)
    kind = default.copy()
    alternative = np.full(n, 5, dtype=np.int8)
    from prefcraft.refusal import ANTI_PATTERNS

    anti = {a: np.zeros(n, dtype=bool) for a in ANTI_PATTERNS}
    idx = np.flatnonzero(cand)
    if len(idx):
        prompts = ctx.prompt_text
        texts = ctx.text(side)
        if len(idx) < n:
            sel = pl.Series(idx)
            prompts, texts = prompts.gather(sel), texts.gather(sel)
        js = judge_responses(prompts.to_list(), texts.to_list())
        kind[idx] = [j.kind for j in js]
        alternative[idx] = [(j.criteria or {}).get("alternative", 0) for j in js]
        for pos, j in zip(idx, js):
            for a in j.anti_patterns:
                if a in anti:
                    anti[a][pos] = True
    return Judged(kind=kind, alternative=alternative, anti=anti, judged=cand)
