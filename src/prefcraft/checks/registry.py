"""The check registry: it owns check ids, rejects duplicates and lists what exists.

A check is a :class:`Check`: a stable ``id``, a one-line ``description``, the ``severity`` of its
findings, the dataset ``fields`` it reads, and ``run(ctx) -> Iterable[Finding]`` over a
:class:`~prefcraft.checks.context.Context`. Built-ins are registered exactly the way an extension is::

    from prefcraft.checks import Check, register

    def run(ctx):
        texts = ctx.chosen_text
        for i in ctx.where_mask(texts.str.contains("lorem ipsum")):
            yield ctx.finding(i, "chosen-placeholder", "warning", "chosen still holds placeholder text — write it")

    register(Check("chosen-placeholder", "chosen holds placeholder text", "warning", ("chosen",), run))

``requires`` names options a check needs (``"against"``, ``"tokenizer"``): without them it is not run
(and is listed as not applicable, not as skipped).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from prefcraft.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from prefcraft.checks.context import Context
    from prefcraft.model import Finding

__all__ = ["Check", "BUILTIN_CHECKS", "register", "unregister", "get", "available", "ids", "load_builtins"]

SEVERITIES = ("error", "warning", "info")
GROUPS = ("schema", "content", "refusal", "duplicates", "dataset")


@dataclass(frozen=True)
class Check:
    id: str
    description: str  # one line
    severity: str  # the severity of its findings ("too-long" also emits errors, see its module)
    fields: tuple[str, ...]  # dataset fields it reads
    run: Callable[["Context"], Iterable["Finding"]] = field(repr=False, compare=False)
    group: str = "content"
    requires: tuple[str, ...] = ()  # options it needs: "against", "tokenizer"
    # optional ``prefetch(ctx)``: heavy work (filling ``ctx.memo`` keys) that may start early in a
    # background thread on large inputs; ``run`` must give the same findings with or without it
    prefetch: Callable[["Context"], object] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise UsageError(f"check {self.id!r}: severity must be one of {', '.join(SEVERITIES)} "
                             f"(got {self.severity!r})")
        if not self.id or self.id != self.id.strip().lower() or " " in self.id:
            raise UsageError(f"check id {self.id!r} must be lower-case kebab-case, e.g. 'chosen-too-short'")

    def to_dict(self) -> dict:
        return {"id": self.id, "description": self.description, "severity": self.severity,
                "fields": list(self.fields), "group": self.group, "requires": list(self.requires)}


# One module per built-in check, loaded like any plugin: each calls ``register`` at import.
BUILTIN_CHECKS = (
    "missing_field", "wrong_type", "empty_text", "mixed_format", "bad_roles", "bad_json", "unknown_category",
    "chosen_too_short", "rejected_too_short", "identical_responses", "low_contrast",
    "rejected_is_refusal", "chosen_complies", "chosen_overrefuses", "chosen_lacks_alternative",
    "chosen_lectures", "chosen_apologetic", "chosen_robotic", "chosen_vague", "chosen_overexplains",
    "duplicate_prompt", "near_duplicate_prompt", "split_leakage",
    "length_bias", "category_imbalance", "too_long",
)

_REGISTRY: dict[str, Check] = {}
_loaded = False


def register(check: Check) -> Check:
    """Add a check; a second check with the same id is refused (unregister the first to replace it)."""
    if not isinstance(check, Check):
        raise UsageError(f"register() takes a prefcraft.checks.Check (got {type(check).__name__})")
    if check.id in _REGISTRY:
        raise UsageError(f"a check with id {check.id!r} is already registered; pick another id, or call "
                         f"prefcraft.checks.unregister({check.id!r}) first to replace it")
    _REGISTRY[check.id] = check
    return check


def unregister(check_id: str) -> None:
    _REGISTRY.pop(check_id, None)


def load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in BUILTIN_CHECKS:
        importlib.import_module(f"prefcraft.checks.builtin.{name}")


def available() -> list[Check]:
    """Every registered check, built-ins first, in registration order."""
    load_builtins()
    return list(_REGISTRY.values())


def ids() -> list[str]:
    return [c.id for c in available()]


def get(check_id: str) -> Check:
    load_builtins()
    try:
        return _REGISTRY[check_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(check_id, list(_REGISTRY), n=1)
        hint = f" — did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"unknown check {check_id!r}{hint}; `prefcraft checks` lists them") from None
