"""Pre-flight: what TRL would silently do to the exported rows, plus the structural faults it never checks.

TRL 1.x facts this module emulates (``trl/trainer/dpo_trainer.py``, ``DPOTrainer._prepare_dataset``):

* standard rows get the tokenizer's EOS appended to chosen/rejected unless they already end with it, and are
  tokenised with ``tokenizer(text)``; conversational rows with ``apply_chat_template`` (the prompt with
  ``add_generation_prompt=True``);
* the prompt part is the common prefix of tokenize(prompt) and tokenize(prompt + completion); a shorter prefix
  only logs a warning (``template-prefix-mismatch`` here);
* rows whose prompt part alone is ``>= max_length`` are dropped by ``dataset.filter`` without an error
  (``trl-drops-row``); longer sequences are cut at ``max_length`` keeping the start (``trl-truncates``).

Structural checks (identical / empty / role-broken rows, mixed formats) come from the validator
(:func:`prefcraft.checks.validate`) when it is installed, otherwise from the small equivalents below.
"""

from __future__ import annotations

from typing import Any, Iterable

from prefcraft.model import Dataset, Finding

__all__ = ["structural_findings", "token_findings", "TRL_DEFAULT_MAX_LENGTH", "STRUCTURAL_CHECKS"]

TRL_DEFAULT_MAX_LENGTH = 1024
STRUCTURAL_CHECKS = ("empty-text", "bad-roles", "identical-responses", "mixed-format")


def _loc(ds: Dataset, i: int) -> tuple[int, str]:
    row = ds.frame.get_column("row")[i]
    row = int(row) if row is not None else i
    line = ds.frame.get_column("line")[i]
    if line is not None and ds.source_path:
        return row, f"{ds.source_path}:{line}"
    return row, f"row {row}"


def _from_validator(ds: Dataset) -> list[Finding] | None:
    try:
        from prefcraft.checks import ids, validate

        known = set(ids())
    except Exception:  # noqa: BLE001 - the validator is optional (another extra / not yet installed)
        return None
    wanted = [c for c in STRUCTURAL_CHECKS if c in known]
    if len(wanted) < len(STRUCTURAL_CHECKS):
        return None
    try:
        report = validate(ds, only=wanted)
    except Exception:  # noqa: BLE001
        return None
    if getattr(report, "checks_skipped", None):
        return None
    return list(report.findings)


def structural_findings(ds: Dataset, *, target_format: str) -> list[Finding]:
    """identical / empty / role-broken rows and mixed formats (validator's findings when available)."""
    found = _from_validator(ds)
    if found is None:
        found = list(_own_structural(ds))
    out = []
    for f in found:
        if f.check == "mixed-format":
            # export writes one format: mixed input is converted, not an error
            f = Finding(f.row, f.check, "warning", f"{f.message} (export writes every row as {target_format})")
        out.append(f)
    return out


def _own_structural(ds: Dataset) -> Iterable[Finding]:
    formats = ds.formats()
    if len(formats) > 1:
        first = ds.frame.get_column("format")[0] if len(ds) else None
        yield Finding(None, "mixed-format", "warning",
                      f"the dataset mixes formats ({', '.join(f'{k}: {v}' for k, v in sorted(formats.items()))}); "
                      f"TRL decides the format from the first row only ({first})")
    for i, pair in enumerate(ds):
        row, where = _loc(ds, i)
        for side in ("prompt", "chosen", "rejected"):
            msgs = getattr(pair, side)
            if not msgs or any(not (m.get("content") or "").strip() for m in msgs):
                yield Finding(row, "empty-text", "error", f"{where}: {side} has an empty message — write it or drop "
                                                          "the row")
        roles = [m.get("role") for m in pair.prompt]
        problem = None
        if roles and roles[-1] != "user":
            problem = f"prompt ends with a {roles[-1]!r} turn, expected 'user'"
        elif "system" in roles[1:]:
            problem = "a system message appears after the first turn"
        elif any(r not in ("system", "user", "assistant") for r in roles):
            problem = f"prompt has unknown roles {sorted(set(roles) - {'system', 'user', 'assistant'})}"
        else:
            for side in ("chosen", "rejected"):
                bad = [m.get("role") for m in getattr(pair, side) if m.get("role") != "assistant"]
                if bad:
                    problem = f"{side} holds {bad[0]!r} messages, expected only 'assistant'"
                    break
        if problem:
            yield Finding(row, "bad-roles", "error", f"{where}: {problem}")
        if pair.chosen_text.strip() and pair.chosen_text.strip() == pair.rejected_text.strip():
            yield Finding(row, "identical-responses", "error",
                          f"{where}: chosen and rejected are identical — the pair teaches nothing; rewrite one")


def _prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _ids(tokenizer: Any, value: Any, *, chat_template: str | None, generation: bool = False) -> list[int]:
    if isinstance(value, list):
        kwargs: dict[str, Any] = {"date_string": "26 Jul 2024"}
        if chat_template is not None:
            kwargs["chat_template"] = chat_template
        if generation:
            kwargs["add_generation_prompt"] = True
        out = tokenizer.apply_chat_template(value, tokenize=True, return_dict=True, **kwargs)
        return list(out["input_ids"])
    return list(tokenizer(text=value)["input_ids"])


def token_findings(rows: list[dict[str, Any]], source_rows: list[int], locations: list[str], tokenizer: Any,
                   max_length: int, *, chat_template: str | None = None, split: str = "train") -> list[Finding]:
    """TRL's own tokenisation of each exported row: drops, truncations, prefix mismatches, doubled BOS/EOS."""
    out: list[Finding] = []
    eos = getattr(tokenizer, "eos_token", None)
    bos_id = getattr(tokenizer, "bos_token_id", None)
    eos_id = getattr(tokenizer, "eos_token_id", None)
    for rec, row, where in zip(rows, source_rows, locations):
        conv = isinstance(rec["prompt"], list)
        chosen, rejected = rec["chosen"], rec["rejected"]
        if not conv and eos:
            chosen = chosen if chosen.endswith(eos) else chosen + eos
            rejected = rejected if rejected.endswith(eos) else rejected + eos
        p = _ids(tokenizer, rec["prompt"], chat_template=chat_template, generation=True)
        pc = _ids(tokenizer, rec["prompt"] + chosen, chat_template=chat_template)
        pr = _ids(tokenizer, rec["prompt"] + rejected, chat_template=chat_template)
        plen = min(_prefix(p, pc), _prefix(p, pr))
        if plen >= max_length:
            out.append(Finding(row, "trl-drops-row", "error",
                               f"{where} ({split}): the prompt alone is {plen} tokens ≥ max_length {max_length}; "
                               "TRL drops this row without an error — shorten the prompt or raise --max-length"))
            continue
        cut = [(side, len(ids) - max_length) for side, ids in (("chosen", pc), ("rejected", pr))
               if len(ids) > max_length]
        if cut:
            detail = ", ".join(f"{side} loses {n} of {n + max_length} tokens" for side, n in cut)
            out.append(Finding(row, "trl-truncates", "warning",
                               f"{where} ({split}): prompt + completion exceeds max_length {max_length}: {detail} "
                               "(keep-start truncation cuts the end of the answer)"))
        if plen < len(p):
            tail = tokenizer.decode(p[plen:])
            out.append(Finding(row, "template-prefix-mismatch", "warning",
                               f"{where} ({split}): the tokenised prompt is not a prefix of prompt + completion "
                               f"({len(p) - plen} prompt tokens differ: {tail!r}); TRL trains on a context that "
                               "differs from inference"))
        if bos_id is not None and len(pc) > 1 and pc[0] == bos_id and pc[1] == bos_id:
            out.append(Finding(row, "doubled-bos", "error", f"{where} ({split}): the sequence starts with BOS twice"))
        if eos_id is not None and len(pc) > 1 and pc[-1] == eos_id and pc[-2] == eos_id:
            out.append(Finding(row, "doubled-eos", "error", f"{where} ({split}): chosen ends with EOS twice"))
    return out
