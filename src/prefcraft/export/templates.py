"""Chat templates and tokenizers for export: the templates the ``trl`` wheel ships, Jinja files, tokenizer
folders; and the lesson's recipe for *standard* rows (templated prompt strings, no doubled BOS/EOS).

Heavy imports (transformers) happen at use; without the ``train`` extra a clear install command is raised.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefcraft.errors import UsageError, require

__all__ = ["ChatTemplate", "trl_template_names", "resolve_chat_template", "load_tokenizer", "FIXED_DATE"]

# Llama 3.1/3.2 templates print today's date: a fixed one keeps exports reproducible.
FIXED_DATE = "26 Jul 2024"


def _trl_dir() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("trl")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "chat_templates"
    return folder if folder.is_dir() else None


def trl_template_names() -> list[str]:
    """Names of the chat templates the installed ``trl`` wheel ships (``qwen2_5``, ``llama3_2``, …)."""
    folder = _trl_dir()
    if folder is None:
        return []
    return sorted(p.stem for p in folder.glob("*.jinja"))


@dataclass
class ChatTemplate:
    """A resolved chat template: its Jinja text and where it came from (``trl:qwen2_5``, a file, a folder)."""

    text: str
    origin: str


def load_tokenizer(spec: Any):
    """A tokenizer object, or a local tokenizer folder / tokenizer.json loaded with AutoTokenizer (offline)."""
    if spec is None or not isinstance(spec, (str, os.PathLike)):
        return spec
    path = os.fspath(spec)
    if not os.path.exists(path):
        raise UsageError(f"--tokenizer {path}: no such folder — pass a local tokenizer folder (with "
                         "tokenizer.json / tokenizer_config.json); nothing is downloaded from a model hub")
    transformers = require("transformers", extra="train", feature="Tokenizer-based export and pre-flight")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        if os.path.isfile(path):
            return transformers.PreTrainedTokenizerFast(tokenizer_file=path)
        return transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - any loader failure is a bad input folder
        raise UsageError(f"--tokenizer {path}: cannot load a tokenizer from it ({type(exc).__name__}: {exc}) — "
                         "pass a folder saved with save_pretrained") from None


def resolve_chat_template(spec: str | os.PathLike | None) -> ChatTemplate | None:
    """``qwen2_5`` (a trl wheel template), a ``.jinja`` file, or a tokenizer folder with a chat template."""
    if spec is None:
        return None
    text = os.fspath(spec)
    names = trl_template_names()
    if text in names:
        folder = _trl_dir()
        assert folder is not None
        return ChatTemplate((folder / f"{text}.jinja").read_text(encoding="utf-8"), f"trl:{text}")
    if os.path.isdir(text):
        tok = load_tokenizer(text)
        template = getattr(tok, "chat_template", None)
        if not template:
            raise UsageError(f"--chat-template {text}: this tokenizer folder has no chat template — pass a "
                             f"template name ({_names_hint(names)}) or a .jinja file")
        if isinstance(template, dict):
            template = template.get("default") or next(iter(template.values()))
        return ChatTemplate(template, text)
    if os.path.isfile(text):
        return ChatTemplate(Path(text).read_text(encoding="utf-8"), text)
    import difflib

    close = difflib.get_close_matches(text, names, n=1)
    hint = f" — did you mean {close[0]!r}?" if close else ""
    raise UsageError(f"--chat-template {text!r} is neither a template shipped with trl, a Jinja file nor a "
                     f"tokenizer folder{hint}. Templates shipped with trl: {_names_hint(names)}")


def _names_hint(names: list[str]) -> str:
    plain = [n for n in names if not n.endswith("_training")]
    return ", ".join(plain) if plain else "(trl is not installed: pip install 'prefcraft[train]')"


def _template_kwargs() -> dict[str, Any]:
    return {"date_string": FIXED_DATE}


def render(messages: list[dict], *, template: ChatTemplate | None, tokenizer: Any,
           add_generation_prompt: bool) -> str:
    """Render messages to text with the tokenizer's (or the given) template; without a tokenizer the BOS/EOS
    specials render empty (TRL adds them when it tokenises)."""
    msgs = [{"role": m["role"], "content": m["content"]} for m in messages]
    if tokenizer is not None:
        kwargs = dict(_template_kwargs())
        if template is not None:
            kwargs["chat_template"] = template.text
        elif not getattr(tokenizer, "chat_template", None):
            raise UsageError("the tokenizer has no chat template — pass --chat-template NAME|FILE "
                             f"({_names_hint(trl_template_names())})")
        return tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=add_generation_prompt,
                                             **kwargs)
    assert template is not None
    from transformers.utils.chat_template_utils import render_jinja_template

    rendered = render_jinja_template(conversations=[msgs], chat_template=template.text,
                                     add_generation_prompt=add_generation_prompt, bos_token="", eos_token="",
                                     pad_token="", unk_token="", **_template_kwargs())
    return rendered[0][0] if isinstance(rendered, tuple) else rendered[0]


def _adds_bos(tokenizer: Any) -> bool:
    bos_id = getattr(tokenizer, "bos_token_id", None)
    if tokenizer is None or bos_id is None:
        return False
    ids = tokenizer("a").input_ids
    return bool(ids) and ids[0] == bos_id


def templated_row(prompt: list[dict], chosen: list[dict], rejected: list[dict], *,
                  template: ChatTemplate | None, tokenizer: Any) -> dict[str, str]:
    """The lesson's recipe: ``prompt`` = the templated prompt with the generation prompt; ``chosen`` /
    ``rejected`` = what the template renders after it (assistant text + the end-of-turn marker).

    * BOS: when the tokenizer adds BOS itself (TRL tokenises standard rows with ``tokenizer(text)``), a BOS
      the template printed is removed from the prompt string, so the sequence holds one BOS.
    * EOS: trailing whitespace after the end-of-turn marker is dropped, so when the marker is the
      tokenizer's EOS, TRL's ``add_eos`` sees it and does not append a second one.
    """
    prompt_text = render(prompt, template=template, tokenizer=tokenizer, add_generation_prompt=True)
    out = {"prompt": prompt_text}
    for side, msgs in (("chosen", chosen), ("rejected", rejected)):
        full = render(prompt + msgs, template=template, tokenizer=tokenizer, add_generation_prompt=False)
        if full.startswith(prompt_text):
            completion = full[len(prompt_text):]
        else:  # the template renders the prompt differently when an answer follows: keep the answer text
            completion = "\n\n".join(m["content"] for m in msgs)
            eos = getattr(tokenizer, "eos_token", None) if tokenizer is not None else None
            if eos:
                completion += eos
        out[side] = completion.rstrip()
    bos = getattr(tokenizer, "bos_token", None) if tokenizer is not None else None
    if bos and _adds_bos(tokenizer):
        while out["prompt"].startswith(bos):
            out["prompt"] = out["prompt"][len(bos):]
    return out
