"""``chosen-too-short``: the chosen response is shorter than ``--min-chars`` (default 50) characters."""

from __future__ import annotations

from prefcraft.checks.registry import Check, register

ID = "chosen-too-short"


def run(ctx):
    lens, limit = ctx.chosen_len, ctx.options.min_chars
    for i in ctx.positions((lens < limit) & (lens > 0)):
        yield ctx.finding(i, ID, "warning", f"chosen is {lens[i]} characters, under the minimum of {limit} — give "
                          "the boundary, a brief reason and an alternative (or lower --min-chars)")


register(Check(ID, "chosen is shorter than --min-chars characters (default 50)", "warning", ("chosen",), run))
