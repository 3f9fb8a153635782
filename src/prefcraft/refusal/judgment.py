"""The result of judging one response: :class:`Judgment` and its evidence :class:`Span`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KINDS: tuple[str, ...] = ("refusal", "partial_refusal", "compliance", "clarification", "unscorable")
CRITERIA: tuple[str, ...] = ("acknowledgment", "boundary", "reason", "alternative", "engagement")
ANTI_PATTERNS: tuple[str, ...] = ("lecturing", "apologetic", "robotic", "vague", "overexplaining")

_REFUSAL_LIKE = frozenset({"refusal", "partial_refusal"})


def is_refusal_like(kind: str) -> bool:
    """True for ``refusal`` and ``partial_refusal`` (the response declines at least part of the ask)."""
    return kind in _REFUSAL_LIKE


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the response that supports the judgment: ``response[start:end] == text``."""

    start: int
    end: int
    label: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "text": self.text}


@dataclass(slots=True)
class Judgment:
    """How a response answers a prompt, and (for refusals/clarifications) how gracefully.

    ``criteria`` maps each rubric part to 1–5 and is ``None`` for compliance and unscorable responses,
    as is ``overall``. ``evidence`` is computed on first access (batch judging stays fast).
    """

    kind: str
    confidence: float
    criteria: dict[str, int] | None = None
    anti_patterns: list[str] = field(default_factory=list)
    overall: float | None = None
    suggestions: list[str] = field(default_factory=list)
    engine: str = "rules"
    _evidence: list[Span] | None = field(default=None, repr=False, compare=False)
    # (response, kind, off_topic) kept until evidence is first asked for, or a callable returning spans
    _evidence_src: tuple | Callable[[], list[Span]] | None = field(default=None, repr=False, compare=False)

    @property
    def evidence(self) -> list[Span]:
        if self._evidence is None:
            src = self._evidence_src
            if callable(src):
                self._evidence = src()
            elif src is not None:
                from prefcraft.refusal.rules import evidence

                self._evidence = evidence(*src)
            else:
                self._evidence = []
            self._evidence_src = None
        return self._evidence

    @property
    def is_refusal_like(self) -> bool:
        return self.kind in _REFUSAL_LIKE

    def to_dict(self, *, evidence: bool = False) -> dict[str, Any]:
        """The JSON row shape of ``prefcraft score --format json`` (without ``row``)."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "confidence": round(float(self.confidence), 3),
            "criteria": dict(self.criteria) if self.criteria is not None else None,
            "anti_patterns": list(self.anti_patterns),
            "overall": self.overall,
            "suggestions": list(self.suggestions),
        }
        if evidence:
            out["evidence"] = [s.to_dict() for s in self.evidence]
        return out
