"""Aggregate judgments into the ``summary`` object of ``prefcraft score --format json``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from prefcraft.refusal.judgment import ANTI_PATTERNS, CRITERIA, KINDS, Judgment


def summarise(judgments: Sequence[Judgment], *, engine: str = "rules", field: str | None = None) -> dict[str, Any]:
    """Counts per kind and anti-pattern, mean part scores and mean/min overall over graded rows."""
    kinds = Counter(j.kind for j in judgments)
    graded = [j for j in judgments if j.criteria is not None]
    overall = [j.overall for j in graded if j.overall is not None]
    anti = Counter(a for j in graded for a in j.anti_patterns)
    return {
        "count": len(judgments),
        "engine": engine,
        "field": field,
        "kinds": {k: kinds.get(k, 0) for k in KINDS},
        "refusal_like": kinds.get("refusal", 0) + kinds.get("partial_refusal", 0),
        "graded": len(graded),
        "mean_overall": round(sum(overall) / len(overall), 3) if overall else None,
        "min_overall": min(overall) if overall else None,
        "mean_criteria": ({c: round(sum(j.criteria[c] for j in graded) / len(graded), 3) for c in CRITERIA}
                          if graded else None),
        "anti_patterns": {a: anti.get(a, 0) for a in ANTI_PATTERNS},
    }
