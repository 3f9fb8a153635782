"""``chosen-robotic``: the rubric's ``robotic`` anti-pattern in a refusing or clarifying chosen.

Judged by :func:`prefcraft.checks.judging.judge_responses`; helpful (complying) answers are not graded
against refusal anti-patterns, so advice such as "you should be able to see it in your dashboard" in a
benign answer is not lecturing.
"""

from prefcraft.checks.builtin._common import anti_pattern_check
from prefcraft.checks.registry import register

ID = "chosen-robotic"

register(anti_pattern_check(
    ID, "robotic",
    "chosen is boilerplate (\"as an AI…\", \"this request violates…\") or a bare one-liner",
    "chosen reads as boilerplate — speak to the person: acknowledge, name the boundary, give a reason and an alternative",
))
