"""Analysis of a dataset against the taxonomy: returns data and strings, never prints.

* :mod:`~prefcraft.analysis.stats` — :func:`dataset_stats` (the ``prefcraft stats`` document) and
  :func:`gaps_only` (``prefcraft gaps``);
* :mod:`~prefcraft.analysis.coverage` — counts, shares, band statuses, category × harm matrix, size;
* :mod:`~prefcraft.analysis.bands` — exact band arithmetic (``needed``, inclusive edges);
* :mod:`~prefcraft.analysis.gaps` — gaps, how many pairs each needs, prompts to add, joint plan;
* :mod:`~prefcraft.analysis.autotag` — suggested categories for uncategorised prompts;
* :mod:`~prefcraft.analysis.report` — the self-contained HTML report (``report`` extra).
"""

from __future__ import annotations

from prefcraft.analysis.stats import dataset_stats, gaps_only

__all__ = ["dataset_stats", "gaps_only"]
