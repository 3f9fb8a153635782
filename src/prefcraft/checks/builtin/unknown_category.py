"""``unknown-category``: a category that is not in the taxonomy in use (ids and aliases accepted)."""

from __future__ import annotations

import difflib

from prefcraft.checks.registry import Check, register

ID = "unknown-category"


def run(ctx):
    raw = ctx.raw_category
    mask = raw.is_not_null() & ctx.category_id.is_null()
    if not mask.any():
        return
    ids = ctx.taxonomy.category_ids
    for i in ctx.positions(mask):
        value = raw[i]
        close = difflib.get_close_matches(value.lower().replace(" ", "_"), ids, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        yield ctx.finding(i, ID, "warning", f"category {value!r} is not in the taxonomy ({', '.join(ids)}) — "
                          f"{hint}use one of them, or add it to your taxonomy and pass --taxonomy FILE")


register(Check(ID, "the category is not in the taxonomy in use (--taxonomy FILE)", "warning", ("category",), run,
               group="schema"))
