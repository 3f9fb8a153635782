"""prefcraft: build, validate, judge, analyse and export DPO safety preference datasets."""

from __future__ import annotations

__version__ = "0.1.0"

from prefcraft.errors import InputError, MissingExtraError, PrefcraftError, UsageError
from prefcraft.io import load, read
from prefcraft.model import Dataset, Finding, PreferencePair, content_hash
from prefcraft.checks import ValidationReport, validate
from prefcraft.refusal import Judgment, judge, judge_many
from prefcraft.taxonomy import Taxonomy, load_taxonomy
# ``prefcraft.export`` is a callable package: ``prefcraft.export(ds, out)`` runs the CLI's twin
from prefcraft import export
from prefcraft.export import ExportResult

__all__ = [
    "__version__",
    "Dataset",
    "ExportResult",
    "Finding",
    "InputError",
    "Judgment",
    "MissingExtraError",
    "PreferencePair",
    "PrefcraftError",
    "Taxonomy",
    "UsageError",
    "ValidationReport",
    "content_hash",
    "export",
    "judge",
    "judge_many",
    "load",
    "load_taxonomy",
    "read",
    "validate",
]
