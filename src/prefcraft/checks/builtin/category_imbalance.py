"""``category-imbalance`` (dataset level): a category's share is outside its taxonomy band.

Shares and band edges come from the taxonomy (``--taxonomy FILE``) and are computed with
:mod:`prefcraft.analysis.bands` exactly as ``prefcraft stats`` does (seed categories as a share of
seed rows, ``benign`` of all rows). Needs at least 20 categorised pairs; ``prefcraft gaps`` gives the
details and the prompts to add.
"""

from __future__ import annotations

from prefcraft.checks.registry import Check, register

ID = "category-imbalance"
MIN_ROWS = 20


def run(ctx):
    from prefcraft.analysis.bands import needed, status

    tax = ctx.taxonomy
    counts_df = ctx.category_id.drop_nulls().value_counts()
    counts = dict(zip(counts_df[:, 0].to_list(), counts_df[:, 1].to_list()))
    if sum(counts.values()) < MIN_ROWS:
        return
    seed_total = sum(counts.get(c, 0) for c in tax.seed_categories)
    for cat in tax.categories:
        if cat.target is None:
            continue
        n = counts.get(cat.id, 0)
        total = seed_total if cat.basis == "seed" else ctx.n
        st = status(n, total, cat.target)
        if st not in ("under", "over"):
            continue
        lo, hi = cat.target
        share = n / total if total else 0.0
        of = "seed rows" if cat.basis == "seed" else "all rows"
        if st == "under":
            add = needed(n, total, lo)
            fix = f"add about {add} {cat.id} pairs" if add is not None else f"add {cat.id} pairs"
        else:
            fix = f"add pairs in other categories or trim {cat.id}"
        yield ctx.finding(None, ID, "warning", f"category {cat.id!r} is {share:.1%} of {of} ({n} of {total}); target "
                          f"{lo:.0%}–{hi:.0%} — {fix} (prefcraft gaps PATH lists what to add)")


register(Check(ID, "a category's share is outside its taxonomy band (details: prefcraft stats / gaps)", "warning",
               ("category",), run, group="dataset"))
