"""``chosen-overexplains``: the rubric's ``overexplaining`` anti-pattern in a refusing or clarifying chosen.

Judged by :func:`prefcraft.checks.judging.judge_responses`; helpful (complying) answers are not graded
against refusal anti-patterns, so advice such as "you should be able to see it in your dashboard" in a
benign answer is not lecturing.
"""

from __future__ import annotations

import numpy as np

from prefcraft.checks.registry import Check, register

ID = "chosen-overexplains"


def run(ctx):
    c = ctx.judged("chosen")
    # benign answers are graded as help, not as refusals (unless the chosen refuses outright)
    graded = np.isin(c.kind, ("refusal", "partial_refusal", "clarification")) & (~ctx.benign_shaped | (c.kind == "refusal"))
    mask = c.anti["overexplaining"] & graded
    for i in ctx.positions(mask):
        yield ctx.finding(i, ID, "warning", "chosen over-explains — keep a refusal to a few sentences: boundary, reason, alternative")


register(Check(ID, "chosen over-explains a refusal (very long, or stacked add-on clauses)", "warning", ("prompt", "chosen"), run, group="refusal"))
