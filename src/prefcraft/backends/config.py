"""Backend settings from command-line flags and an optional TOML file (``--config prefcraft.toml``).

.. code-block:: toml

    [backend]                 # used by `prefcraft propose` (and by `score --engine llm` unless [judge])
    name = "openai"
    model = "Qwen/Qwen2.5-7B-Instruct"
    base_url = "http://127.0.0.1:8000/v1"
    api_key_env = "VLLM_API_KEY"   # the *name* of the variable; keys never go in files or flags
    timeout = 60
    max_retries = 4
    concurrency = 16

    [judge]                   # optional: a different backend for the LLM judge
    name = "openai"
    model = "..."

    [cache]
    path = "~/.cache/prefcraft/llm.db"
    enabled = true

Flags win over the file. The backend is always explicit: with no ``--backend`` and no ``name`` in the
file, commands fail and list the backends; nothing falls back to another provider.
``score --engine llm`` reads ``$PREFCRAFT_CONFIG`` (or ``./prefcraft.toml``) since it has no flags of its own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from prefcraft.backends import registry
from prefcraft.backends.base import Backend
from prefcraft.backends.cache import CachedBackend, ResponseCache
from prefcraft.errors import InputError, UsageError

__all__ = ["load_config", "resolve_settings", "build_backend", "backend_from_config"]

_SECTIONS = {"backend", "judge", "cache", "propose"}


def load_config(path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """The parsed TOML file ({} when ``path`` is None). Unknown sections fail with the fix."""
    if path is None:
        return {}
    p = Path(path).expanduser()
    if not p.is_file():
        raise UsageError(f"{path}: config file not found; pass the path of a TOML file with a "
                         f"[backend] section (see docs/backends.md)")
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})", path=str(path)) from None
    unknown = set(data) - _SECTIONS
    if unknown:
        raise InputError(f"{path}: unknown sections {sorted(unknown)}; expected "
                         f"{', '.join(sorted(_SECTIONS))}", path=str(path))
    return data


def resolve_settings(flags: dict[str, Any], config: dict[str, Any], section: str = "backend") -> dict[str, Any]:
    """Merge ``[section]`` of the config with flags (flags win). Returns settings incl. ``name``."""
    file_settings = dict(config.get(section) or (config.get("backend") if section == "judge" else None) or {})
    name = flags.get("name") or file_settings.get("name")
    if flags.get("name") and file_settings.get("name") and flags["name"] != file_settings["name"]:
        file_settings = {}  # the file describes another backend: none of its settings apply
    merged = {k: v for k, v in file_settings.items() if k != "name"}
    merged.update({k: v for k, v in flags.items() if v is not None and k != "name"})
    if "api_key" in merged:
        raise UsageError("API keys are never read from files or flags: put the key in an environment "
                         "variable and give its name as api_key_env")
    return {"name": name, **merged}


def build_backend(settings: dict[str, Any], *, cache: bool = True,
                  cache_path: str | os.PathLike[str] | None = None) -> Backend:
    s = dict(settings)
    name = s.pop("name", None)
    backend = registry.create(name, **s)
    if cache:
        backend = CachedBackend(backend, ResponseCache(cache_path))
    return backend


def backend_from_config(section: str = "judge", path: str | os.PathLike[str] | None = None) -> Backend:
    """A backend from ``$PREFCRAFT_CONFIG`` / ``./prefcraft.toml`` (used by ``score --engine llm``)."""
    path = path or os.environ.get("PREFCRAFT_CONFIG") or ("prefcraft.toml" if Path("prefcraft.toml").is_file()
                                                          else None)
    if path is None:
        raise UsageError("the llm judge engine needs a backend: write a prefcraft.toml with a [judge] or "
                         "[backend] section (name, model, base_url…) in this folder or point "
                         "$PREFCRAFT_CONFIG at one; prefcraft never picks a backend for you")
    config = load_config(path)
    settings = resolve_settings({}, config, section)
    cache_cfg = config.get("cache") or {}
    return build_backend(settings, cache=bool(cache_cfg.get("enabled", True)),
                         cache_path=Path(cache_cfg["path"]).expanduser() if cache_cfg.get("path") else None)
