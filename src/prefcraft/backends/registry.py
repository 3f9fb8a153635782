"""The backend registry: owns names, rejects duplicates, lists what exists (``prefcraft backends``).

Built-ins are registered exactly like extensions::

    from prefcraft.backends import registry
    registry.register("mine", MyBackend, "my in-house gateway", requires="llm")
    backend = registry.create("mine", model="m-1", base_url=...)

There is no default backend and no fallback: :func:`create` builds exactly the backend it is asked for,
or raises.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prefcraft.backends.base import Backend
from prefcraft.errors import UsageError


@dataclass(frozen=True)
class BackendInfo:
    name: str
    description: str
    requires: str | None  # the extra it needs (pip install 'prefcraft[...]'), or None
    options: tuple[str, ...]  # the settings it takes (CLI flags / config keys)
    module: str | None = None  # import that tells whether the extra is installed

    def installed(self) -> bool:
        if self.module is None:
            return True
        try:
            return importlib.util.find_spec(self.module) is not None
        except (ImportError, ValueError):
            return False


_FACTORIES: dict[str, tuple[Callable[..., Backend], BackendInfo]] = {}


def register(name: str, factory: Callable[..., Backend], description: str, *, requires: str | None = None,
             options: tuple[str, ...] = (), module: str | None = None) -> None:
    if name in _FACTORIES:
        raise UsageError(f"a backend named {name!r} is already registered "
                         f"(registered: {', '.join(sorted(_FACTORIES))}); pick another name")
    _FACTORIES[name] = (factory, BackendInfo(name, description, requires, tuple(options), module))


def unregister(name: str) -> None:
    _FACTORIES.pop(name, None)


def names() -> list[str]:
    return list(_FACTORIES)


def available() -> list[BackendInfo]:
    return [info for _, info in _FACTORIES.values()]


def info(name: str) -> BackendInfo:
    _check(name)
    return _FACTORIES[name][1]


def _check(name: str | None) -> None:
    if not name:
        raise UsageError(f"no backend given: pass --backend NAME (one of: {', '.join(_FACTORIES)}) or "
                         f"set [backend] name = \"...\" in the --config file; prefcraft never picks one "
                         f"for you")
    if name not in _FACTORIES:
        raise UsageError(f"unknown backend {name!r}; expected one of: {', '.join(_FACTORIES)} "
                         f"(see `prefcraft backends`)")


def create(name: str | None, **settings: Any) -> Backend:
    """Build backend ``name`` with ``settings`` (None values are dropped). Unknown settings fail."""
    _check(name)
    factory, binfo = _FACTORIES[name]  # type: ignore[index]
    settings = {k: v for k, v in settings.items() if v is not None}
    unknown = [k for k in settings if binfo.options and k not in binfo.options]
    if unknown:
        raise UsageError(f"backend {name!r} does not take {', '.join(sorted(unknown))}; it takes: "
                         f"{', '.join(binfo.options)}")
    return factory(**settings)


def _openai(**kw: Any) -> Backend:
    from prefcraft.backends.openai_compat import OpenAIBackend

    return OpenAIBackend(**kw)


def _transformers(**kw: Any) -> Backend:
    from prefcraft.backends.local import TransformersBackend

    return TransformersBackend(**kw)


def _scripted(**kw: Any) -> Backend:
    from prefcraft.backends.scripted import ScriptedBackend

    kw.setdefault("script", "demo")
    return ScriptedBackend(**kw)


register("openai", _openai,
         "OpenAI-compatible chat completions over HTTP (vLLM, Ollama, llama.cpp server, LM Studio, OpenAI)",
         requires="llm", module="httpx",
         options=("model", "base_url", "api_key_env", "timeout", "max_retries", "backoff", "max_backoff",
                  "max_retry_after", "concurrency", "headers"))
register("transformers", _transformers,
         "a local transformers model folder or GGUF file on disk (CPU; nothing is downloaded)",
         requires="train", module="transformers",
         options=("model", "gguf_file", "device", "dtype", "max_new_tokens", "concurrency"))
register("scripted", _scripted,
         "canned replies from a script (built-in 'demo' covers every category) — offline demos and tests",
         options=("model", "script", "delay", "concurrency"))
