"""A SQLite response cache: the same (backend, model, messages, options) never costs a second call.

Key = sha256 of the canonical JSON of ``{"backend": identity, "messages": …, "options": …}`` where
``identity`` is :meth:`Backend.identity` (name, model, and for HTTP the base URL). Default location:
``~/.cache/prefcraft/llm.db`` (``$PREFCRAFT_CACHE_DIR`` or ``$XDG_CACHE_HOME`` move it).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import orjson

from prefcraft.backends.base import Backend, Completion, Message
from prefcraft.errors import UsageError
from prefcraft.model import canonical_json

__all__ = ["CachedBackend", "ResponseCache", "cache_key", "default_cache_path"]


def default_cache_path() -> Path:
    if os.environ.get("PREFCRAFT_CACHE_DIR"):
        return Path(os.environ["PREFCRAFT_CACHE_DIR"]) / "llm.db"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "prefcraft" / "llm.db"


def cache_key(identity: dict[str, Any], messages: list[Message], options: dict[str, Any]) -> str:
    payload = {"backend": identity, "messages": messages, "options": options}
    return hashlib.sha256(canonical_json(payload)).hexdigest()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    backend TEXT NOT NULL,
    model TEXT,
    text TEXT NOT NULL,
    raw TEXT,
    usage TEXT,
    created REAL NOT NULL
)
"""


class ResponseCache:
    """Thread-safe get/put of completions by key (one connection, guarded by a lock; WAL mode)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30,
                                       isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise UsageError(f"{self.path}: cannot open the LLM response cache ({exc}); pass "
                             f"--cache PATH to a writable file or --no-cache") from None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Completion | None:
        with self._lock:
            row = self._db.execute("SELECT model, text, raw, usage FROM responses WHERE key = ?",
                                   (key,)).fetchone()
            if row is None:
                self.misses += 1
                return None
            self.hits += 1
        model, text, raw, usage = row
        return Completion(text=text, raw=orjson.loads(raw) if raw else None, model=model,
                          usage=orjson.loads(usage) if usage else {}, cached=True, attempts=0)

    def put(self, key: str, backend: str, completion: Completion) -> None:
        try:
            raw = orjson.dumps(completion.raw).decode() if completion.raw is not None else None
        except TypeError:
            raw = None
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses (key, backend, model, text, raw, usage, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, backend, completion.model, completion.text, raw,
                 orjson.dumps(completion.usage).decode(), time.time()))

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


class CachedBackend(Backend):
    """Wraps a backend: answers from the cache when it can, otherwise calls it and stores the reply."""

    def __init__(self, inner: Backend, cache: ResponseCache) -> None:
        super().__init__(inner.model, concurrency=inner.concurrency)
        self.inner = inner
        self.cache = cache
        self.name = inner.name

    def identity(self) -> dict[str, Any]:
        return self.inner.identity()

    def describe(self) -> dict[str, Any]:
        return {**self.inner.describe(), "cache": str(self.cache.path)}

    def complete(self, messages, **options: Any) -> Completion:  # type: ignore[override]
        from prefcraft.backends.base import check_messages

        msgs = check_messages(messages)
        opts = {k: v for k, v in options.items() if v is not None}
        key = cache_key(self.inner.identity(), msgs, opts)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        completion = self.inner.complete(msgs, **opts)
        self.cache.put(key, self.inner.name, completion)
        return completion

    def close(self) -> None:
        self.inner.close()
        self.cache.close()
