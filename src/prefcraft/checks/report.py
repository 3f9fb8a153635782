"""The validator's result: findings, the checks that ran, and the checks that could not run (why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prefcraft.model import Finding

__all__ = ["ValidationReport"]

_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class ValidationReport:
    rows: int
    findings: list[Finding] = field(default_factory=list)
    checks_run: list[str] = field(default_factory=list)
    checks_skipped: list[dict[str, str]] = field(default_factory=list)  # {"check", "reason"}: crashed
    not_applicable: list[dict[str, str]] = field(default_factory=list)  # needs an option not given
    source: str | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per check

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 1 if self.has_errors else 0

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity] += 1
        return out

    def by_check(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            out.setdefault(f.check, []).append(f)
        return out

    def for_row(self, row: int) -> list[Finding]:
        return [f for f in self.findings if f.row == row]

    def to_dict(self) -> dict[str, Any]:
        """Exactly the ``prefcraft validate --format json`` shape."""
        return {
            "rows": self.rows,
            "findings": [f.to_dict() for f in self.findings],
            "checks_run": list(self.checks_run),
            "checks_skipped": [{"check": s["check"], "reason": s["reason"]} for s in self.checks_skipped],
        }

    def __iter__(self):
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Dataset-level first, then by row; within a row by severity then check id."""
    return sorted(findings, key=lambda f: (f.row is not None, f.row if f.row is not None else -1,
                                           _ORDER[f.severity], f.check))
