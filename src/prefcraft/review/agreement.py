"""Inter-reviewer agreement: percent agreement, Fleiss' kappa and pairwise Cohen's kappa.

Input is one mapping per item (a pair reviewed more than once) from reviewer to label::

    agreement([{"ana": "accept", "bo": "accept"}, {"ana": "accept", "bo": "reject", "cy": "reject"}])

Items with fewer than two raters say nothing about agreement and are ignored. Fleiss' kappa uses the
variable-raters form (each item's agreement ``P_i`` is computed over its own ``n_i`` raters); with a
constant number of raters it is exactly Fleiss (1971). A kappa is ``None`` when it is undefined (all
ratings in one category, so chance agreement is 1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

__all__ = ["agreement", "fleiss_kappa", "cohen_kappa", "percent_agreement"]


def _items(items: Iterable[Mapping[str, str]]) -> list[Mapping[str, str]]:
    return [it for it in items if len(it) >= 2]


def percent_agreement(items: Iterable[Mapping[str, str]]) -> float | None:
    """Mean over items of the share of rater pairs that agree (``P̄`` in Fleiss' notation)."""
    items = _items(items)
    if not items:
        return None
    total = 0.0
    for it in items:
        n = len(it)
        counts = Counter(it.values())
        total += sum(c * (c - 1) for c in counts.values()) / (n * (n - 1))
    return total / len(items)


def fleiss_kappa(items: Iterable[Mapping[str, str]] | Iterable[Mapping[str, int]], *,
                 counts: bool = False) -> float | None:
    """Fleiss' kappa. ``counts=True`` takes per-item category counts instead of rater → label maps."""
    rows: list[Counter] = []
    for it in items:
        c = Counter({k: int(v) for k, v in it.items()}) if counts else Counter(it.values())
        if sum(c.values()) >= 2:
            rows.append(c)
    if not rows:
        return None
    p_bar = sum(sum(v * (v - 1) for v in c.values()) / (sum(c.values()) * (sum(c.values()) - 1))
                for c in rows) / len(rows)
    totals: Counter = Counter()
    for c in rows:
        totals.update(c)
    grand = sum(totals.values())
    p_e = sum((v / grand) ** 2 for v in totals.values())
    if p_e >= 1.0 - 1e-12:
        return None
    return (p_bar - p_e) / (1.0 - p_e)


def cohen_kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's kappa for two raters' labels on the same items (same order)."""
    if len(a) != len(b):
        raise ValueError(f"cohen_kappa needs two equally long label lists (got {len(a)} and {len(b)})")
    n = len(a)
    if n == 0:
        return None
    p_o = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    p_e = sum((ca[k] / n) * (cb[k] / n) for k in set(ca) | set(cb))
    if p_e >= 1.0 - 1e-12:
        return None
    return (p_o - p_e) / (1.0 - p_e)


def agreement(items: Iterable[Mapping[str, str]]) -> dict[str, Any]:
    """All figures at once, in the JSON shape the review app and ``review stats`` show."""
    items = _items(items)
    raters = sorted({r for it in items for r in it})
    pairs = []
    for x, y in combinations(raters, 2):
        shared = [it for it in items if x in it and y in it]
        if not shared:
            continue
        la, lb = [it[x] for it in shared], [it[y] for it in shared]
        pairs.append({"reviewers": [x, y], "items": len(shared),
                      "percent_agreement": sum(p == q for p, q in zip(la, lb)) / len(shared),
                      "cohen_kappa": cohen_kappa(la, lb)})
    return {
        "items": len(items),
        "ratings": sum(len(it) for it in items),
        "reviewers": raters,
        "percent_agreement": percent_agreement(items),
        "unanimous": (sum(len(set(it.values())) == 1 for it in items) / len(items)) if items else None,
        "fleiss_kappa": fleiss_kappa(items),
        "cohen": pairs,
    }
