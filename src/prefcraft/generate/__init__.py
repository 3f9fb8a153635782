"""Generation: the prompt variation engine, response composers, the quality gate and the built-in
Task-API dataset (``prefcraft build``).

>>> from prefcraft.generate import build_dataset
>>> ds = build_dataset(size=300, seed=0)          # doctest: +SKIP

Everything the generator says lives in YAML under ``generate/data/`` (scenarios per harm, framings,
injection wrappers, edge cases, benign look-alikes and the response phrase banks).
See docs/generate.md.
"""

from __future__ import annotations

from prefcraft.generate.build import (BuildReport, build_dataset, fill_gaps, generate_prompts,
                                      plan_counts)
from prefcraft.generate.gate import GateReport, quality_gate

__all__ = ["BuildReport", "GateReport", "build_dataset", "fill_gaps", "generate_prompts", "plan_counts",
           "quality_gate"]
