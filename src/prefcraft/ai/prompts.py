"""Prompt templates are data: ``prefcraft/ai/prompts/<name>.yaml`` with Jinja2 ``system`` and ``user``.

>>> render("judge_refusal", prompt="p", response="r")[0]["role"]
'system'

Each file has ``name``, ``version``, ``description``, default request ``options`` and the two templates.
Pass ``prompts_dir=`` (or set ``$PREFCRAFT_PROMPTS_DIR``) to use edited copies; a missing variable is an
error, never an empty string.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from prefcraft.errors import InputError

__all__ = ["PromptTemplate", "load_prompt", "render", "TEMPLATE_NAMES"]

TEMPLATE_NAMES = ("propose_prompts", "write_chosen", "write_rejected", "judge_refusal")


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: int
    description: str
    system: str
    user: str
    options: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def render(self, **variables: Any) -> list[dict[str, str]]:
        env = _env()
        try:
            system = env.from_string(self.system).render(**variables).strip()
            user = env.from_string(self.user).render(**variables).strip()
        except Exception as exc:  # jinja2.UndefinedError / TemplateSyntaxError
            raise InputError(f"{self.source}: cannot render prompt template {self.name!r} ({exc}); "
                             f"check the variable names against docs/backends.md") from None
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]


@functools.lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, StrictUndefined

    return Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False,
                       trim_blocks=True, lstrip_blocks=True)


def _read(name: str, prompts_dir: str | None) -> tuple[str, str]:
    folder = prompts_dir or os.environ.get("PREFCRAFT_PROMPTS_DIR")
    if folder:
        p = Path(folder) / f"{name}.yaml"
        if p.is_file():
            return p.read_text(encoding="utf-8"), str(p)
    try:
        text = resources.files("prefcraft.ai").joinpath("prompts", f"{name}.yaml").read_text("utf-8")
    except FileNotFoundError:
        raise InputError(f"no prompt template named {name!r}; expected one of: "
                         f"{', '.join(TEMPLATE_NAMES)}") from None
    return text, f"<built-in prompts/{name}.yaml>"


@functools.lru_cache(maxsize=32)
def load_prompt(name: str, prompts_dir: str | None = None) -> PromptTemplate:
    text, source = _read(name, prompts_dir)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: not valid YAML ({exc})", path=source) from None
    missing = [k for k in ("name", "version", "system", "user") if k not in (data or {})]
    if missing:
        raise InputError(f"{source}: prompt template lacks {', '.join(missing)} (needs name, version, "
                         f"system, user; optional description, options)", path=source)
    return PromptTemplate(name=data["name"], version=int(data["version"]),
                          description=data.get("description", ""), system=data["system"],
                          user=data["user"], options=dict(data.get("options") or {}), source=source)


def render(name: str, *, prompts_dir: str | None = None, **variables: Any) -> list[dict[str, str]]:
    return load_prompt(name, prompts_dir).render(**variables)
