"""The quality gate every generated pair passes before it ships.

``quality_gate(pairs)`` returns ``(kept, rejected)`` where ``rejected`` holds ``(pair, reasons)``.
It applies, in this order:

1. the seed's structural rules (non-empty texts, chosen/rejected at least 50 characters, the prompt
   ends with a user turn, no unfilled ``{slot}`` left by a data bug);
2. the refusal judgment (:func:`prefcraft.refusal.judge_many`): for harmful categories the chosen must
   be a refusal (or, for edge cases, a clarification) with ``overall`` at or above ``min_overall`` and no
   anti-pattern, and the rejected must not read as a refusal; for ``benign`` the chosen must comply and
   the rejected must be the over-refusal;
3. the validator (:func:`prefcraft.validate`) when it is installed: any error or warning finding on
   a row drops that row (dataset-level findings such as ``length-bias`` are reported by the build).

A crash inside the judgment or the validator is never swallowed silently: the step is reported in
``GateReport.skipped`` with the reason, and the structural rules still apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from prefcraft.model import PreferencePair

MIN_CHARS = 50
_UNFILLED = re.compile(r"\{[a-z_][a-z0-9_]*\}")
# Lecturing and apology phrases the seed's validator rejects in a chosen response. Sympathy such as
# "I'm sorry you're dealing with this" is not an apology, so only "sorry, but"/"apologi" forms count.
_LECTURE = re.compile(r"\b(you should|you must|it'?s wrong|how dare|shame on you|you ought to)\b", re.I)
_APOLOGY = re.compile(r"\b(i'?m sorry,? but|sorry, (?:i|but)|i apologi[sz]e|unfortunately,? i)\b", re.I)


@dataclass
class GateReport:
    kept: int = 0
    dropped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)
    chosen_overall: list[float] = field(default_factory=list)


def _structural(pair: PreferencePair) -> list[str]:
    reasons: list[str] = []
    if not pair.prompt or pair.prompt[-1].get("role") != "user":
        reasons.append("prompt does not end with a user turn")
    for name, msgs in (("prompt", pair.prompt), ("chosen", pair.chosen), ("rejected", pair.rejected)):
        for m in msgs:
            if not (m.get("content") or "").strip():
                reasons.append(f"{name} has an empty message")
            if _UNFILLED.search(m.get("content") or ""):
                reasons.append(f"{name} has an unfilled slot")
    if len(pair.chosen_text) < MIN_CHARS:
        reasons.append(f"chosen shorter than {MIN_CHARS} characters")
    if len(pair.rejected_text) < MIN_CHARS:
        reasons.append(f"rejected shorter than {MIN_CHARS} characters")
    if pair.category != "benign":
        if _LECTURE.search(pair.chosen_text):
            reasons.append("chosen lectures")
        if _APOLOGY.search(pair.chosen_text):
            reasons.append("chosen apologises")
    return reasons


def _judged(pairs: Sequence[PreferencePair], min_overall: float, report: GateReport) -> list[list[str]]:
    out: list[list[str]] = [[] for _ in pairs]
    try:
        from prefcraft.refusal import judge_many
    except ImportError as exc:  # pragma: no cover - refusal ships with the core package
        report.skipped.append({"step": "refusal-judgment", "reason": f"not importable: {exc}"})
        return out
    prompts = [p.prompt_text for p in pairs]
    try:
        chosen = judge_many(prompts, [p.chosen_text for p in pairs])
        rejected = judge_many(prompts, [p.rejected_text for p in pairs])
    except Exception as exc:  # noqa: BLE001 - recorded, never swallowed
        report.skipped.append({"step": "refusal-judgment", "reason": f"{type(exc).__name__}: {exc}"})
        return out
    for i, (pair, jc, jr) in enumerate(zip(pairs, chosen, rejected)):
        reasons = out[i]
        if pair.category == "benign":
            if jc.kind not in ("compliance",):
                reasons.append(f"benign chosen judged {jc.kind}, expected compliance")
            if jr.kind not in ("refusal", "partial_refusal"):
                reasons.append(f"benign rejected judged {jr.kind}, expected an over-refusal")
            continue
        allowed = ("refusal", "clarification") if pair.category == "edge_cases" else ("refusal",)
        if jc.kind not in allowed:
            reasons.append(f"chosen judged {jc.kind}, expected {' or '.join(allowed)}")
        else:
            if jc.overall is not None:
                report.chosen_overall.append(float(jc.overall))
            if jc.overall is None or jc.overall < min_overall:
                reasons.append(f"chosen overall {jc.overall} below {min_overall}")
            if jc.anti_patterns:
                reasons.append("chosen anti-patterns: " + ", ".join(jc.anti_patterns))
        if jr.kind in ("refusal", "clarification"):
            reasons.append(f"rejected judged {jr.kind}, expected a harmful completion")
    return out


def _validated(pairs: Sequence[PreferencePair], report: GateReport) -> list[list[str]]:
    out: list[list[str]] = [[] for _ in pairs]
    from prefcraft.checks import validate as validate_fn

    try:
        from prefcraft.model import Dataset

        result = validate_fn(Dataset.from_pairs(pairs))
        findings = getattr(result, "findings", result)
        for f in findings:
            row = f.row if hasattr(f, "row") else f.get("row")
            sev = f.severity if hasattr(f, "severity") else f.get("severity")
            check = f.check if hasattr(f, "check") else f.get("check")
            # row-level warnings (a near-duplicate, a missing alternative) are regenerated too: the
            # built-in dataset should pass a reviewer's reading, not just the error bar
            if row is None or not 0 <= row < len(pairs) or sev not in ("error", "warning"):
                continue
            if sev == "warning" and check == "near-duplicate-prompt" and any(
                    t.startswith("dedup:") for t in pairs[row].tags):
                continue  # accepted above the strict threshold on purpose (large builds); counted there
            out[row].append(f"validator: {check} ({sev})")
    except Exception as exc:  # noqa: BLE001 - recorded, never swallowed
        report.skipped.append({"step": "validator", "reason": f"{type(exc).__name__}: {exc}"})
    return out


def quality_gate(pairs: Sequence[PreferencePair], *, min_overall: float = 4.0,
                 use_validator: bool = True, report: GateReport | None = None,
                 ) -> tuple[list[PreferencePair], list[tuple[PreferencePair, list[str]]]]:
    """Split ``pairs`` into those that may ship and those that may not (with the reasons)."""
    report = report if report is not None else GateReport()
    pairs = list(pairs)
    reasons = [_structural(p) for p in pairs]
    judged = _judged(pairs, min_overall, report)
    for r, j in zip(reasons, judged):
        r.extend(j)
    if use_validator:
        for r, v in zip(reasons, _validated(pairs, report)):
            r.extend(v)
    kept: list[PreferencePair] = []
    dropped: list[tuple[PreferencePair, list[str]]] = []
    for pair, why in zip(pairs, reasons):
        if why:
            dropped.append((pair, why))
            for w in why:
                key = re.sub(r"[\d.]+", "N", w)
                report.reasons[key] = report.reasons.get(key, 0) + 1
        else:
            kept.append(pair)
    report.kept += len(kept)
    report.dropped += len(dropped)
    return kept, dropped


def gate_summary(report: GateReport) -> dict[str, Any]:
    return {"kept": report.kept, "dropped": report.dropped, "reasons": dict(sorted(report.reasons.items())),
            "skipped": report.skipped}
