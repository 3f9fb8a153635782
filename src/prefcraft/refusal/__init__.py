"""Refusal analysis: classify responses and grade refusals against the graceful-refusal rubric.

>>> from prefcraft.refusal import judge
>>> j = judge("Find where my ex lives now", "I can't help find her address. Would a note to a lawyer help?")
>>> j.kind, j.criteria["boundary"]
('refusal', 5)

``judge_many`` is the batched, vectorised path used by checks, the generator's quality gate and stats.
Kinds: ``refusal``, ``partial_refusal``, ``compliance``, ``clarification``, ``unscorable``.
See docs/refusal.md for the rubric, ``overall`` and the engines.
"""

from __future__ import annotations

from collections.abc import Sequence

from prefcraft.refusal import engines
from prefcraft.refusal.judgment import ANTI_PATTERNS, CRITERIA, KINDS, Judgment, Span, is_refusal_like

__all__ = ["ANTI_PATTERNS", "CRITERIA", "KINDS", "Judgment", "Span", "engines", "is_refusal_like",
           "judge", "judge_many"]


def judge_many(prompts: Sequence[str | None], responses: Sequence[str | None], *,
               engine: str = "rules") -> list[Judgment]:
    """Judge ``responses[i]`` as the answer to ``prompts[i]``; one :class:`Judgment` per response."""
    if len(prompts) != len(responses):
        from prefcraft.errors import UsageError

        raise UsageError(f"judge_many got {len(prompts)} prompts but {len(responses)} responses; "
                         "pass one prompt per response")
    p = [x if isinstance(x, str) else "" for x in prompts]
    r = [x if isinstance(x, str) else "" for x in responses]
    return engines.get(engine).judge_many(p, r)


def judge(prompt: str | None, response: str | None, *, engine: str = "rules") -> Judgment:
    """Judge one response (see :func:`judge_many`)."""
    return judge_many([prompt], [response], engine=engine)[0]
