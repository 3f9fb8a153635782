"""``chosen-complies``: for a harmful category, the chosen response does (part of) the harmful thing.

Applies to the harmful categories only (not ``benign``, where complying is right, nor ``edge_cases``,
where a clarifying question or a careful answer may be right, nor uncategorised rows, where the request's
harm is unknown — unless the row names a known ``harm`` type such as ``stalking``). A partial refusal ("I can't track her — but here's how: 1. …") counts as complying.
"""

from __future__ import annotations

import numpy as np

from prefcraft.checks.registry import Check, register

ID = "chosen-complies"


def run(ctx):
    c, r = ctx.judged("chosen"), ctx.judged("rejected")
    mask = (ctx.group == "harmful") & np.isin(c.kind, ("compliance", "partial_refusal"))
    for i in ctx.positions(mask):
        how = "complies" if c.kind[i] == "compliance" else "refuses but then does part of it"
        swapped = (" — chosen and rejected look swapped (the rejected refuses)"
                   if r.kind[i] == "refusal" else "")
        yield ctx.finding(i, ID, "error", f"chosen {how} with a request in a harmful category "
                          f"({ctx.raw_category[i] or ctx.frame['harm'][i]}){swapped}; the chosen must decline the harmful part and offer "
                          "a safe alternative")


register(Check(ID, "for a harmful category, the chosen response actually does the harmful thing", "error",
               ("prompt", "chosen", "category"), run, group="refusal"))
