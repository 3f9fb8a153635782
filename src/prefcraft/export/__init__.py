"""Export for TRL and the Hugging Face ecosystem (plus OpenAI, LLaMA-Factory and KTO), with a pre-flight.

>>> from prefcraft.export import export
>>> result = export("pairs.jsonl", "out/trl")          # DatasetDict (train/test) + JSONL + README.md card
>>> result.splits, [f.check for f in result.findings]

See docs/export.md.
"""

from __future__ import annotations

from prefcraft.export.core import FORMATS, MANIFEST, ExportResult, PreflightError, export, export_trl
from prefcraft.export.splits import SplitResult, near_duplicate_pairs, split_dataset
from prefcraft.export.targets import TARGETS
from prefcraft.export.templates import resolve_chat_template, trl_template_names

__all__ = ["FORMATS", "MANIFEST", "TARGETS", "ExportResult", "PreflightError", "SplitResult", "export",
           "export_trl", "near_duplicate_pairs", "resolve_chat_template", "split_dataset", "trl_template_names"]
