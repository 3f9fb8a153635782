"""prefcraft: build, validate, judge, analyse and export DPO safety preference datasets."""

from __future__ import annotations

__version__ = "0.1.0"

from prefcraft.errors import InputError, MissingExtraError, PrefcraftError, UsageError
from prefcraft.io import load, read
from prefcraft.model import Dataset, Finding, PreferencePair, content_hash
from prefcraft.checks import ValidationReport, validate

__all__ = [
    "__version__",
    "Dataset",
    "Finding",
    "InputError",
    "MissingExtraError",
    "PreferencePair",
    "PrefcraftError",
    "UsageError",
    "ValidationReport",
    "content_hash",
    "load",
    "read",
    "validate",
]
