"""A scripted backend with canned replies: offline demos and deterministic tests.

Two sources of replies, used in this order:

1. a FIFO queue filled with :meth:`ScriptedBackend.enqueue` (strings, or exceptions to raise);
2. a script (YAML or JSON; ``"demo"`` is the built-in one) of rules::

       name: my-script
       delay: 0.0                      # seconds added to every call (to make timing windows testable)
       rules:
         - match: 'task: write_chosen[\\s\\S]*?harm: (?P<harm>\\w+)'   # searched in the whole chat
           index: variation            # optional: a named group whose number picks the reply
           replies:
             - "plain text reply"
             - {text: "only when harm is stalking", when: {harm: stalking}}
             - {json: {"prompts": ["a JSON reply, written compactly"]}}
       default: "reply when no rule matches (optional; without it an unmatched chat is an error)"

The chat is flattened to ``role: content`` lines. A reply's ``when`` must agree with the named groups
of ``match`` (a group that matched ``any`` agrees with everything); the replies with the most ``when``
conditions win (specific before generic). Among those one is picked by the ``index`` group, else by a stable hash of the request, so the same request always gets
the same reply (and different variations get different ones).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import yaml

from prefcraft.backends.base import Backend, BackendError, Completion, Message
from prefcraft.errors import InputError, UsageError
from prefcraft.model import canonical_json

BUILTIN_SCRIPTS = {"demo": "demo_script.yaml"}
ANY = "any"


@dataclass
class Reply:
    text: str
    when: dict[str, str] = field(default_factory=dict)


@dataclass
class Rule:
    pattern: re.Pattern[str]
    replies: list[Reply]
    index: str | None = None


def _reply(where: str, entry: Any) -> Reply:
    if isinstance(entry, str):
        return Reply(entry)
    if isinstance(entry, dict) and ("text" in entry or "json" in entry):
        unknown = set(entry) - {"text", "json", "when"}
        if unknown:
            raise InputError(f"{where}: unknown keys {sorted(unknown)}; a reply has text or json, "
                             f"and optionally when")
        text = entry["text"] if "text" in entry else orjson.dumps(entry["json"]).decode()
        when = entry.get("when") or {}
        if not isinstance(text, str) or not isinstance(when, dict):
            raise InputError(f"{where}: text must be a string and when a mapping of group → value")
        return Reply(text, {str(k): str(v) for k, v in when.items()})
    raise InputError(f"{where}: a reply must be a string or a mapping with 'text' or 'json' "
                     f"(got {type(entry).__name__})")


def parse_script(data: Any, source: str) -> tuple[str, float, list[Rule], str | None]:
    if not isinstance(data, dict):
        raise InputError(f"{source}: a script must be a mapping with 'rules' (got {type(data).__name__})",
                         path=source)
    unknown = set(data) - {"name", "delay", "rules", "default", "description"}
    if unknown:
        raise InputError(f"{source}: unknown top-level keys {sorted(unknown)}; expected name, "
                         f"description, delay, rules, default", path=source)
    rules: list[Rule] = []
    for i, r in enumerate(data.get("rules") or []):
        where = f"{source}: rules[{i}]"
        if not isinstance(r, dict) or "match" not in r or "replies" not in r:
            raise InputError(f"{where}: each rule needs 'match' (a regex) and 'replies' (a list)",
                             path=source)
        try:
            pat = re.compile(r["match"])
        except re.error as exc:
            raise InputError(f"{where}: match is not a valid regular expression ({exc})",
                             path=source) from None
        replies = [_reply(f"{where}.replies[{j}]", e) for j, e in enumerate(r["replies"])]
        if not replies:
            raise InputError(f"{where}: replies is empty", path=source)
        index = r.get("index")
        if index is not None and index not in pat.groupindex:
            raise InputError(f"{where}: index {index!r} is not a named group of match "
                             f"(groups: {', '.join(pat.groupindex) or 'none'})", path=source)
        rules.append(Rule(pat, replies, index))
    default = data.get("default")
    try:
        delay = float(data.get("delay") or 0.0)
    except (TypeError, ValueError):
        raise InputError(f"{source}: delay must be a number of seconds", path=source) from None
    return str(data.get("name") or Path(source).stem), delay, rules, default


def load_script(script: str | Path) -> tuple[str, float, list[Rule], str | None, str]:
    """(name, delay, rules, default, sha256 of the text) for a built-in name or a YAML/JSON file."""
    s = str(script)
    if s in BUILTIN_SCRIPTS:
        text = resources.files("prefcraft.backends").joinpath("data", BUILTIN_SCRIPTS[s]).read_text("utf-8")
        source = f"<built-in script {s}>"
    else:
        p = Path(s)
        if not p.is_file():
            raise UsageError(f"{s}: script not found; pass a YAML/JSON script file or a built-in name "
                             f"({', '.join(BUILTIN_SCRIPTS)})")
        text = p.read_text(encoding="utf-8")
        source = s
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: not valid YAML/JSON ({exc})", path=source) from None
    name, delay, rules, default = parse_script(data, source)
    return name, delay, rules, default, hashlib.sha256(text.encode()).hexdigest()[:16]


def _flatten(messages: list[Message]) -> str:
    return "\n".join(f"{m['role']}: {m['content']}" for m in messages)


class ScriptedBackend(Backend):
    """Canned replies from a queue and/or a script; never touches the network.

    ``delay`` (seconds) is added to every call, e.g. to make a kill-mid-run test deterministic.
    """

    name = "scripted"

    def __init__(self, model: str | None = None, *, script: str | Path | None = None,
                 delay: float | None = None, concurrency: int = 1, **_: Any) -> None:
        script = script if script is not None else (model if model in BUILTIN_SCRIPTS else None)
        self.rules: list[Rule] = []
        self.default: str | None = None
        self.script_hash: str | None = None
        script_delay = 0.0
        script_name = None
        if script is not None:
            script_name, script_delay, self.rules, self.default, self.script_hash = load_script(script)
        super().__init__(model or script_name or "scripted", concurrency=concurrency)
        self.script = str(script) if script is not None else None
        self.delay = float(delay) if delay is not None else script_delay
        self._queue: deque[Any] = deque()
        self._lock = threading.Lock()
        self.calls: list[list[Message]] = []  # every chat received, in order

    def enqueue(self, *replies: str | BaseException) -> "ScriptedBackend":
        """Add replies (or exceptions to raise) to serve before the script, first in first out."""
        with self._lock:
            self._queue.extend(replies)
        return self

    def identity(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.model, "script": self.script_hash}

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "script": self.script, "delay": self.delay}

    def _complete(self, messages: list[Message], options: dict[str, Any]) -> Completion:
        if self.delay > 0:
            time.sleep(self.delay)
        with self._lock:
            self.calls.append(messages)
            queued = self._queue.popleft() if self._queue else None
        if isinstance(queued, BaseException):
            raise queued
        text = queued if queued is not None else self._from_script(messages, options)
        usage = {"prompt_tokens": sum(len(m["content"].split()) for m in messages),
                 "completion_tokens": len(text.split())}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        return Completion(text=text, raw={"scripted": True}, model=self.model, usage=usage)

    def _from_script(self, messages: list[Message], options: dict[str, Any]) -> str:
        flat = _flatten(messages)
        for rule in self.rules:
            m = rule.pattern.search(flat)
            if m is None:
                continue
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            eligible = [r for r in rule.replies
                        if all(groups.get(k, ANY) in (v, ANY) for k, v in r.when.items())]
            if not eligible:
                continue
            most = max(len(r.when) for r in eligible)  # the most specific replies win
            eligible = [r for r in eligible if len(r.when) == most]
            if rule.index is not None and groups.get(rule.index, "").isdigit():
                pick = int(groups[rule.index])
            else:
                digest = hashlib.sha256(canonical_json({"m": messages, "o": options})).digest()
                pick = int.from_bytes(digest[:8], "big")
            return eligible[pick % len(eligible)].text
        if self.default is not None:
            return self.default
        where = f"script {self.script}" if self.script else "the queue"
        raise BackendError(
            f"scripted backend: no reply for this chat — {where} is exhausted or no rule matches "
            f"(first 120 chars: {flat[:120]!r}). Enqueue more replies, add a rule, or give the script "
            f"a 'default'")
