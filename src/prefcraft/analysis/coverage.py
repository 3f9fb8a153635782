"""Coverage statistics of a dataset against a taxonomy: counts, shares, bands, matrix, size.

Everything here returns plain data (dicts/lists of JSON types); nothing prints.

Shares:
  * seed categories (``seed: true``) — count / rows in the seed categories;
  * other banded categories (``benign``) — count / all rows;
  * subcategories — count / rows of their category;
  * harms — count / rows whose harm resolves to a known harm type.
Category values are resolved through the taxonomy's aliases; values that resolve to nothing are
reported under ``unknown_categories`` and rows without a value under ``uncategorised``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import polars as pl

from prefcraft.analysis.bands import share, size_status, status
from prefcraft.taxonomy import Taxonomy

__all__ = ["Labels", "category_stats", "coverage", "harm_stats", "matrix", "resolve_labels",
           "size_stats", "subcategory_stats"]


class Labels:
    """Per-row resolved labels (None where missing or unknown) plus the raw values."""

    def __init__(self, raw_cat: list[str | None], raw_sub: list[str | None],
                 raw_harm: list[str | None], tax: Taxonomy) -> None:
        self.raw_category = [_clean(x) for x in raw_cat]
        self.raw_subcategory = [_clean(x) for x in raw_sub]
        self.raw_harm = [_clean(x) for x in raw_harm]
        self.category = [tax.resolve_category(x) for x in self.raw_category]
        self.subcategory = [
            tax.resolve_subcategory(s, c) if c is not None else tax.resolve_subcategory(s)
            for s, c in zip(self.raw_subcategory, self.category)
        ]
        # a subcategory given without (or with an unknown) category implies its parent
        for i, (c, s) in enumerate(zip(self.category, self.subcategory)):
            if c is None and s is not None and self.raw_category[i] is None:
                self.category[i] = tax.parent_of(s)
        self.harm = [tax.resolve_harm(x) for x in self.raw_harm]

    def __len__(self) -> int:
        return len(self.category)

    @property
    def uncategorised_rows(self) -> list[int]:
        return [i for i, (c, r) in enumerate(zip(self.category, self.raw_category))
                if c is None and r is None]

    @property
    def unknown_rows(self) -> list[int]:
        return [i for i, (c, r) in enumerate(zip(self.category, self.raw_category))
                if c is None and r is not None]


def _clean(x: Any) -> str | None:
    if x is None:
        return None
    s = str(x).strip()
    return s or None


def resolve_labels(ds_or_frame: Any, tax: Taxonomy) -> Labels:
    frame: pl.DataFrame = getattr(ds_or_frame, "frame", ds_or_frame)
    cols = {}
    for name in ("category", "subcategory", "harm"):
        cols[name] = frame.get_column(name).cast(pl.Utf8).to_list() if name in frame.columns \
            else [None] * frame.height
    return Labels(cols["category"], cols["subcategory"], cols["harm"], tax)


def category_stats(labels: Labels, tax: Taxonomy) -> dict[str, dict[str, Any]]:
    counts = Counter(c for c in labels.category if c is not None)
    seeds = set(tax.seed_categories)
    seed_total = sum(counts[c] for c in seeds)
    rows = len(labels)
    out: dict[str, dict[str, Any]] = {}
    for cat in tax.categories:
        n = counts.get(cat.id, 0)
        total = seed_total if cat.basis == "seed" else rows
        band = cat.target
        out[cat.id] = {
            "count": n,
            "share": share(n, total),
            "share_of": cat.basis,
            "target": list(band) if band is not None else None,
            "status": status(n, total, band),
        }
    return out


def subcategory_stats(labels: Labels, tax: Taxonomy) -> dict[str, dict[str, Any]]:
    """Per category: subcategory counts, share of the category, and unlabelled/unknown counts."""
    out: dict[str, dict[str, Any]] = {}
    cat_counts = Counter(c for c in labels.category if c is not None)
    pairs = Counter((c, s) for c, s in zip(labels.category, labels.subcategory) if c is not None)
    for cat in tax.categories:
        total = cat_counts.get(cat.id, 0)
        subs = {
            s.id: {"count": pairs.get((cat.id, s.id), 0),
                   "share": share(pairs.get((cat.id, s.id), 0), total)}
            for s in cat.subcategories
        }
        unknown = Counter(
            raw for c, s, raw in zip(labels.category, labels.subcategory, labels.raw_subcategory)
            if c == cat.id and s is None and raw is not None
        )
        out[cat.id] = {
            "subcategories": subs,
            "unlabelled": pairs.get((cat.id, None), 0) - sum(unknown.values()),
            "unknown": dict(unknown.most_common()),
        }
    return out


def harm_stats(labels: Labels, tax: Taxonomy) -> dict[str, Any]:
    counts = Counter(h for h in labels.harm if h is not None)
    total = sum(counts.values())
    unknown = Counter(r for h, r in zip(labels.harm, labels.raw_harm) if h is None and r is not None)
    harms = {
        h.id: {"count": counts.get(h.id, 0), "share": share(counts.get(h.id, 0), total),
               "target": list(h.target) if h.target else None,
               "status": status(counts.get(h.id, 0), total, h.target) if total else
               ("untargeted" if h.target is None else "under")}
        for h in tax.harms
    }
    missing = sum(1 for h, r in zip(labels.harm, labels.raw_harm) if r is None)
    return {"labelled": total, "missing": missing, "unknown": dict(unknown.most_common()),
            "harms": harms}


def matrix(labels: Labels, tax: Taxonomy) -> dict[str, Any]:
    """Category × harm counts; the ``none`` column counts rows without a (known) harm."""
    cols = tax.harm_ids + ["none"]
    cells = Counter((c, h or "none") for c, h in zip(labels.category, labels.harm) if c is not None)
    return {
        "rows": tax.category_ids,
        "columns": cols,
        "counts": [[cells.get((c, h), 0) for h in cols] for c in tax.category_ids],
    }


def size_stats(rows: int, tax: Taxonomy, use_case: str | None) -> dict[str, Any]:
    name = use_case or tax.default_use_case
    if name is None:
        return {"use_case": None, "minimum": 0, "recommended": [0, 0], "status": "ok",
                "needed_for_minimum": 0, "needed_for_recommended": 0}
    uc = tax.use_case(name)
    return {
        "use_case": name,
        "minimum": uc.minimum,
        "recommended": list(uc.recommended),
        "status": size_status(rows, uc.minimum, uc.recommended),
        "needed_for_minimum": max(0, uc.minimum - rows),
        "needed_for_recommended": max(0, uc.recommended[0] - rows),
    }


def coverage(ds: Any, tax: Taxonomy, use_case: str | None = None,
             labels: Labels | None = None) -> dict[str, Any]:
    """Counts, shares and band statuses (no lengths/diversity — see :mod:`prefcraft.analysis.stats`)."""
    labels = labels or resolve_labels(ds, tax)
    rows = len(labels)
    cats = category_stats(labels, tax)
    edge = tax.edge_case_category
    return {
        "rows": rows,
        "categories": cats,
        "seed_rows": sum(cats[c]["count"] for c in tax.seed_categories),
        "edge_case_share": cats[edge]["share"] if edge in cats else 0.0,
        "size": size_stats(rows, tax, use_case),
        "uncategorised": {"count": len(labels.uncategorised_rows),
                          "rows": labels.uncategorised_rows},
        "unknown_categories": {
            "count": len(labels.unknown_rows),
            "values": dict(Counter(labels.raw_category[i] for i in labels.unknown_rows).most_common()),
            "rows": labels.unknown_rows,
        },
        "subcategories": subcategory_stats(labels, tax),
        "harms": harm_stats(labels, tax),
        "matrix": matrix(labels, tax),
    }
