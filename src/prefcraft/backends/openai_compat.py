"""OpenAI-compatible chat completions over HTTP: vLLM, Ollama, llama.cpp server, LM Studio, OpenAI.

``POST {base_url}/chat/completions`` with ``{"model", "messages", **options}``. The API key is read
from the environment variable named by ``api_key_env`` (never from the command line, never logged).
429, 5xx, timeouts and dropped connections are retried with exponential backoff plus jitter, honouring
``Retry-After``; anything else fails at once with the URL, the status, an excerpt of the body and the
fix. Many vLLM replicas behind one URL scale out by raising ``concurrency``.
"""

from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from typing import Any

from prefcraft.backends.base import Backend, BackendError, Completion, Message
from prefcraft.errors import UsageError, require

RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
BODY_EXCERPT = 300


def _excerpt(text: str, limit: int = BODY_EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class OpenAIBackend(Backend):
    """Chat completions against any OpenAI-compatible server.

    ``base_url`` is the API root including ``/v1`` (``http://127.0.0.1:8000/v1`` for vLLM,
    ``http://localhost:11434/v1`` for Ollama, ``https://api.openai.com/v1``).
    """

    name = "openai"

    def __init__(self, model: str | None = None, *, base_url: str | None = None,
                 api_key_env: str | None = None, timeout: float = 60.0, max_retries: int = 4,
                 backoff: float = 0.5, max_backoff: float = 30.0, max_retry_after: float = 120.0,
                 concurrency: int = 4, headers: dict[str, str] | None = None) -> None:
        if not base_url:
            raise UsageError("the openai backend needs --base-url (e.g. http://127.0.0.1:8000/v1 for "
                             "vLLM, http://localhost:11434/v1 for Ollama, https://api.openai.com/v1)")
        if not model:
            raise UsageError(f"the openai backend needs --model: the model name the server at "
                             f"{base_url} serves (see GET {base_url.rstrip('/')}/models)")
        if not base_url.startswith(("http://", "https://")):
            raise UsageError(f"--base-url must start with http:// or https:// (got {base_url!r})")
        if max_retries < 0 or timeout <= 0:
            raise UsageError(f"need timeout > 0 and max_retries >= 0 (got {timeout}, {max_retries})")
        super().__init__(model, concurrency=concurrency)
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/chat/completions"
        self.api_key_env = api_key_env or "OPENAI_API_KEY"
        key = os.environ.get(self.api_key_env)
        if api_key_env and not key:
            raise UsageError(f"--api-key-env names ${api_key_env}, which is not set; export it "
                             f"(export {api_key_env}=...) or leave --api-key-env out for a server "
                             f"that needs no key")
        self._api_key = key
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        self.max_retry_after = float(max_retry_after)
        self._headers = {"Content-Type": "application/json", **(headers or {})}
        self._client = None
        self._client_lock = threading.Lock()
        self._rng = random.Random()
        self.sleeps: list[float] = []  # every backoff wait, in order (for diagnostics and tests)

    def identity(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.model, "base_url": self.base_url}

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "base_url": self.base_url, "api_key_env": self.api_key_env,
                "api_key_set": bool(self._api_key), "timeout": self.timeout,
                "max_retries": self.max_retries}

    def _http(self):
        with self._client_lock:
            if self._client is None:
                httpx = require("httpx", extra="llm", feature="The openai backend")
                headers = dict(self._headers)
                if self._api_key:
                    headers["Authorization"] = f"Bearer {self._api_key}"
                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.timeout, connect=min(10.0, self.timeout)),
                    headers=headers,
                    limits=httpx.Limits(max_connections=self.concurrency,
                                        max_keepalive_connections=self.concurrency))
            return self._client

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        base = min(self.max_backoff, self.backoff * (2 ** attempt))
        return base / 2 + self._rng.uniform(0, base / 2)  # "equal jitter"

    def _complete(self, messages: list[Message], options: dict[str, Any]) -> Completion:
        client = self._http()  # raises MissingExtraError (naming the pip command) without httpx
        import httpx
        body = {"model": self.model, "messages": messages, **options}
        body.pop("stream", None)
        last: BackendError | None = None
        for attempt in range(self.max_retries + 1):
            retry_after = None
            try:
                resp = client.post(self.url, json=body)
            except httpx.TimeoutException:
                last = BackendError(
                    f"POST {self.url}: no reply within {self.timeout:g} s (model {self.model!r}). "
                    f"The server may be overloaded or still loading the model: raise --timeout, lower "
                    f"--concurrency, or check the server's log", url=self.url, retryable=True)
            except httpx.HTTPError as exc:
                last = BackendError(
                    f"POST {self.url}: cannot connect ({type(exc).__name__}: {exc}). Is the server "
                    f"running and is --base-url right (it should end in /v1)?", url=self.url,
                    retryable=True)
            else:
                if resp.status_code == 200:
                    return self._parse(resp, attempt + 1)
                text = resp.text
                status = resp.status_code
                fix = self._fix_for(status)
                last = BackendError(
                    f"POST {self.url} returned HTTP {status}: {_excerpt(text) or '(empty body)'}. {fix}",
                    url=self.url, status=status, body=text[:2000],
                    retryable=status in RETRY_STATUSES)
                retry_after = parse_retry_after(resp.headers.get("retry-after"))
            last.attempts = attempt + 1
            if not last.retryable or attempt == self.max_retries:
                break
            wait = self._delay(attempt, retry_after)
            self.sleeps.append(wait)
            time.sleep(wait)
        assert last is not None
        if last.retryable and last.attempts > 1:
            last.args = (f"{last.args[0]} (gave up after {last.attempts} attempts)",)
        raise last

    def _fix_for(self, status: int) -> str:
        if status == 401 or status == 403:
            return (f"The server refused the API key: set ${self.api_key_env} to a valid key "
                    f"(or pass --api-key-env NAME)")
        if status == 404:
            return (f"Check --base-url (it should be the API root ending in /v1, got {self.base_url}) "
                    f"and that the server serves model {self.model!r}")
        if status == 400 or status == 422:
            return "The server rejected the request: check --model and the options (temperature, max_tokens)"
        if status == 429:
            return "Rate limited: lower --concurrency or wait"
        if status >= 500:
            return "The server failed: check its log, or lower --concurrency"
        return "Check the server's documentation for this status"

    def _parse(self, resp: Any, attempts: int) -> Completion:
        try:
            data = resp.json()
            choice = data["choices"][0]
            text = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise BackendError(
                f"POST {self.url} returned HTTP 200 but not an OpenAI chat completion (expected "
                f"choices[0].message.content): {_excerpt(resp.text) or '(empty body)'}. Is --base-url "
                f"an OpenAI-compatible API root (ending in /v1)?", url=self.url, status=200,
                body=resp.text[:2000], attempts=attempts) from None
        usage = data.get("usage") or {}
        return Completion(text=text or "", raw=data, model=data.get("model") or self.model,
                          usage={k: v for k, v in usage.items() if isinstance(v, int)},
                          attempts=attempts)
