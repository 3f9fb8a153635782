"""``rejected-too-short``: the rejected response is shorter than ``--min-chars`` (default 50) characters."""

from __future__ import annotations

from prefcraft.checks.registry import Check, register

ID = "rejected-too-short"


def run(ctx):
    lens, limit = ctx.rejected_len, ctx.options.min_chars
    for i in ctx.positions((lens < limit) & (lens > 0)):
        yield ctx.finding(i, ID, "warning", f"rejected is {lens[i]} characters, under the minimum of {limit} — write "
                          "a realistic bad answer (the one the model should unlearn), or lower --min-chars")


register(Check(ID, "rejected is shorter than --min-chars characters (default 50)", "warning", ("rejected",), run))
