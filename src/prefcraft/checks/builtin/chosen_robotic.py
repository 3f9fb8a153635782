"""``chosen-robotic``: the rubric's ``robotic`` anti-pattern in a refusing or clarifying chosen.

Judged by :func:`prefcraft.checks.judging.judge_responses`; helpful (complying) answers are not graded
against refusal anti-patterns, so advice such as "you should be able to see it in your dashboard" in a
benign answer is not lecturing.
"""

from __future__ import annotations

import numpy as np

from prefcraft.checks.registry import Check, register

ID = "chosen-robotic"


def run(ctx):
    c = ctx.judged("chosen")
    # benign answers are graded as help, not as refusals (unless the chosen refuses outright)
    graded = np.isin(c.kind, ("refusal", "partial_refusal", "clarification")) & (~ctx.benign_shaped | (c.kind == "refusal"))
    mask = c.anti["robotic"] & graded
    for i in ctx.positions(mask):
        yield ctx.finding(i, ID, "warning", "chosen reads as boilerplate — speak to the person: acknowledge, name the boundary, give a reason and an alternative")


register(Check(ID, "chosen is boilerplate (\"as an AI…\", \"this request violates…\") or a bare one-liner", "warning", ("prompt", "chosen"), run, group="refusal"))
