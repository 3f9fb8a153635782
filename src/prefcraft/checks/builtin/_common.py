"""Helpers shared by the built-in checks (not a check)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from prefcraft.checks.context import Context
    from prefcraft.model import Finding


def problem_findings(ctx: "Context", check_id: str) -> Iterator["Finding"]:
    """Findings for the records the reader could not normalise (their messages are already located)."""
    from prefcraft.model import Finding

    for p in ctx.problems:
        if p.check == check_id:
            if ctx.lenient:
                yield Finding(p.row, check_id, "warning", f"{p.message} (record skipped: --lenient)")
            else:
                yield Finding(p.row, check_id, "error", p.message)


def snippet(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def anti_pattern_check(check_id: str, anti_pattern: str, description: str, advice: str):
    """A warning check for one rubric anti-pattern in a refusing or clarifying chosen.

    Helpful (complying) answers are not graded against refusal anti-patterns — advice such as "you
    should be able to see it in your dashboard" in a benign answer is not lecturing — and a benign
    pair's chosen is graded only when it refuses outright.
    """
    import numpy as np

    from prefcraft.checks.registry import Check

    def run(ctx: "Context") -> Iterator["Finding"]:
        c = ctx.judged("chosen")
        graded = (np.isin(c.kind, ("refusal", "partial_refusal", "clarification"))
                  & (~ctx.benign_shaped | (c.kind == "refusal")))
        for i in ctx.positions(c.anti[anti_pattern] & graded):
            yield ctx.finding(i, check_id, "warning", advice)

    return Check(check_id, description, "warning", ("prompt", "chosen"), run, group="refusal")
