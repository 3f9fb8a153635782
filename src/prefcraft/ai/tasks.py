"""AI tasks: each is a ``build_*`` (chat messages from a template) and a ``parse_*`` (reply → value).

Building and parsing are separate so each can be tested (and swapped) alone. A parser never guesses:
an unusable reply gives a :class:`Parsed` with ``ok=False``, the ``raw`` text and the ``error``.

=================== =============================================== ===================================
task                build                                           parse
=================== =============================================== ===================================
propose prompts     :func:`build_propose_prompts`                   :func:`parse_proposed_prompts`
graceful chosen     :func:`build_write_chosen`                      :func:`parse_response_text`
realistic rejected  :func:`build_write_rejected`                    :func:`parse_response_text`
judge a refusal     :func:`build_judge`                             :func:`prefcraft.ai.judge.parse_judgment`
prompts for gaps    :func:`propose_for_gaps` (stats' gaps → propose)
=================== =============================================== ===================================
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from prefcraft.ai.prompts import load_prompt
from prefcraft.backends.base import Backend
from prefcraft.errors import UsageError

__all__ = [
    "Parsed", "ProposedPrompt", "STYLES",
    "build_propose_prompts", "parse_proposed_prompts", "propose_prompts",
    "build_write_chosen", "build_write_rejected", "parse_response_text", "write_chosen", "write_rejected",
    "build_judge", "extract_json", "propose_for_gaps", "gap_prompt_source",
]

T = TypeVar("T")
STYLES = ("direct", "subtle", "manipulative")


@dataclass
class Parsed(Generic[T]):
    """A parsed reply: ``value`` when ``ok``; otherwise ``error`` says why. ``raw`` is always kept."""

    ok: bool
    value: T | None
    raw: str
    error: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ProposedPrompt:
    """A proposed user prompt; ``history`` holds earlier turns (user first, alternating) if multi-turn."""

    prompt: str
    category: str
    subcategory: str | None = None
    harm: str | None = None
    style: str | None = None
    history: tuple[dict[str, str], ...] = ()

    @property
    def messages(self) -> list[dict[str, str]]:
        """The whole prompt side of a pair: the history, then the prompt as the last user turn."""
        return [dict(m) for m in self.history] + [{"role": "user", "content": self.prompt}]


def _history(value: Any) -> tuple[tuple[dict[str, str], ...], str | None]:
    """Earlier turns: user/assistant alternating, starting with user, ending with assistant."""
    if value in (None, []):
        return (), None
    if not isinstance(value, list):
        return (), "history is not a list"
    out = []
    for j, m in enumerate(value):
        want = "user" if j % 2 == 0 else "assistant"
        if not isinstance(m, dict) or m.get("role") != want or not isinstance(m.get("content"), str) \
                or not m["content"].strip():
            return (), f"history turn {j} must be a {want} message with text"
        out.append({"role": want, "content": m["content"].strip()})
    if out[-1]["role"] != "assistant":
        return (), "history must end with an assistant turn (the prompt is the next user turn)"
    return tuple(out), None


def _taxonomy(taxonomy: Any = None):
    if taxonomy is not None:
        return taxonomy
    from prefcraft.taxonomy import load_taxonomy

    return load_taxonomy()


_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)


def extract_json(text: str) -> tuple[Any, str | None]:
    """The JSON value in a reply (bare, fenced, or the outermost {...}/[...] in prose); (None, error)."""
    candidates = [text.strip()]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    for open_, close in (("{", "}"), ("[", "]")):
        a, b = text.find(open_), text.rfind(close)
        if a != -1 and b > a:
            candidates.append(text[a:b + 1])
    for c in candidates:
        if not c:
            continue
        try:
            return json.loads(c), None
        except ValueError:
            continue
    return None, "the reply holds no JSON value" if text.strip() else "the reply is empty"


# -- propose prompts --------------------------------------------------------------------------------

def build_propose_prompts(category: str, subcategory: str | None = None, harm: str | None = None, *,
                          n: int = 5, style: str | None = None, variation: int = 0,
                          examples: Sequence[str] = (), taxonomy: Any = None,
                          prompts_dir: str | None = None) -> list[dict[str, str]]:
    """Chat asking for ``n`` new user prompts in one taxonomy cell."""
    tax = _taxonomy(taxonomy)
    cat = tax.category(category)
    sub = tax.subcategory(subcategory) if subcategory else None
    return load_prompt("propose_prompts", prompts_dir).render(
        category=category, category_description=cat.description, subcategory=subcategory,
        subcategory_description=sub.description if sub else None, harm=harm, style=style,
        variation=variation, n=n, examples=list(examples)[:8],
        subcategories=[s.id for s in cat.subcategories], harms=cat.harm_ids or tax.harm_ids,
        harm_list=", ".join(tax.harm_ids).replace("_", " "))


def parse_proposed_prompts(text: str, *, category: str, taxonomy: Any = None) -> Parsed[list[ProposedPrompt]]:
    """``{"prompts": [...]}`` or a bare list; items are strings or objects with ``prompt``.

    Labels the model gives are kept only when the taxonomy knows them (aliases resolved, a subcategory
    must belong to ``category``); an unknown label becomes None with a note, never a guess.
    """
    tax = _taxonomy(taxonomy)
    data, err = extract_json(text)
    if err:
        return Parsed(False, None, text, err)
    items = data.get("prompts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return Parsed(False, None, text, "expected {\"prompts\": [...]} or a JSON list of prompts")
    out: list[ProposedPrompt] = []
    notes: list[str] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            item = {"prompt": item}
        if not isinstance(item, dict) or not isinstance(item.get("prompt"), str) or not item["prompt"].strip():
            notes.append(f"item {i}: no 'prompt' text; skipped")
            continue
        sub = item.get("subcategory")
        sub_id = tax.resolve_subcategory(sub, category) if isinstance(sub, str) and sub != "any" else None
        if sub not in (None, "any") and sub_id is None:
            notes.append(f"item {i}: subcategory {sub!r} is not in {category}; dropped")
        harm = item.get("harm")
        harm_id = tax.resolve_harm(harm) if isinstance(harm, str) and harm != "any" else None
        if harm not in (None, "any") and harm_id is None:
            notes.append(f"item {i}: unknown harm {harm!r}; dropped")
        style = item.get("style") if item.get("style") in STYLES else None
        history, why = _history(item.get("history"))
        if why:
            notes.append(f"item {i}: {why}; kept as a single-turn prompt")
        out.append(ProposedPrompt(item["prompt"].strip(), category, sub_id, harm_id, style, history))
    if not out:
        return Parsed(False, None, text, "the JSON holds no usable prompts", notes)
    return Parsed(True, out, text, None, notes)


def propose_prompts(backend: Backend, category: str, subcategory: str | None = None,
                    harm: str | None = None, *, n: int = 5, style: str | None = None, variation: int = 0,
                    examples: Sequence[str] = (), taxonomy: Any = None, seed: int | None = None,
                    **options: Any) -> Parsed[list[ProposedPrompt]]:
    """Ask ``backend`` for ``n`` prompt variations for one category / subcategory / harm."""
    tax = _taxonomy(taxonomy)
    cid = tax.resolve_category(category)
    if cid is None:
        raise UsageError(f"unknown category {category!r}; expected one of: {', '.join(tax.category_ids)}")
    msgs = build_propose_prompts(cid, subcategory, harm, n=n, style=style, variation=variation,
                                 examples=examples, taxonomy=tax)
    opts = {**load_prompt("propose_prompts").options, "seed": seed, **options}
    reply = backend.complete(msgs, **opts)
    return parse_proposed_prompts(reply.text, category=cid, taxonomy=tax)


# -- chosen / rejected ------------------------------------------------------------------------------

def build_write_chosen(prompt: str, category: str, harm: str | None = None, *,
                       history: Sequence[dict[str, str]] = (), prompts_dir: str | None = None) -> list[dict[str, str]]:
    """``history``: earlier turns of a multi-turn prompt (shown to the writer as context)."""
    return load_prompt("write_chosen", prompts_dir).render(prompt=prompt, category=category, harm=harm,
                                                           history=list(history))


def build_write_rejected(prompt: str, category: str, harm: str | None = None, *,
                         history: Sequence[dict[str, str]] = (),
                         prompts_dir: str | None = None) -> list[dict[str, str]]:
    return load_prompt("write_rejected", prompts_dir).render(prompt=prompt, category=category, harm=harm,
                                                             history=list(history))


_LABEL = re.compile(r"^\s*(?:assistant|response|reply|chosen|rejected|answer)\s*:\s*", re.I)
_QUOTES = (('"', '"'), ("“", "”"), ("'", "'"))


def parse_response_text(text: str) -> Parsed[str]:
    """An assistant message: code fences, one leading label (``Assistant:``) and wrapping quotes go."""
    s = text.strip()
    m = _FENCE.fullmatch(s)
    if m:
        s = m.group(1).strip()
    s = _LABEL.sub("", s, count=1).strip()
    for a, b in _QUOTES:
        if len(s) >= 2 and s.startswith(a) and s.endswith(b) and s.count(a) == (1 if a != b else 2):
            s = s[1:-1].strip()
    if not s:
        return Parsed(False, None, text, "the reply is empty")
    if s.startswith("{") and s.endswith("}"):
        return Parsed(False, None, text, "expected a plain assistant message, got JSON")
    return Parsed(True, s, text)


def write_chosen(backend: Backend, prompt: str, category: str, harm: str | None = None, *,
                 history: Sequence[dict[str, str]] = (), seed: int | None = None, **options: Any) -> Parsed[str]:
    """A graceful refusal (or help / a clarifying question for benign / edge cases)."""
    opts = {**load_prompt("write_chosen").options, "seed": seed, **options}
    msgs = build_write_chosen(prompt, category, harm, history=history)
    return parse_response_text(backend.complete(msgs, **opts).text)


def write_rejected(backend: Backend, prompt: str, category: str, harm: str | None = None, *,
                   history: Sequence[dict[str, str]] = (), seed: int | None = None, **options: Any) -> Parsed[str]:
    """A realistic dispreferred reply (compliance; an over-refusal for benign prompts)."""
    opts = {**load_prompt("write_rejected").options, "seed": seed, **options}
    msgs = build_write_rejected(prompt, category, harm, history=history)
    return parse_response_text(backend.complete(msgs, **opts).text)


# -- judge ------------------------------------------------------------------------------------------

def build_judge(prompt: str, response: str, *, prompts_dir: str | None = None) -> list[dict[str, str]]:
    return load_prompt("judge_refusal", prompts_dir).render(prompt=prompt, response=response)


# -- gaps -------------------------------------------------------------------------------------------

def propose_for_gaps(backend: Backend, dataset: Any, *, taxonomy: Any = None, max_per_gap: int = 5,
                     seed: int | None = None) -> list[dict[str, Any]]:
    """For every gap ``prefcraft stats`` finds in ``dataset``: the gap plus proposed prompts.

    Each entry is the gap dict (kind, category, subcategory, harm, needed, reason) with ``proposed``
    (list of prompt strings), ``ok`` and, when the reply could not be parsed, ``error`` and ``raw``.
    """
    from prefcraft.analysis.stats import gaps_only

    tax = _taxonomy(taxonomy)
    report = gaps_only(dataset, tax)
    out: list[dict[str, Any]] = []
    for i, gap in enumerate(report["gaps"]):
        n = max(1, min(int(gap["needed"]), max_per_gap))
        parsed = propose_prompts(backend, gap["category"], gap["subcategory"], gap["harm"], n=n,
                                 variation=i, examples=gap.get("suggested_prompts") or [], taxonomy=tax,
                                 seed=seed)
        entry = {k: gap[k] for k in ("kind", "category", "subcategory", "harm", "needed", "reason")}
        entry["ok"] = parsed.ok
        entry["proposed"] = [p.prompt for p in parsed.value] if parsed.ok and parsed.value else []
        if not parsed.ok:
            entry["error"] = parsed.error
            entry["raw"] = parsed.raw
        out.append(entry)
    return out


def gap_prompt_source(backend: Backend):
    """A prompt source for :func:`prefcraft.analysis.gaps.set_prompt_source`: gap suggestions by an LLM.

    >>> from prefcraft.analysis.gaps import set_prompt_source
    >>> set_prompt_source(gap_prompt_source(backend))     # doctest: +SKIP

    An unparseable reply gives no suggestions for that gap (the taxonomy examples are not mixed in).
    """

    def source(tax: Any, category: str, subcategory: str | None, harm: str | None, n: int) -> list[str]:
        parsed = propose_prompts(backend, category, subcategory, harm, n=n, taxonomy=tax)
        return [p.prompt for p in parsed.value] if parsed.ok and parsed.value else []

    return source
