"""LLM backends behind one small interface (see :mod:`prefcraft.backends.base`).

>>> from prefcraft.backends import create
>>> backend = create("scripted")                   # the built-in demo script, offline
>>> backend.complete([{"role": "user", "content": "hello"}]).text   # doctest: +SKIP

Built-ins: ``openai`` (any OpenAI-compatible HTTP server), ``transformers`` (a local model folder),
``scripted`` (canned replies). Wrap any of them in :class:`CachedBackend` to never pay twice.
"""

from __future__ import annotations

from prefcraft.backends import registry
from prefcraft.backends.base import Backend, BackendError, Completion
from prefcraft.backends.cache import CachedBackend, ResponseCache, cache_key, default_cache_path
from prefcraft.backends.registry import available, create, register
from prefcraft.backends.scripted import ScriptedBackend

__all__ = ["Backend", "BackendError", "CachedBackend", "Completion", "ResponseCache", "ScriptedBackend",
           "available", "cache_key", "create", "default_cache_path", "register", "registry"]
