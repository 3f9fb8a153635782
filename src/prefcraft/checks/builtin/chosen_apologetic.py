"""``chosen-apologetic``: the rubric's ``apologetic`` anti-pattern in a refusing or clarifying chosen.

Judged by :func:`prefcraft.checks.judging.judge_responses`; helpful (complying) answers are not graded
against refusal anti-patterns, so advice such as "you should be able to see it in your dashboard" in a
benign answer is not lecturing.
"""

from prefcraft.checks.builtin._common import anti_pattern_check
from prefcraft.checks.registry import register

ID = "chosen-apologetic"

register(anti_pattern_check(
    ID, "apologetic",
    "chosen over-apologises (stacked or intensified apologies)",
    "chosen over-apologises — one plain \"sorry, but\" at most; spend the words on the alternative",
))
