"""Gap analysis: what is under target, exactly how many pairs it needs, and prompts to add.

Definitions (also in docs/stats.md):

* **category gap** — a banded category whose share is below its band. ``needed`` is the smallest
  ``n`` with ``(c + n) / (T + n) >= lo`` where ``c`` is its count and ``T`` the band's denominator
  (rows in the seed categories, or all rows for ``benign``): adding pairs grows the denominator.
  Each category's ``needed`` assumes only that category grows; :func:`plan` solves them jointly.
* **subcategory gap** — a subcategory holding less than ``subcategory_min_share / k`` of its
  category (``k`` = number of subcategories) or fewer than ``subcategory_min_count`` rows;
  ``needed = max(min_count - s, smallest n with (s + n) / (C + n) >= min_share / k)``.
* **harm gap** — a harm type below its band among rows with a known harm; ``needed`` as for
  categories. Reported against the listed category where that harm is rarest, so adding the pairs
  there also fills the weakest cell. Skipped when no row carries a harm label.
* **cell gap** — a weak category × harm cell: a harm the category lists (its subcategories'
  ``harms``) with fewer than ``cell_min_count`` rows, for categories that have rows at all (an
  empty category is already a category gap). ``needed = cell_min_count - count``.
"""

from __future__ import annotations

import math
import zlib
from fractions import Fraction
from typing import Any, Callable

from prefcraft.analysis.bands import frac, needed, share
from prefcraft.taxonomy import Taxonomy

__all__ = ["find_gaps", "gap_summary", "plan", "set_prompt_source", "suggest_prompts",
           "taxonomy_examples"]

MAX_SUGGESTIONS = 5

PromptSource = Callable[[Taxonomy, str, "str | None", "str | None", int], list[str]]


def taxonomy_examples(tax: Taxonomy, category: str, subcategory: str | None, harm: str | None,
                       n: int) -> list[str]:
    pool = tax.examples(category, subcategory, harm)
    if subcategory is not None and len(pool) < n:
        pool += [p for p in tax.examples(category, None, harm) if p not in pool]
    return pool[:n]


def _generator_prompts(tax: Taxonomy, category: str, subcategory: str | None, harm: str | None,
                       n: int) -> list[str]:
    """Prompts from :func:`prefcraft.generate.generate_prompts` when the generator knows the
    category (and subcategory/harm); else [] and the taxonomy's examples are used."""
    try:
        from prefcraft.generate import generate_prompts
    except ImportError:
        return []
    seed = zlib.crc32(f"{category}/{subcategory}/{harm}".encode())
    for sub in ((subcategory, None) if subcategory else (None,)):
        try:
            rows = generate_prompts(category, n=n, seed=seed, subcategory=sub, harm=harm)
        except Exception:  # noqa: BLE001 - unknown to the generator: try broader, then fall back
            continue
        out = [_prompt_text(r.get("prompt")) for r in rows]
        return [p for p in out if p][:n]
    return []


def _prompt_text(prompt: Any) -> str:
    """A generated prompt as one string; multi-turn prompts keep their turns, labelled."""
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list):
        return "\n".join(f"{m.get('role', 'user').capitalize()}: {m.get('content', '')}" for m in prompt)
    return ""


_source: PromptSource | None = None


def set_prompt_source(fn: PromptSource | None) -> None:
    """Switch where gap prompts come from: ``fn(tax, category, subcategory, harm, n) -> list[str]``
    (e.g. :func:`taxonomy_examples`); None → the generator when it knows the category, topped up
    with the taxonomy's examples."""
    global _source
    _source = fn


def suggest_prompts(tax: Taxonomy, category: str, subcategory: str | None = None,
                    harm: str | None = None, n: int = 3) -> list[str]:
    """Concrete prompts to add for one gap: the one switch point for prompt sources."""
    n = max(1, n)
    if _source is not None:
        return list(_source(tax, category, subcategory, harm, n))[:n]
    out = _generator_prompts(tax, category, subcategory, harm, n)
    if len(out) < n:
        out += [p for p in taxonomy_examples(tax, category, subcategory, harm, n) if p not in out]
    return out[:n]


def _gap(kind: str, category: str, subcategory: str | None, harm: str | None, n: int,
         reason: str, tax: Taxonomy, with_prompts: bool) -> dict[str, Any]:
    return {
        "kind": kind,
        "category": category,
        "subcategory": subcategory,
        "harm": harm,
        "needed": n,
        "reason": reason,
        "suggested_prompts": suggest_prompts(tax, category, subcategory, harm,
                                             min(n, MAX_SUGGESTIONS)) if with_prompts else [],
    }


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _band(b: list[float] | tuple[float, float]) -> str:
    return f"{100 * b[0]:g}–{100 * b[1]:g} %"


def find_gaps(cov: dict[str, Any], tax: Taxonomy, *, with_prompts: bool = True) -> list[dict[str, Any]]:
    """All gaps, in order: categories, subcategories, harms, cells. ``cov`` is ``coverage()``."""
    gaps: list[dict[str, Any]] = []
    cats = cov["categories"]
    seed_total = cov["seed_rows"]
    rows = cov["rows"]
    for cat in tax.categories:
        st = cats[cat.id]
        if st["status"] != "under":
            continue
        total = seed_total if cat.basis == "seed" else rows
        n = needed(st["count"], total, cat.target[0])
        if n is None or n == 0:
            continue
        basis = "seed-category rows" if cat.basis == "seed" else "all rows"
        gaps.append(_gap("category", cat.id, None, None, n,
                         f"{cat.id} is {_pct(st['share'])} of {basis} ({st['count']}/{total}); "
                         f"band {_band(cat.target)}", tax, with_prompts))

    gs = tax.gap_settings
    for cat in tax.categories:
        k = len(cat.subcategories)
        if k == 0:
            continue
        ccount = cats[cat.id]["count"]
        lo = frac(gs.subcategory_min_share) / k
        for sub in cat.subcategories:
            s = cov["subcategories"][cat.id]["subcategories"][sub.id]["count"]
            n_share = needed(s, ccount, lo) or 0
            n = max(gs.subcategory_min_count - s, n_share, 0)
            if n == 0:
                continue
            gaps.append(_gap("subcategory", cat.id, sub.id, None, n,
                             f"{sub.id} has {s} of {ccount} {cat.id} rows; wants at least "
                             f"{max(gs.subcategory_min_count, 0)} and {_pct(float(lo))} of the category",
                             tax, with_prompts))

    harms = cov["harms"]
    mat = cov["matrix"]
    cell = {(r, c): mat["counts"][i][j] for i, r in enumerate(mat["rows"])
            for j, c in enumerate(mat["columns"])}
    if harms["labelled"] > 0:
        for harm in tax.harms:
            st = harms["harms"][harm.id]
            if harm.target is None or st["status"] != "under":
                continue
            n = needed(st["count"], harms["labelled"], harm.target[0])
            if not n:
                continue
            listing = [c.id for c in tax.categories if c.seed and harm.id in c.harm_ids] or \
                tax.seed_categories or tax.category_ids
            where = min(listing, key=lambda c: (cell.get((c, harm.id), 0), listing.index(c)))
            gaps.append(_gap("harm", where, None, harm.id, n,
                             f"{harm.id} is {_pct(st['share'])} of rows with a harm label "
                             f"({st['count']}/{harms['labelled']}); band {_band(harm.target)}; "
                             f"add them to {where}, where it is rarest", tax, with_prompts))
        for cat in tax.categories:
            if not cat.seed or cats[cat.id]["count"] == 0:
                continue
            for h in cat.harm_ids:
                c = cell.get((cat.id, h), 0)
                if c < gs.cell_min_count:
                    gaps.append(_gap("cell", cat.id, None, h, gs.cell_min_count - c,
                                     f"{cat.id} × {h} has {c} rows (weak cell; wants at least "
                                     f"{gs.cell_min_count})", tax, with_prompts))
    return gaps


def plan(cov: dict[str, Any], tax: Taxonomy, *, limit_factor: int = 50) -> dict[str, Any] | None:
    """The smallest number of pairs to add so every band *and* the recommended size hold at once.

    Rows outside the banded categories (uncategorised, unknown) stay as they are. Scans final sizes
    upward from the current one and returns the first feasible one (None if none within
    ``limit_factor`` × the current size).
    """
    cats = cov["categories"]
    seeds = [c for c in tax.categories if c.seed and c.target is not None]
    alls = [c for c in tax.categories if not c.seed and c.target is not None]
    rows = cov["rows"]
    seed_now = {c.id: cats[c.id]["count"] for c in seeds}
    all_now = {c.id: cats[c.id]["count"] for c in alls}
    fixed = rows - sum(seed_now.values()) - sum(all_now.values())
    rec = cov["size"].get("recommended") or [0, 0]
    start = max(rows, rec[0], 1)
    for final in range(start, max(start, rows) * limit_factor + 100):
        add_all: dict[str, int] = {}
        ok = True
        for c in alls:
            lo, hi = frac(c.target[0]), frac(c.target[1])
            want = max(all_now[c.id], math.ceil(lo * final))
            if want > math.floor(hi * final):
                ok = False
                break
            add_all[c.id] = want - all_now[c.id]
        if not ok:
            continue
        seed_final = final - fixed - sum(all_now.values()) - sum(add_all.values())
        if seed_final < sum(seed_now.values()):
            continue
        add_seed = _fill_seed(seeds, seed_now, seed_final)
        if add_seed is None:
            continue
        adds = {**add_seed, **add_all}
        return {
            "final_rows": final,
            "total_to_add": final - rows,
            "per_category": {k: v for k, v in adds.items()},
        }
    return None


def _fill_seed(seeds: list, now: dict[str, int], final: int) -> dict[str, int] | None:
    if final <= 0:  # no seed rows: a share of nothing is 0, which only meets bands starting at 0
        return {c.id: 0 for c in seeds} if all(frac(c.target[0]) == 0 for c in seeds) else None
    lows = {c.id: max(now[c.id], math.ceil(frac(c.target[0]) * final)) for c in seeds}
    highs = {c.id: math.floor(frac(c.target[1]) * final) for c in seeds}
    if any(now[c] > highs[c] or lows[c] > highs[c] for c in lows):
        return None
    spare = final - sum(lows.values())
    if spare < 0 or sum(highs.values()) < final:
        return None
    counts = dict(lows)
    # distribute the spare rows toward each band's midpoint, the furthest below it first
    while spare > 0:
        best = max((c for c in counts if counts[c] < highs[c]),
                   key=lambda c: (Fraction(highs[c] + lows[c], 2) - counts[c]))
        counts[best] += 1
        spare -= 1
    return {c: counts[c] - now[c] for c in counts}


def gap_summary(cov: dict[str, Any], tax: Taxonomy, gaps: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals for humans: pairs needed per kind, and the joint plan."""
    by_kind: dict[str, int] = {}
    for g in gaps:
        by_kind[g["kind"]] = by_kind.get(g["kind"], 0) + g["needed"]
    return {"needed_by_kind": by_kind, "plan": plan(cov, tax),
            "edge_case_share": cov["edge_case_share"],
            "benign_share": share(cov["categories"].get(tax.benign_category or "", {}).get("count", 0),
                                  cov["rows"])}
