"""``chosen-vague``: the rubric's ``vague`` anti-pattern in a refusing or clarifying chosen.

Judged by :func:`prefcraft.checks.judging.judge_responses`; helpful (complying) answers are not graded
against refusal anti-patterns, so advice such as "you should be able to see it in your dashboard" in a
benign answer is not lecturing.
"""

from prefcraft.checks.builtin._common import anti_pattern_check
from prefcraft.checks.registry import register

ID = "chosen-vague"

register(anti_pattern_check(
    ID, "vague",
    "chosen's boundary is vague (\"that kind of thing\") or names neither the act nor a reason",
    "chosen is vague about what it won't do — name the act and why (\"I won't track her location without her consent\")",
))
