"""Row shapes for every export target: TRL (standard / conversational), OpenAI preference fine-tuning,
LLaMA-Factory (sharegpt, ranking) and KTO's unpaired format."""

from __future__ import annotations

from typing import Any

from prefcraft.errors import UsageError
from prefcraft.model import PreferencePair

__all__ = ["TARGETS", "trl_row", "openai_row", "llama_factory_row", "kto_rows", "llama_factory_info"]

TARGETS = ("trl", "openai", "llama-factory", "kto")
META_FIELDS = ("id", "category", "subcategory", "harm", "tags", "source")


def _msgs(messages: list[dict]) -> list[dict[str, str]]:
    return [{"role": m["role"], "content": m["content"]} for m in messages]


def trl_row(pair: PreferencePair, fmt: str, *, template: Any = None, tokenizer: Any = None,
            where: str = "") -> dict[str, Any]:
    """One TRL preference row: conversational (message lists) or standard (strings)."""
    if fmt == "conversational":
        return {"prompt": _msgs(pair.prompt), "chosen": _msgs(pair.chosen), "rejected": _msgs(pair.rejected)}
    if template is not None or tokenizer is not None:
        from prefcraft.export.templates import templated_row

        return templated_row(_msgs(pair.prompt), _msgs(pair.chosen), _msgs(pair.rejected), template=template,
                             tokenizer=tokenizer)
    if len(pair.prompt) != 1 or pair.prompt[0].get("role") != "user":
        raise UsageError(f"{where}: this prompt has {len(pair.prompt)} turns (or a system message), which a plain "
                         "standard string cannot hold faithfully — use --format conversational, or pass "
                         "--chat-template/--tokenizer to render it")
    return {"prompt": pair.prompt[0]["content"], "chosen": pair.chosen_text, "rejected": pair.rejected_text}


def metadata(pair: PreferencePair, pair_id: str) -> dict[str, Any]:
    return {"id": pair_id, "category": pair.category, "subcategory": pair.subcategory, "harm": pair.harm,
            "tags": list(pair.tags), "source": pair.source}


def openai_row(pair: PreferencePair) -> dict[str, Any]:
    """OpenAI preference fine-tuning (DPO) JSONL row."""
    return {"input": {"messages": _msgs(pair.prompt)},
            "preferred_output": _msgs(pair.chosen),
            "non_preferred_output": _msgs(pair.rejected)}


_SHAREGPT = {"user": "human", "assistant": "gpt"}


def llama_factory_row(pair: PreferencePair, where: str = "") -> dict[str, Any]:
    """LLaMA-Factory sharegpt ranking row: ``conversations`` (human/gpt turns, ending with human), ``chosen``
    and ``rejected`` (one gpt message each), ``system`` when present."""
    row: dict[str, Any] = {"conversations": []}
    for k, m in enumerate(pair.prompt):
        if m["role"] == "system" and k == 0:
            row["system"] = m["content"]
            continue
        if m["role"] not in _SHAREGPT:
            raise UsageError(f"{where}: role {m['role']!r} has no sharegpt tag (expected user/assistant, system "
                             "first)")
        row["conversations"].append({"from": _SHAREGPT[m["role"]], "value": m["content"]})
    row["chosen"] = {"from": "gpt", "value": pair.chosen_text}
    row["rejected"] = {"from": "gpt", "value": pair.rejected_text}
    return row


def llama_factory_info(name: str, file_name: str) -> dict[str, Any]:
    """The ``dataset_info.json`` entry (LLaMA-Factory data/README.md, sharegpt preference datasets)."""
    return {name: {"file_name": file_name, "formatting": "sharegpt", "ranking": True,
                   "columns": {"messages": "conversations", "chosen": "chosen", "rejected": "rejected",
                               "system": "system"},
                   "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human",
                            "assistant_tag": "gpt", "system_tag": "system"}}}


def kto_rows(pair: PreferencePair, fmt: str) -> list[dict[str, Any]]:
    """Two unpaired KTO rows: (prompt, chosen, label=True) and (prompt, rejected, label=False)."""
    if fmt == "conversational":
        prompt: Any = _msgs(pair.prompt)
        good: Any = _msgs(pair.chosen)
        bad: Any = _msgs(pair.rejected)
    else:
        if len(pair.prompt) != 1:
            raise UsageError("KTO standard rows need single-turn prompts — use --format conversational")
        prompt, good, bad = pair.prompt[0]["content"], pair.chosen_text, pair.rejected_text
    return [{"prompt": prompt, "completion": good, "label": True},
            {"prompt": prompt, "completion": bad, "label": False}]
