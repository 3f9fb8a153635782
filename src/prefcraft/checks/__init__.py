"""Dataset validation: one check per module, a registry, and :func:`validate`.

>>> from prefcraft.checks import validate
>>> report = validate("pairs.jsonl")            # or a Dataset, or a list of PreferencePair
>>> report.has_errors, [f.check for f in report.findings][:3]

Checks live in ``prefcraft/checks/builtin/`` (one module each) and register themselves through
:func:`register`, exactly as an extension does. ``prefcraft checks`` lists them; docs/validate.md
describes each one.
"""

from __future__ import annotations

from prefcraft.checks.context import Context, Options
from prefcraft.checks.registry import Check, available, get, ids, register, unregister
from prefcraft.checks.report import ValidationReport
from prefcraft.checks.runner import select_checks, validate

__all__ = ["Check", "Context", "Options", "ValidationReport", "available", "get", "ids", "register",
           "select_checks", "unregister", "validate"]
