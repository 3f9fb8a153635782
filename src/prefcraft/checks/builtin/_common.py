"""Helpers shared by the built-in checks (not a check)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from prefcraft.checks.context import Context
    from prefcraft.model import Finding


def problem_findings(ctx: "Context", check_id: str) -> Iterator["Finding"]:
    """Findings for the records the reader could not normalise (their messages are already located)."""
    from prefcraft.model import Finding

    for p in ctx.problems:
        if p.check == check_id:
            if ctx.lenient:
                yield Finding(p.row, check_id, "warning", f"{p.message} (record skipped: --lenient)")
            else:
                yield Finding(p.row, check_id, "error", p.message)


def snippet(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
