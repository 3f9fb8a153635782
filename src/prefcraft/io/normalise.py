"""Classify a raw record, then normalise it into the dataset model (TRL ``data_utils.py`` style).

``is_*`` functions answer questions about raw values; ``normalise_record`` turns one raw dict into the
column values of :data:`prefcraft.model.SCHEMA` or raises :class:`RecordError` saying what was expected,
what was found and the fix. Normalising an already-normalised record is the identity.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable

import orjson

__all__ = [
    "FIELD_ALIASES",
    "KNOWN_FIELDS",
    "RecordError",
    "NormalisedRow",
    "is_message",
    "is_conversation",
    "is_hh_transcript",
    "parse_hh_transcript",
    "extract_shared_prompt",
    "resolve_aliases",
    "normalise_record",
    "normalise_records",
]

REQUIRED = ("prompt", "chosen", "rejected")
KNOWN_FIELDS = ("prompt", "chosen", "rejected", "category", "subcategory", "harm", "tags", "source", "metadata")
ROLES = ("system", "user", "assistant", "tool", "developer")

# Names users really have for our fields. Each alias is reported when used, never applied silently.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "prompt": ("question", "instruction", "query", "user_prompt", "prompt_text", "input"),
    "chosen": ("response_chosen", "chosen_response", "chosen_text", "chosen_output", "preferred",
               "preferred_response", "preferred_output", "better_response", "accepted", "response_a_preferred"),
    "rejected": ("response_rejected", "rejected_response", "rejected_text", "rejected_output", "dispreferred",
                 "dispreferred_response", "non_preferred_output", "worse_response"),
    "category": ("request_category", "attack_category", "attack_type"),
    "subcategory": ("sub_category", "technique"),
    "harm": ("harm_type", "harm_category"),
    "tags": ("labels",),
    "source": ("provenance", "origin"),
    "metadata": ("meta",),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}


class RecordError(ValueError):
    """A structurally bad record. ``check`` is the validator id this problem maps to."""

    def __init__(self, check: str, field: str | None, message: str) -> None:
        super().__init__(message)
        self.check = check
        self.field = field


@dataclass(slots=True)
class NormalisedRow:
    prompt: list[dict[str, str]]
    chosen: list[dict[str, str]]
    rejected: list[dict[str, str]]
    category: str | None
    subcategory: str | None
    harm: str | None
    tags: list[str]
    source: str | None
    metadata: str | None
    extra: str | None
    format: str


# ------------------------------------------------------------------------------------------ classify
def is_message(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("role"), str)
            and isinstance(value.get("content"), str))


def is_conversation(value: Any) -> bool:
    """A non-empty list of ``{"role", "content"}`` dicts (TRL's ``is_conversational`` test)."""
    return isinstance(value, list) and len(value) > 0 and all(is_message(m) for m in value)


_HH_HUMAN = "\n\nHuman:"
_HH_ASSISTANT = "\n\nAssistant:"


def is_hh_transcript(value: Any) -> bool:
    """An Anthropic HH-RLHF style transcript: ``\\n\\nHuman: … \\n\\nAssistant: …``."""
    return isinstance(value, str) and _HH_ASSISTANT in value and (_HH_HUMAN in value or value.startswith("Human:"))


def parse_hh_transcript(text: str) -> list[dict[str, str]]:
    """Split an HH-RLHF transcript into messages."""
    if text.startswith("Human:"):
        text = "\n\n" + text
    messages: list[dict[str, str]] = []
    pos = 0
    while pos < len(text):
        h = text.find(_HH_HUMAN, pos)
        a = text.find(_HH_ASSISTANT, pos)
        candidates = [(i, marker) for i, marker in ((h, _HH_HUMAN), (a, _HH_ASSISTANT)) if i != -1]
        if not candidates:
            if messages:
                messages[-1]["content"] += text[pos:]
            break
        i, marker = min(candidates)
        if messages and i > pos:
            messages[-1]["content"] += text[pos:i]
        role = "user" if marker == _HH_HUMAN else "assistant"
        messages.append({"role": role, "content": ""})
        pos = i + len(marker)
    for m in messages:
        m["content"] = m["content"].strip()
    return messages


def extract_shared_prompt(chosen: list[dict[str, str]], rejected: list[dict[str, str]]):
    """TRL's ``extract_prompt``: the longest shared message prefix is the prompt."""
    n = 0
    for a, b in zip(chosen[:-1], rejected[:-1]):
        if a != b:
            break
        n += 1
    # The prompt must end before the first differing assistant turn.
    while n > 0 and chosen[n - 1]["role"] != "user":
        n -= 1
    return chosen[:n], chosen[n:], rejected[n:]


# ------------------------------------------------------------------------------------------ aliases
def resolve_aliases(keys: Iterable[str]) -> dict[str, str]:
    """Map input keys to our fields: ``{input_key: field}`` for every alias that applies."""
    keys = list(keys)
    present = set(keys)
    mapping: dict[str, str] = {}
    for key in keys:
        target = _ALIAS_TO_FIELD.get(key)
        if target is None or target in present or target in mapping.values():
            continue
        if key in ("instruction", "input") and {"instruction", "input"} <= present:
            continue  # Alpaca style: normalise_record joins instruction and input into the prompt
        mapping[key] = target
    return mapping


def _suggest(missing: str, keys: list[str]) -> str:
    unknown = [k for k in keys if k not in KNOWN_FIELDS]
    close = difflib.get_close_matches(missing, unknown, n=1, cutoff=0.6)
    if close:
        return f" — did you mean '{close[0]}'? Rename the key '{close[0]}' to '{missing}'"
    return (f" — add a '{missing}' field, or rename the field that holds it"
            f" (accepted aliases: {', '.join(FIELD_ALIASES[missing][:4])})")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        snippet = value if len(value) <= 40 else value[:37] + "..."
        return f"a string ({snippet!r})"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, dict):
        return f"an object with keys {', '.join(map(str, list(value)[:6]))}"
    return type(value).__name__


# ------------------------------------------------------------------------------------------ normalise
def _messages(field: str, value: Any, default_role: str) -> tuple[list[dict[str, str]], bool]:
    """Return (messages, was_conversational) for a prompt/chosen/rejected value."""
    if isinstance(value, str):
        if not value.strip():
            raise RecordError("empty-text", field, f"field '{field}' is an empty string — write the text, or drop the record")
        return [{"role": default_role, "content": value}], False
    if isinstance(value, dict) and is_message(value):
        raise RecordError(
            "wrong-type", field,
            f"field '{field}' is a single message object; expected a string or a list of messages — wrap it in a list: [{{\"role\": \"{value['role']}\", ...}}]",
        )
    if isinstance(value, list):
        if not value:
            raise RecordError("empty-text", field, f"field '{field}' is an empty list — expected at least one message")
        out = []
        for i, m in enumerate(value):
            if not isinstance(m, dict):
                raise RecordError("wrong-type", field,
                                  f"field '{field}' message {i} is {_describe(m)}; expected an object with 'role' and 'content' strings")
            role, content = m.get("role"), m.get("content")
            if not isinstance(role, str) or not isinstance(content, str):
                found = ", ".join(map(str, m)) or "no keys"
                raise RecordError("wrong-type", field,
                                  f"field '{field}' message {i} needs string 'role' and 'content' (found keys: {found}; "
                                  f"role is {_describe(role)}, content is {_describe(content)})")
            if role not in ROLES:
                close = difflib.get_close_matches(role.lower(), ROLES, n=1, cutoff=0.5)
                hint = f" — did you mean '{close[0]}'?" if close else ""
                raise RecordError("bad-roles", field,
                                  f"field '{field}' message {i} has role {role!r}; expected one of {', '.join(ROLES)}{hint}")
            if not content.strip():
                raise RecordError("empty-text", field, f"field '{field}' message {i} ({role}) has empty content — write the text, or drop the record")
            out.append({"role": role, "content": content})
        return out, True
    raise RecordError("wrong-type", field,
                      f"field '{field}' is {_describe(value)}; expected a string or a list of {{role, content}} messages")


def _maybe_json(value: Any, want: type) -> Any:
    """CSV cells hold JSON text for lists and objects; decode when it parses to ``want``."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            decoded = orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
        if isinstance(decoded, want):
            return decoded
    return value


def _optional_text(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    raise RecordError("wrong-type", field, f"field '{field}' is {_describe(value)}; expected a string or null")


def _tags(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    value = _maybe_json(value, list)
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return list(value)
    raise RecordError("wrong-type", "tags", f"field 'tags' is {_describe(value)}; expected a list of strings or a comma-separated string")


def _metadata(value: Any) -> str | None:
    if value is None or value == "":
        return None
    value = _maybe_json(value, dict)
    if isinstance(value, dict):
        return orjson.dumps(value).decode() if value else None
    raise RecordError("wrong-type", "metadata", f"field 'metadata' is {_describe(value)}; expected a JSON object")


def normalise_record(record: Any, *, csv_cells: bool = False, columnar: bool = False,
                     aliases_used: dict[str, str] | None = None, notes: set[str] | None = None) -> NormalisedRow:
    """One raw record → :class:`NormalisedRow`, or :class:`RecordError`.

    ``csv_cells``: values are strings from CSV/TSV, where empty means absent and message lists are
    JSON text. ``columnar``: the source has one column per field (CSV, Parquet, HF), so a null in an
    extra column means "absent in this row" and is dropped. ``aliases_used`` collects the alias mapping
    applied (to be reported).
    """
    if not isinstance(record, dict):
        raise RecordError("wrong-type", None, f"record is {_describe(record)}; expected a JSON object with prompt, chosen and rejected")
    rec: dict[str, Any] = dict(record)
    if csv_cells:
        rec = {k: (None if v == "" else v) for k, v in rec.items() if k is not None}
        for key in REQUIRED:
            decoded = _maybe_json(rec.get(key), list)
            if is_conversation(decoded):  # a string cell that merely starts with "[" stays a string
                rec[key] = decoded

    # OpenAI preference fine-tuning rows: {"input": {"messages": [...]}, "preferred_output": [...], ...}
    if isinstance(rec.get("input"), dict) and "messages" in rec["input"] and "prompt" not in rec:
        rec["prompt"] = rec.pop("input")["messages"]
        if aliases_used is not None:
            aliases_used["input.messages"] = "prompt"

    mapping = resolve_aliases(rec)
    for key, target in mapping.items():
        rec[target] = rec.pop(key)
    if aliases_used is not None:
        aliases_used.update(mapping)
    if "instruction" in rec and "prompt" not in rec:
        instruction, extra_input = rec.pop("instruction"), rec.pop("input", None)
        if isinstance(instruction, str) and isinstance(extra_input, str) and extra_input.strip():
            instruction = f"{instruction}\n\n{extra_input}"
        rec["prompt"] = instruction
        if aliases_used is not None:
            aliases_used["instruction+input" if extra_input else "instruction"] = "prompt"

    chosen, rejected = rec.get("chosen"), rec.get("rejected")
    # HH-RLHF: full transcripts in chosen/rejected with an implicit shared prompt.
    if rec.get("prompt") is None and is_hh_transcript(chosen) and is_hh_transcript(rejected):
        c_msgs, r_msgs = parse_hh_transcript(chosen), parse_hh_transcript(rejected)
        prompt, c_rest, r_rest = extract_shared_prompt(c_msgs, r_msgs)
        rec["prompt"], rec["chosen"], rec["rejected"] = prompt, c_rest, r_rest
        if notes is not None:
            notes.add("chosen/rejected are HH-RLHF transcripts: the shared prefix was extracted as the prompt")
    elif rec.get("prompt") is None and is_conversation(chosen) and is_conversation(rejected):
        prompt, c_rest, r_rest = extract_shared_prompt(chosen, rejected)
        if prompt:
            rec["prompt"], rec["chosen"], rec["rejected"] = prompt, c_rest, r_rest
            if notes is not None:
                notes.add("prompt was implicit: the shared message prefix of chosen/rejected was extracted as the prompt")

    keys = list(record)
    for name in REQUIRED:
        if rec.get(name) is None:
            if name in rec and csv_cells:
                raise RecordError("empty-text", name, f"field '{name}' is an empty cell — write the text, or drop the row")
            if name in rec:
                raise RecordError("missing-field", name, f"field '{name}' is null — give it the text, or drop the record")
            found = ", ".join(map(str, keys)) or "none"
            raise RecordError("missing-field", name,
                              f"field '{name}' is missing (found keys: {found}){_suggest(name, keys)}")

    prompt, p_conv = _messages("prompt", rec["prompt"], "user")
    chosen_m, c_conv = _messages("chosen", rec["chosen"], "assistant")
    rejected_m, r_conv = _messages("rejected", rec["rejected"], "assistant")
    if not (p_conv == c_conv == r_conv):
        kinds = {n: ("messages" if conv else "a string") for n, conv in (("prompt", p_conv), ("chosen", c_conv), ("rejected", r_conv))}
        raise RecordError(
            "mixed-format", None,
            "record mixes formats: " + ", ".join(f"{n} is {k}" for n, k in kinds.items())
            + " — TRL needs all three as strings (standard) or all as message lists (conversational)",
        )

    extra = {k: v for k, v in rec.items() if k not in KNOWN_FIELDS and not (columnar and v is None)}
    return NormalisedRow(
        prompt=prompt,
        chosen=chosen_m,
        rejected=rejected_m,
        category=_optional_text("category", rec.get("category")),
        subcategory=_optional_text("subcategory", rec.get("subcategory")),
        harm=_optional_text("harm", rec.get("harm")),
        tags=_tags(rec.get("tags")),
        source=_optional_text("source", rec.get("source")),
        metadata=_metadata(rec.get("metadata")),
        extra=orjson.dumps(extra).decode() if extra else None,
        format="conversational" if p_conv else "standard",
    )


def normalise_records(records: Iterable[dict[str, Any]], *, lenient: bool = False):
    """Normalise in-memory dicts into a :class:`~prefcraft.model.Dataset` (strict unless ``lenient``)."""
    from prefcraft.io.readers import build_dataset

    def items():
        for i, r in enumerate(records):
            # pandas/polars give NaN/None for absent optional cells: treat them as absent
            if isinstance(r, dict):
                r = {k: v for k, v in r.items() if not (v is None or (isinstance(v, float) and v != v))}
            yield i, None, r

    result = build_dataset(items(), path="<records>", fmt=None, on_error="quarantine" if lenient else "raise")
    result.dataset.problems = result.problems
    return result.dataset
