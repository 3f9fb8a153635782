"""Band arithmetic, exact: shares are compared as fractions so edges are truly inclusive.

``needed(c, T, lo)`` is the smallest ``n >= 0`` with ``(c + n) / (T + n) >= lo`` (and ``T + n > 0``):
adding ``n`` pairs to a category also grows the denominator, so the answer is
``ceil((lo*T - c) / (1 - lo))``, not ``ceil(lo*T) - c``.
"""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = ["frac", "needed", "share", "size_status", "status"]


def frac(x: float | int | Fraction) -> Fraction:
    """The decimal a human wrote (0.15 → 3/20), not its binary float approximation."""
    if isinstance(x, Fraction):
        return x
    return Fraction(str(x))


def share(count: int, total: int) -> float:
    return count / total if total else 0.0


def status(count: int, total: int, band: tuple[float, float] | None) -> str:
    """``"under"`` / ``"within"`` / ``"over"`` (edges inclusive) or ``"untargeted"`` without a band.

    An empty denominator has share 0: ``"under"`` unless the band starts at 0.
    """
    if band is None:
        return "untargeted"
    lo, hi = frac(band[0]), frac(band[1])
    s = Fraction(count, total) if total else Fraction(0)
    if s < lo:
        return "under"
    if s > hi:
        return "over"
    return "within"


def needed(count: int, total: int, lo: float | Fraction) -> int | None:
    """Smallest n >= 0 such that ``(count + n) / (total + n) >= lo`` with ``total + n > 0``.

    Returns None when no n exists (``lo == 1`` and other rows are present).
    """
    lo = frac(lo)
    if lo <= 0:
        return 0
    if total > 0 and Fraction(count, total) >= lo:
        return 0
    if lo >= 1:
        return 1 if total == 0 else None  # only all-in-this-category reaches a band starting at 1
    n = math.ceil((lo * total - count) / (1 - lo))
    n = max(n, 0)
    if total + n == 0:
        n = 1
    return n


def size_status(rows: int, minimum: int, recommended: tuple[int, int]) -> str:
    if rows < minimum:
        return "below_minimum"
    if rows < recommended[0]:
        return "below_recommended"
    return "ok"
