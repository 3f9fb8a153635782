"""``rejected-is-refusal``: the rejected response is itself a refusal.

For a harmful request the rejected should be the harmful (complying) answer; a refusal there teaches the
model to push refusals down. Not applied to ``benign`` pairs (there the rejected *is* the unnecessary
refusal) nor to ``edge_cases`` pairs whose chosen clarifies or helps (an over-refusal is a fair
rejected there). Uncategorised pairs shaped like a benign pair (chosen complies, rejected refuses) are
treated as benign. Judged by :func:`prefcraft.checks.judging.judge_responses`.
"""

from __future__ import annotations


from prefcraft.checks.registry import Check, register

ID = "rejected-is-refusal"


def run(ctx):
    r, c = ctx.judged("rejected"), ctx.judged("chosen")
    g = ctx.group
    applies = ~ctx.benign_shaped & ((g == "harmful") | (g == "unknown") | c.refusal_like)
    mask = applies & (r.kind == "refusal")
    for i in ctx.positions(mask):
        both = "; the chosen refuses too" if c.refusal_like[i] else ""
        yield ctx.finding(i, ID, "warning", f"rejected reads as a refusal{both} — for a harmful request the rejected "
                          "should be the answer that complies; if this pair contrasts refusal styles on purpose, "
                          "ignore this, otherwise rewrite the rejected")


register(Check(ID, "for a harmful request, the rejected response is itself a refusal", "warning",
               ("prompt", "rejected", "chosen", "category"), run, group="refusal"))
