"""Export for TRL and the Hugging Face ecosystem (plus OpenAI, LLaMA-Factory and KTO), with a pre-flight.

>>> from prefcraft.export import export
>>> result = export("pairs.jsonl", "out/trl")          # DatasetDict (train/test) + JSONL + README.md card
>>> result.splits, [f.check for f in result.findings]

See docs/export.md.
"""

from __future__ import annotations

import sys
import types

from prefcraft.export.core import FORMATS, MANIFEST, ExportResult, PreflightError, export, export_trl
from prefcraft.export.splits import SplitResult, near_duplicate_pairs, split_dataset
from prefcraft.export.targets import TARGETS
from prefcraft.export.templates import resolve_chat_template, trl_template_names



class _CallableModule(types.ModuleType):
    """``prefcraft.export(dataset, out, ...)`` calls :func:`export`, while ``prefcraft.export.<submodule>``
    keeps working (a plain function bound over the package name would hide its submodules)."""

    def __call__(self, *args, **kwargs) -> ExportResult:
        return export(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

__all__ = ["FORMATS", "MANIFEST", "TARGETS", "ExportResult", "PreflightError", "SplitResult", "export",
           "export_trl", "near_duplicate_pairs", "resolve_chat_template", "split_dataset", "trl_template_names"]
