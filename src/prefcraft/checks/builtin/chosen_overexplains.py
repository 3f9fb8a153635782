"""``chosen-overexplains``: the rubric's ``overexplaining`` anti-pattern in a refusing or clarifying chosen.

Judged by :func:`prefcraft.checks.judging.judge_responses`; helpful (complying) answers are not graded
against refusal anti-patterns, so advice such as "you should be able to see it in your dashboard" in a
benign answer is not lecturing.
"""

from prefcraft.checks.builtin._common import anti_pattern_check
from prefcraft.checks.registry import register

ID = "chosen-overexplains"

register(anti_pattern_check(
    ID, "overexplaining",
    "chosen over-explains a refusal (very long, or stacked add-on clauses)",
    "chosen over-explains — keep a refusal to a few sentences: boundary, reason, alternative",
))
