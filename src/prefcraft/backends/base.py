"""The one small interface every LLM backend implements: :class:`Backend` → :class:`Completion`.

A backend turns a chat (a list of ``{"role", "content"}`` messages) into a reply::

    completion = backend.complete([{"role": "user", "content": "Hi"}], temperature=0.7, max_tokens=200)
    completion.text, completion.model, completion.usage

``complete_many`` runs a batch on a thread pool bounded by the backend's ``concurrency``. Options are
passed through as given (``temperature``, ``max_tokens``, ``top_p``, ``seed``, ``stop``); a backend
that cannot honour one ignores it and says so in :meth:`Backend.describe`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from prefcraft.errors import PrefcraftError, UsageError

Message = dict[str, str]


class BackendError(PrefcraftError):
    """A backend call failed: the message says what was called, what came back and the fix."""

    exit_code = 1

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None,
                 body: str | None = None, attempts: int = 1, retryable: bool = False) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.body = body
        self.attempts = attempts
        self.retryable = retryable


@dataclass(slots=True)
class Completion:
    """One reply: ``text`` (the assistant message), the backend's ``raw`` response, token ``usage``."""

    text: str
    raw: Any = None
    model: str | None = None
    usage: dict[str, int] = field(default_factory=dict)
    cached: bool = False
    attempts: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "raw": self.raw, "model": self.model, "usage": dict(self.usage),
                "cached": self.cached, "attempts": self.attempts}


def check_messages(messages: Sequence[Message]) -> list[Message]:
    """Validate a chat before sending it; returns plain ``{"role", "content"}`` dicts."""
    if not messages:
        raise UsageError("a completion needs at least one message; got an empty list")
    out: list[Message] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str) or not isinstance(m.get("content"), str):
            raise UsageError(f"message {i} must be a dict with string 'role' and 'content' "
                             f"(got {m!r:.120})")
        out.append({"role": m["role"], "content": m["content"]})
    return out


class Backend:
    """Base class: subclasses implement :meth:`_complete`; everything else is shared.

    ``name`` is the registry name (``openai``, ``transformers``, ``scripted``); ``model`` the model the
    replies come from; ``concurrency`` the most calls in flight at once (also the thread-pool size of
    :meth:`complete_many`).
    """

    name: str = "backend"

    def __init__(self, model: str | None = None, *, concurrency: int = 1) -> None:
        if concurrency < 1:
            raise UsageError(f"concurrency must be at least 1 (got {concurrency})")
        self.model = model
        self.concurrency = concurrency
        self._slots = threading.BoundedSemaphore(concurrency)

    # -- what subclasses implement ----------------------------------------------------------------
    def _complete(self, messages: list[Message], options: dict[str, Any]) -> Completion:
        raise NotImplementedError

    def identity(self) -> dict[str, Any]:
        """What makes two backends give the same reply to the same request (the cache key part)."""
        return {"backend": self.name, "model": self.model}

    def describe(self) -> dict[str, Any]:
        """A JSON-safe description for provenance and ``prefcraft backends`` (never secrets)."""
        return {"backend": self.name, "model": self.model, "concurrency": self.concurrency}

    def close(self) -> None:
        """Release connections or models (optional)."""

    # -- shared -----------------------------------------------------------------------------------
    def complete(self, messages: Sequence[Message], **options: Any) -> Completion:
        """One chat completion. Raises :class:`BackendError` when it cannot get a reply."""
        msgs = check_messages(messages)
        opts = {k: v for k, v in options.items() if v is not None}
        with self._slots:
            return self._complete(msgs, opts)

    def complete_many(self, requests: Sequence[Sequence[Message]], *, concurrency: int | None = None,
                      return_exceptions: bool = False, **options: Any) -> list[Any]:
        """Complete every chat in ``requests`` (in order) with at most ``concurrency`` in flight.

        With ``return_exceptions=True`` a failed request yields its :class:`BackendError` in place;
        otherwise the first failure (in input order) is raised once all calls have finished.
        """
        workers = max(1, min(concurrency or self.concurrency, len(requests) or 1))

        def one(msgs: Sequence[Message]) -> Any:
            try:
                return self.complete(msgs, **options)
            except BackendError as exc:
                return exc

        if workers == 1:
            results = [one(r) for r in requests]
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"prefcraft-{self.name}") as pool:
                results = list(pool.map(one, requests))
        if not return_exceptions:
            for r in results:
                if isinstance(r, BackendError):
                    raise r
        return results

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r}, concurrency={self.concurrency})"
