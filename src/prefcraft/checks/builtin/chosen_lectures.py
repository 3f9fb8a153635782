"""``chosen-lectures``: the rubric's ``lecturing`` anti-pattern in a refusing or clarifying chosen.

Judged by :func:`prefcraft.checks.judging.judge_responses`; helpful (complying) answers are not graded
against refusal anti-patterns, so advice such as "you should be able to see it in your dashboard" in a
benign answer is not lecturing.
"""

from prefcraft.checks.builtin._common import anti_pattern_check
from prefcraft.checks.registry import register

ID = "chosen-lectures"

register(anti_pattern_check(
    ID, "lecturing",
    "chosen moralises at the user (\"you should\", \"how dare\", \"it's wrong\")",
    "chosen lectures the user — state the boundary once, with a brief reason, and drop the moralising",
))
