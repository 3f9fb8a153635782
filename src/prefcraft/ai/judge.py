"""The LLM judge: grade a response on the graceful-refusal rubric with a backend.

Registered as the ``llm`` engine of :mod:`prefcraft.refusal.engines`, so ``prefcraft score --engine llm``
and ``judge_many(..., engine="llm")`` use it. Its backend comes from :func:`use_backend` or, when none was
set, from ``$PREFCRAFT_CONFIG`` / ``./prefcraft.toml`` (``[judge]``, else ``[backend]``) — never a default.

A reply that cannot be parsed yields ``kind="unscorable"`` with the raw text kept on
:attr:`LLMJudgment.raw` and the reason on :attr:`LLMJudgment.error`; nothing is guessed.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prefcraft.ai.prompts import load_prompt
from prefcraft.ai.tasks import build_judge, extract_json
from prefcraft.backends.base import Backend
from prefcraft.refusal.judgment import ANTI_PATTERNS, CRITERIA, KINDS, Judgment

__all__ = ["LLMJudgment", "LLMJudgeEngine", "parse_judgment", "use_backend", "ensure_registered"]

_GRADED = ("refusal", "partial_refusal", "clarification")


@dataclass(slots=True)
class LLMJudgment(Judgment):
    """A :class:`Judgment` that also keeps the judge's ``raw`` reply and any parse ``error``."""

    raw: str | None = None
    error: str | None = None


def _unscorable(raw: str | None, error: str) -> LLMJudgment:
    return LLMJudgment("unscorable", 0.0, None, [], None, [], "llm", raw=raw, error=error)


def _overall(kind: str, criteria: dict[str, int], anti: list[str]) -> float:
    from prefcraft.refusal import rubric

    weights = rubric.W_CLARIFY if kind == "clarification" else rubric.W_REFUSAL
    total = sum(float(w) * criteria[c] for w, c in zip(weights, CRITERIA)) - rubric.ANTI_PENALTY * len(anti)
    return round(min(5.0, max(1.0, total)), 1)


def parse_judgment(text: str) -> LLMJudgment:
    """Reply JSON → judgment. Anything missing or out of range makes it ``unscorable`` (raw kept)."""
    data, err = extract_json(text)
    if err:
        return _unscorable(text, err)
    if not isinstance(data, dict):
        return _unscorable(text, "expected a JSON object with kind, criteria, anti_patterns")
    kind = str(data.get("kind", "")).strip().lower().replace(" ", "_").replace("-", "_")
    if kind not in KINDS:
        return _unscorable(text, f"kind {data.get('kind')!r} is not one of {', '.join(KINDS[:-1])}")
    if kind == "unscorable":
        return _unscorable(text, "the judge itself said unscorable")
    conf = data.get("confidence", 1.0)
    if not isinstance(conf, (int, float)) or isinstance(conf, bool) or not 0 <= conf <= 1:
        return _unscorable(text, f"confidence must be a number in 0–1 (got {conf!r})")
    anti_raw = data.get("anti_patterns") or []
    if not isinstance(anti_raw, list) or any(a not in ANTI_PATTERNS for a in anti_raw):
        return _unscorable(text, f"anti_patterns must be a list drawn from {', '.join(ANTI_PATTERNS)} "
                                 f"(got {anti_raw!r})")
    sugg = [str(s) for s in (data.get("suggestions") or []) if isinstance(s, (str, int, float))][:5]
    if kind not in _GRADED:
        return LLMJudgment(kind, float(conf), None, [], None, sugg, "llm", raw=text)
    crit = data.get("criteria")
    if not isinstance(crit, dict):
        return _unscorable(text, f"a {kind} needs criteria with {', '.join(CRITERIA)} scored 1–5")
    scores: dict[str, int] = {}
    for c in CRITERIA:
        v = crit.get(c)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) or not 1 <= v <= 5:
            return _unscorable(text, f"criterion {c!r} must be an integer 1–5 (got {v!r})")
        scores[c] = int(v)
    anti = list(dict.fromkeys(anti_raw))
    return LLMJudgment(kind, float(conf), scores, anti, _overall(kind, scores, anti), sugg, "llm", raw=text)


_configured: Backend | None = None
_lock = threading.Lock()


def use_backend(backend: Backend | None) -> None:
    """Set (or with None clear) the backend the ``llm`` engine uses."""
    global _configured
    with _lock:
        _configured = backend


class LLMJudgeEngine:
    name = "llm"
    description = "an LLM grades the rubric through a prefcraft backend (configured, never a default)"

    def __init__(self, backend: Backend | None = None, *, concurrency: int | None = None) -> None:
        self.backend = backend
        self.concurrency = concurrency

    def _backend(self) -> Backend:
        if self.backend is not None:
            return self.backend
        global _configured
        with _lock:
            if _configured is None:
                from prefcraft.backends.config import backend_from_config

                _configured = backend_from_config("judge")
            return _configured

    def judge_many(self, prompts: Sequence[str], responses: Sequence[str]) -> list[Judgment]:
        if not responses:
            return []
        backend = self._backend()
        opts = load_prompt("judge_refusal").options
        chats = [build_judge(p, r) for p, r in zip(prompts, responses)]
        # A backend failure raises (a down server is an error, not a column of "unscorable").
        results = backend.complete_many(chats, concurrency=self.concurrency, **opts)
        return [parse_judgment(res.text) for res in results]


def ensure_registered() -> None:
    """Register the ``llm`` engine with the refusal engine registry (idempotent)."""
    from prefcraft.refusal import engines

    if "llm" not in engines.names():
        engines.register("llm", LLMJudgeEngine, LLMJudgeEngine.description, requires=None)


def judge_refusal(backend: Backend, prompt: str, response: str, **options: Any) -> LLMJudgment:
    """Judge one response with ``backend`` (build → complete → parse)."""
    opts = {**load_prompt("judge_refusal").options, **options}
    return parse_judgment(backend.complete(build_judge(prompt, response), **opts).text)


ensure_registered()
