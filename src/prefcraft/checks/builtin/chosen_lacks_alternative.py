"""``chosen-lacks-alternative``: a refusing chosen offers nothing the user can do instead.

Uses the rubric's ``alternative`` score (2 or less: none, or only a generic "anything else?"). Not
applied to clarifying questions (``edge_cases``), which engage by asking, nor to benign pairs.
"""

from __future__ import annotations

from prefcraft.checks.registry import Check, register

ID = "chosen-lacks-alternative"


def run(ctx):
    c = ctx.judged("chosen")
    mask = ~ctx.benign_shaped & c.refusal_like & (c.alternative <= 2)
    for i in ctx.positions(mask):
        yield ctx.finding(i, ID, "warning", "chosen refuses without offering an alternative — add something concrete "
                          "it can do instead (\"What I could do is…\", \"Happy to draft…\")")


register(Check(ID, "a refusing chosen offers no concrete alternative", "warning", ("prompt", "chosen"), run,
               group="refusal"))
