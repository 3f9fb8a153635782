"""Band arithmetic: inclusive edges and the exact `needed` definition."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prefcraft.analysis.bands import needed, size_status, status


@pytest.mark.parametrize("count,total,band,expected", [
    (5, 20, (0.25, 0.35), "within"),      # exactly the lower edge
    (7, 20, (0.25, 0.35), "within"),      # exactly the upper edge
    (3, 20, (0.15, 0.25), "within"),      # 0.15 is 3/20 exactly, not the float 0.1499999…
    (2, 20, (0.10, 0.15), "within"),
    (4, 20, (0.15, 0.20), "within"),
    (4, 19, (0.15, 0.20), "over"),
    (2, 21, (0.10, 0.15), "under"),
    (0, 0, (0.10, 0.15), "under"),
    (0, 0, (0.0, 0.15), "within"),
    (3, 10, None, "untargeted"),
])
def test_status_edges_inclusive(count, total, band, expected):
    assert status(count, total, band) == expected


@pytest.mark.parametrize("count,total,lo,expected", [
    (10, 100, 0.25, 20),   # 30/120 = 0.25 exactly; 29/119 < 0.25
    (25, 100, 0.25, 0),
    (0, 0, 0.25, 1),       # an empty denominator needs one row
    (0, 7, 0.10, 1),       # 1/8 >= 0.10
    (1, 7, 0.15, 1),       # 2/8
    (1, 7, 0.20, 1),       # 2/8
    (1, 12, 0.10, 1),      # 2/13
    (0, 151, 0.20, 38),    # 38/189 = 0.2011; 37/188 = 0.1968
    (12, 151, 0.10, 4),    # 16/155 = 0.1032; 15/154 = 0.0974
    (3, 3, 1.0, 0),
    (2, 3, 1.0, None),     # impossible: the other row stays
    (0, 5, 0.0, 0),
])
def test_needed(count, total, lo, expected):
    assert needed(count, total, lo) == expected


@given(st.integers(0, 400), st.integers(0, 400), st.integers(1, 99))
def test_needed_is_the_smallest_n(count, extra, pct):
    total = count + extra
    lo = Fraction(pct, 100)
    n = needed(count, total, pct / 100)
    assert n is not None and total + n > 0
    assert Fraction(count + n, total + n) >= lo
    if n > 0 and total + n - 1 > 0:
        assert Fraction(count + n - 1, total + n - 1) < lo


@pytest.mark.parametrize("rows,expected", [(19, "below_minimum"), (20, "below_recommended"),
                                           (49, "below_recommended"), (50, "ok"), (500, "ok")])
def test_size_status(rows, expected):
    assert size_status(rows, 20, (50, 100)) == expected
