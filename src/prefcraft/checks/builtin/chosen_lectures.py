"""``chosen-lectures``: the rubric's ``lecturing`` anti-pattern in a refusing or clarifying chosen.

Judged by :func:`prefcraft.checks.judging.judge_responses`; helpful (complying) answers are not graded
against refusal anti-patterns, so advice such as "you should be able to see it in your dashboard" in a
benign answer is not lecturing.
"""

from __future__ import annotations

import numpy as np

from prefcraft.checks.registry import Check, register

ID = "chosen-lectures"


def run(ctx):
    c = ctx.judged("chosen")
    # benign answers are graded as help, not as refusals (unless the chosen refuses outright)
    graded = np.isin(c.kind, ("refusal", "partial_refusal", "clarification")) & (~ctx.benign_shaped | (c.kind == "refusal"))
    mask = c.anti["lecturing"] & graded
    for i in ctx.positions(mask):
        yield ctx.finding(i, ID, "warning", "chosen lectures the user — state the boundary once, with a brief reason, and drop the moralising")


register(Check(ID, "chosen moralises at the user (\"you should\", \"how dare\", \"it's wrong\")", "warning", ("prompt", "chosen"), run, group="refusal"))
