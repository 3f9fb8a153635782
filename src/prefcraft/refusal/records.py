"""Read the texts to judge: a field of a preference dataset, or plain ``prompt`` + ``response`` rows.

Plain rows go through the io layer's generic record iterator (:func:`prefcraft.io.readers.iter_raw_records`),
so every format the readers sniff (jsonl, json, csv, tsv, parquet, HF folders) works. Each text may be a
string or a list of ``{"role", "content"}`` messages (the last user / assistant message is judged).
"""

from __future__ import annotations

from typing import Any

from prefcraft.errors import InputError

RESPONSE_KEYS = ("response", "completion", "output", "assistant_response")
PROMPT_KEYS = ("prompt", "instruction", "question", "objective")


def _text(value: Any, role: str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        msgs = [m for m in value if isinstance(m, dict)]
        if role is not None:
            msgs = [m for m in msgs if m.get("role") == role] or msgs
        if msgs and isinstance(msgs[-1].get("content"), str):
            return msgs[-1]["content"]
    return None


def _commented_csv(path: str, fmt: str):
    """Rows of a CSV/TSV whose first lines are ``#`` comments (e.g. PyRIT's ``# dataset_version=1.2``),
    or ``None`` when the file has no leading comment lines (the io reader handles it then)."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        first = f.readline()
        if not first.startswith("#"):
            return None
        skipped = 1
        pos = f.tell()
        line = f.readline()
        while line.startswith("#"):
            skipped += 1
            pos = f.tell()
            line = f.readline()
        f.seek(pos)
        reader = csv.DictReader(f, delimiter="," if fmt == "csv" else "\t")
        return [(i, reader.line_num + skipped, row) for i, row in enumerate(reader)]


def read_prompt_response(path: str, *, format: str | None = None) -> tuple[list[str], list[str]]:
    """``(prompts, responses)`` from rows with a ``prompt`` and a ``response`` field."""
    from prefcraft.io.readers import Problem, iter_raw_records, sniff_format

    import os

    if not os.path.exists(path):
        raise InputError(f"{path}: no such file — check the path", path=path)
    fmt = sniff_format(path, format)
    prompts: list[str] = []
    responses: list[str] = []
    items = _commented_csv(path, fmt) if fmt in ("csv", "tsv") and os.path.isfile(path) else None
    for index, line, rec in items if items is not None else iter_raw_records(path, fmt):
        where = f"{path}:{line}" if line is not None else f"{path}: record {index + 1}"
        if isinstance(rec, Problem):
            raise InputError(rec.message, path=path, line=line)
        if not isinstance(rec, dict):
            raise InputError(f"{where}: expected an object with 'prompt' and 'response' fields, found "
                             f"{type(rec).__name__}", path=path, line=line)
        rkey = next((k for k in RESPONSE_KEYS if k in rec), None)
        pkey = next((k for k in PROMPT_KEYS if k in rec), None)
        if rkey is None or pkey is None:
            missing = "response" if rkey is None else "prompt"
            hint = (" — this looks like a preference dataset: use --field chosen or --field rejected"
                    if "chosen" in rec or "rejected" in rec else "")
            raise InputError(f"{where}: field '{missing}' is missing (found keys: "
                             f"{', '.join(map(str, rec)) or 'none'}){hint}", path=path, line=line)
        p, r = _text(rec[pkey], "user"), _text(rec[rkey], "assistant")
        if r is None and rec[rkey] is not None:
            raise InputError(f"{where}: field '{rkey}' must be a string or a list of messages (found "
                             f"{type(rec[rkey]).__name__})", path=path, line=line)
        prompts.append(p or "")
        responses.append(r or "")
    return prompts, responses


def read_pairs_field(path: str, field: str, *, format: str | None = None) -> tuple[list[str], list[str]]:
    """``(prompts, responses)`` where responses are the ``chosen`` or ``rejected`` texts of a dataset."""
    from prefcraft.io import load

    try:
        ds = load(path, format=format)
    except InputError as exc:
        if "response" in str(exc) or "'chosen'" in str(exc):
            raise InputError(f"{exc} (to score plain model outputs with 'prompt' and 'response' fields, "
                             "pass --field response)", path=exc.path, line=exc.line) from None
        raise
    prompts = ds.prompt_text().fill_null("").to_list()
    texts = (ds.chosen_text() if field == "chosen" else ds.rejected_text()).fill_null("").to_list()
    return prompts, texts
