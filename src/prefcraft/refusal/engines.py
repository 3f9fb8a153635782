"""Judge engines: a registry that owns names, rejects duplicates and lists what exists.

An engine is any object with ``name``, ``description`` and
``judge_many(prompts, responses) -> list[Judgment]``. Built-ins are registered exactly like extensions::

    from prefcraft.refusal import engines
    engines.register("llm", lambda: MyLLMEngine(backend=...), "LLM judge over a prefcraft backend")

An ``llm`` engine (added with the LLM backends) only has to implement :class:`Engine`: build the judge
prompt in one place, parse the reply in another, and return ``Judgment(kind="unscorable", …)`` when a
reply cannot be parsed. It may reuse :func:`prefcraft.refusal.rules.assemble` to attach the rubric.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from prefcraft.errors import UsageError
from prefcraft.refusal.judgment import Judgment


@runtime_checkable
class Engine(Protocol):
    name: str
    description: str

    def judge_many(self, prompts: Sequence[str], responses: Sequence[str]) -> list[Judgment]: ...


@dataclass(frozen=True)
class EngineInfo:
    name: str
    description: str
    requires: str | None  # the extra it needs, or None


_FACTORIES: dict[str, tuple[Callable[[], Engine], EngineInfo]] = {}
_INSTANCES: dict[str, Engine] = {}


def register(name: str, factory: Callable[[], Engine], description: str, *,
             requires: str | None = None) -> None:
    """Register an engine factory under ``name`` (called once, on first use)."""
    if name in _FACTORIES:
        raise UsageError(f"a judge engine named {name!r} is already registered "
                         f"(registered: {', '.join(sorted(_FACTORIES))}); pick another name")
    _FACTORIES[name] = (factory, EngineInfo(name, description, requires))


def unregister(name: str) -> None:
    _FACTORIES.pop(name, None)
    _INSTANCES.pop(name, None)


def names() -> list[str]:
    return list(_FACTORIES)


def available() -> list[EngineInfo]:
    """Every registered engine, in registration order."""
    return [info for _, info in _FACTORIES.values()]


def get(name: str) -> Engine:
    """The engine instance for ``name`` (created once). Unknown names raise :class:`UsageError`."""
    if name not in _FACTORIES:
        raise UsageError(f"unknown judge engine {name!r}; expected one of: {', '.join(_FACTORIES)}")
    if name not in _INSTANCES:
        _INSTANCES[name] = _FACTORIES[name][0]()
    return _INSTANCES[name]


class RulesEngine:
    name = "rules"
    description = "linguistic cues + a small shipped linear model (no torch, no network)"

    def judge_many(self, prompts: Sequence[str], responses: Sequence[str]) -> list[Judgment]:
        from prefcraft.refusal import rules

        return rules.judge_many(prompts, responses)


def _embed_factory() -> Engine:
    from prefcraft.refusal.embed import EmbedEngine

    return EmbedEngine()


def _llm_factory() -> Engine:
    from prefcraft.ai.judge import LLMJudgeEngine  # its backend comes from prefcraft.toml [judge] / [backend]

    return LLMJudgeEngine()


register("rules", RulesEngine, RulesEngine.description)
register("embed", _embed_factory,
         "logistic-regression head on MiniLM sentence embeddings + the rules rubric", requires="embed")
register("llm", _llm_factory, "LLM judge over the backend configured in prefcraft.toml ([judge] or [backend])")
