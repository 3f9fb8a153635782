"""Loads the generator's language data (YAML under generate/data/) once and checks its shape.

A data file with a typo (an unknown slot, a missing field) fails here with the file and entry named,
not halfway through a build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from prefcraft.errors import InputError
from prefcraft.generate.text import slot_names

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~5x faster
HARMS = ("stalking", "harassment", "deception", "privacy_violation", "self_harm")
SUBTLETY = ("blatant", "moderate", "subtle")
_RESPONSE_SLOTS = {"t"}  # filled for every scenario reply


@dataclass
class Scenario:
    id: str
    harm: str
    subcategory: str
    slots: dict[str, list[str]]
    requests: dict[str, list[str]]
    ack: list[str]
    refuse: list[str]
    reason: list[str]
    alt: list[str]
    ask: list[str]
    steps: list[str]
    escalate: dict[str, Any] | None = None


@dataclass
class Item:
    """An edge case or a benign look-alike: prompts plus the pieces of its replies."""

    id: str
    harm: str
    slots: dict[str, list[str]]
    prompts: list[str]
    parts: dict[str, list[str]] = field(default_factory=dict)
    subcategory: str | None = None


@dataclass
class Library:
    scenarios: list[Scenario]
    edge: list[Item]
    benign: list[Item]
    framings: dict[str, dict[str, list[str]]]
    contexts: dict[str, Any]
    injections: dict[str, dict[str, list[str]]]
    responses: dict[str, list[str]]

    def by_harm(self) -> dict[str, list[Scenario]]:
        out: dict[str, list[Scenario]] = {h: [] for h in HARMS}
        for sc in self.scenarios:
            out.setdefault(sc.harm, []).append(sc)
        return out

    def scenario(self, sid: str) -> Scenario:
        for sc in self.scenarios:
            if sc.id == sid:
                return sc
        raise KeyError(sid)


def _read(name: str) -> Any:
    ref = resources.files("prefcraft.generate").joinpath("data", *name.split("/"))
    try:
        return yaml.load(ref.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:  # pragma: no cover - caught by the data tests
        raise InputError(f"generate/data/{name}: not valid YAML ({exc}). Fix the file's syntax.",
                         path=name) from exc


def _check_slots(where: str, texts: list[str], allowed: set[str]) -> None:
    for text in texts:
        unknown = slot_names(text) - allowed
        if unknown:
            raise InputError(
                f"{where}: template {text!r} uses slot(s) {sorted(unknown)} but only "
                f"{sorted(allowed)} are defined. Add the slot to 'slots' or fix the spelling.",
                path=where,
            )


def _need(where: str, entry: dict, key: str) -> Any:
    if key not in entry or not entry[key]:
        raise InputError(f"{where}: entry {entry.get('id', '?')!r} has no {key!r} (expected a non-empty list).",
                         path=where)
    return entry[key]


def _scenarios() -> list[Scenario]:
    out: list[Scenario] = []
    extra_arcs = _read("escalations.yaml") or {}
    extra_steps = _read("steps_more.yaml") or {}
    for harm in HARMS:
        where = f"generate/data/scenarios/{harm}.yaml"
        doc = _read(f"scenarios/{harm}.yaml")
        for entry in doc["scenarios"]:
            slots = {k: list(v) for k, v in (entry.get("slots") or {}).items()}
            allowed = set(slots)
            requests = _need(where, entry, "requests")
            for level in requests:
                if level not in SUBTLETY:
                    raise InputError(f"{where}: {entry['id']}: unknown subtlety {level!r} "
                                     f"(expected one of {', '.join(SUBTLETY)}).", path=where)
                _check_slots(where, requests[level], allowed)
            sc = Scenario(
                id=entry["id"], harm=harm, subcategory=entry.get("subcategory", "other"), slots=slots,
                requests=requests,
                ack=_need(where, entry, "ack"), refuse=_need(where, entry, "refuse"),
                reason=_need(where, entry, "reason"), alt=_need(where, entry, "alt"),
                ask=list(entry.get("ask") or []),
                steps=list(_need(where, entry, "steps")) + list(extra_steps.pop(entry["id"], [])),
                escalate=entry.get("escalate") or extra_arcs.pop(entry["id"], None),
            )
            for key in ("ack", "refuse", "reason", "alt", "ask", "steps"):
                _check_slots(where, getattr(sc, key), allowed)
            if sc.escalate:
                for u, a in sc.escalate["turns"]:
                    _check_slots(where, [u, a], allowed)
                _check_slots(where, sc.escalate["final"], allowed)
            out.append(sc)
    if extra_steps:
        raise InputError(f"generate/data/steps_more.yaml: steps for unknown scenario(s) {sorted(extra_steps)}; "
                         "use an id from scenarios/*.yaml.", path="steps_more.yaml")
    if extra_arcs:
        raise InputError(f"generate/data/escalations.yaml: arcs for unknown scenario(s) {sorted(extra_arcs)}; "
                         "use an id from scenarios/*.yaml.", path="escalations.yaml")
    return out


def _items(name: str) -> list[Item]:
    where = f"generate/data/{name}"
    doc = _read(name)
    out = []
    for entry in doc["items"]:
        slots = {k: list(v) for k, v in (entry.get("slots") or {}).items()}
        prompts = _need(where, entry, "prompts")
        parts = {k: list(v) for k, v in entry.items()
                 if k not in ("id", "harm", "slots", "prompts", "subcategory") and isinstance(v, list)}
        _check_slots(where, prompts, set(slots))
        for texts in parts.values():
            _check_slots(where, texts, set(slots))
        if entry.get("harm") not in HARMS:
            raise InputError(f"{where}: {entry.get('id')!r} has harm {entry.get('harm')!r}; expected one of "
                             f"{', '.join(HARMS)}.", path=where)
        out.append(Item(id=entry["id"], harm=entry["harm"], slots=slots, prompts=prompts, parts=parts,
                        subcategory=entry.get("subcategory")))
    return out


def _contexts() -> dict[str, Any]:
    doc = _read("contexts.yaml")
    known = {sc["id"] for h in HARMS for sc in _read(f"scenarios/{h}.yaml")["scenarios"]}
    unknown = set(doc.get("scenarios", {})) - known
    if unknown:
        raise InputError(f"generate/data/contexts.yaml: context for unknown scenario(s) {sorted(unknown)}; "
                         "use an id from scenarios/*.yaml.", path="contexts.yaml")
    return doc


@lru_cache(maxsize=1)
def load_library() -> Library:
    framings = _read("framings.yaml")
    injections = _read("injections.yaml")
    return Library(
        scenarios=_scenarios(),
        edge=_items("edge_cases.yaml"),
        benign=_items("benign.yaml"),
        framings=framings,
        injections=injections,
        contexts=_contexts(),
        responses=_read("responses.yaml"),
    )
