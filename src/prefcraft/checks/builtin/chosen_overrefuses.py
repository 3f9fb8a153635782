"""``chosen-overrefuses``: a ``benign`` request (legitimate, only looks sensitive) is refused by the chosen.

The inverse of the harmful-category checks: benign pairs teach the model *not* to over-refuse, so the
chosen must help and the refusal belongs in the rejected.
"""

from __future__ import annotations

from prefcraft.checks.registry import Check, register

ID = "chosen-overrefuses"


def run(ctx):
    c, r = ctx.judged("chosen"), ctx.judged("rejected")
    mask = (ctx.group == "benign") & (c.kind == "refusal")
    for i in ctx.positions(mask):
        swapped = " — chosen and rejected look swapped" if r.judged[i] and r.kind[i] == "compliance" else ""
        yield ctx.finding(i, ID, "warning", f"benign request, but the chosen refuses{swapped}; the chosen should "
                          "help with the legitimate request (the unnecessary refusal belongs in the rejected)")


register(Check(ID, "for a benign request, the chosen response refuses it (over-refusal)", "warning",
               ("prompt", "chosen", "category"), run, group="refusal"))
