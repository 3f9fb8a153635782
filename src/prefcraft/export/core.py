"""``export(dataset, out, ...)``: split, pre-flight, shape rows for a target, write one folder atomically."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from prefcraft.errors import InputError, PrefcraftError, UsageError, require
from prefcraft.export import targets as T
from prefcraft.export.preflight import TRL_DEFAULT_MAX_LENGTH, structural_findings, token_findings
from prefcraft.export.splits import split_dataset
from prefcraft.model import Dataset, Finding

__all__ = ["export", "export_trl", "ExportResult", "PreflightError", "FORMATS", "MANIFEST"]

FORMATS = ("standard", "conversational")
MANIFEST = "export.json"
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class PreflightError(PrefcraftError):
    """The pre-flight found errors; nothing was written (``force=True`` writes anyway)."""

    exit_code = 1

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


@dataclass
class ExportResult:
    out: str
    target: str
    format: str | None
    paths: dict[str, str]
    splits: dict[str, int]
    findings: list[Finding] = field(default_factory=list)
    groups: int = 0
    linked_rows: int = 0
    max_length: int | None = None
    chat_template: str | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def to_dict(self) -> dict[str, Any]:
        counts = Counter(f.severity for f in self.findings)
        return {"out": self.out, "target": self.target, "format": self.format, "paths": self.paths,
                "splits": self.splits, "groups": self.groups, "linked_rows": self.linked_rows,
                "max_length": self.max_length, "chat_template": self.chat_template,
                "summary": {"errors": counts.get("error", 0), "warnings": counts.get("warning", 0),
                            "info": counts.get("info", 0)},
                "findings": [f.to_dict() for f in self.findings]}


def _load(data: Any) -> Dataset:
    if isinstance(data, Dataset):
        return data
    if isinstance(data, (str, os.PathLike)):
        from prefcraft.io import read

        return read(os.fspath(data), on_error="raise").dataset
    if isinstance(data, list):
        if all(hasattr(p, "prompt") and hasattr(p, "chosen") for p in data):
            return Dataset.from_pairs(data)
        return Dataset.from_records(data)
    if hasattr(data, "features"):
        return Dataset.from_hf(data)
    raise UsageError(f"export() takes a Dataset, a path or a list of pairs (got {type(data).__name__})")


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is a file — pass a folder path")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).exists():
        raise UsageError(f"--out {out}: the folder exists, is not empty and was not written by prefcraft export "
                         f"(no {MANIFEST}) — pick a new folder or remove it first; export only replaces its own "
                         "folders")


def _sort(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.row if f.row is not None else -1,
                                           f.check))


def export(data: Any, out: str | os.PathLike, *, target: str = "trl", format: str | None = None,
           tokenizer: Any = None, chat_template: str | os.PathLike | None = None, max_length: int | None = None,
           test_size: float = 0.1, seed: int = 0, keep_metadata: bool = False, license: str = "other",
           preflight: bool = True, force: bool = False, name: str | None = None,
           near_threshold: float = 0.6) -> ExportResult:
    """Export a dataset (or a path) to ``out``; returns an :class:`ExportResult`.

    ``target``: ``trl`` (default: a ``datasets.DatasetDict`` saved with ``save_to_disk`` + JSONL), ``openai``,
    ``llama-factory`` or ``kto``. ``format`` (trl, kto): ``standard`` or ``conversational`` (default: standard
    when every input row is a single-turn standard row, else conversational). ``tokenizer`` (a loaded tokenizer
    or a local folder) and ``chat_template`` (a trl template name, a Jinja file or a tokenizer folder) render
    standard prompts with the lesson's recipe and enable the token pre-flight (``max_length`` defaults to TRL's
    1024). Pre-flight errors raise :class:`PreflightError` and write nothing, unless ``force``.
    """
    if target not in T.TARGETS:
        raise UsageError(f"--to {target!r}: expected one of {', '.join(T.TARGETS)}")
    if format is not None and format not in FORMATS:
        raise UsageError(f"--format {format!r}: expected standard or conversational")
    if target in ("openai", "llama-factory") and (format or tokenizer is not None or chat_template is not None):
        raise UsageError(f"--to {target} writes messages in its own shape: --format, --tokenizer and "
                         "--chat-template apply to --to trl and --to kto only")
    if target == "kto" and (tokenizer is not None or chat_template is not None):
        raise UsageError("--to kto writes plain strings or messages (--format): --tokenizer and --chat-template "
                         "apply to --to trl only")
    if max_length is not None and max_length <= 0:
        raise UsageError(f"--max-length must be a positive number of tokens (got {max_length})")
    if max_length is not None and tokenizer is None:
        raise UsageError("--max-length needs --tokenizer (the pre-flight counts tokens with it)")
    out_path = Path(out)
    _check_out(out_path)
    ds = _load(data)
    if len(ds) == 0:
        raise InputError(f"{ds.source_path or 'the dataset'}: has no pairs — nothing to export")

    from prefcraft.export.templates import load_tokenizer, resolve_chat_template

    tok = load_tokenizer(tokenizer)
    template = resolve_chat_template(chat_template)
    if format is None:
        single = all(len(p) == 1 for p in ds.frame.get_column("prompt").to_list())
        format = "standard" if set(ds.formats()) == {"standard"} and single else "conversational"
        if template is not None and target == "trl":
            format = "standard"
    fmt = format if target in ("trl", "kto") else None
    if tok is not None and max_length is None:
        max_length = TRL_DEFAULT_MAX_LENGTH

    split = split_dataset(ds, test_size=test_size, seed=seed, near_threshold=near_threshold)
    pairs = list(ds)
    ids = ds.ids()
    rows_col = ds.frame.get_column("row").to_list()
    lines = ds.frame.get_column("line").to_list()

    def where(i: int) -> str:
        if lines[i] is not None and ds.source_path:
            return f"{ds.source_path}:{lines[i]}"
        return f"row {rows_col[i] if rows_col[i] is not None else i}"

    shaped: list[Any] = []
    for i, pair in enumerate(pairs):
        if target == "trl":
            rec = T.trl_row(pair, fmt, template=template if fmt == "standard" else None,
                            tokenizer=tok if fmt == "standard" else None, where=where(i))
            if keep_metadata:
                rec.update(T.metadata(pair, ids[i]))
            shaped.append(rec)
        elif target == "kto":
            recs = T.kto_rows(pair, fmt)
            if keep_metadata:
                for r in recs:
                    r.update(T.metadata(pair, ids[i]))
            shaped.append(recs)
        elif target == "openai":
            shaped.append(T.openai_row(pair))
        else:
            shaped.append(T.llama_factory_row(pair, where(i)))

    findings: list[Finding] = []
    if preflight:
        findings += structural_findings(ds, target_format=fmt or "conversational")
        if tok is not None and target == "trl":
            tmpl_text = template.text if (template is not None and fmt == "conversational") else None
            if fmt == "conversational" and tmpl_text is None and not getattr(tok, "chat_template", None):
                raise UsageError("the tokenizer has no chat template, so TRL cannot tokenise conversational rows — "
                                 "pass --chat-template NAME|FILE or use --format standard")
            for name_, idx in (("train", split.train), ("test", split.test)):  # TRL tokenises both
                findings += token_findings([shaped[i] for i in idx], [rows_col[i] for i in idx],
                                           [where(i) for i in idx], tok, max_length, chat_template=tmpl_text,
                                           split=name_)
    if preflight and test_size > 0 and not split.test:
        findings.append(Finding(None, "empty-test-split", "warning",
                                f"the test split is empty: {len(ds)} rows in {len(set(split.groups))} groups leave "
                                f"no whole group for a {test_size:g} share — raise --test-size or add rows"))
    findings = _sort(findings)
    errors = [f for f in findings if f.severity == "error"]
    if errors and not force:
        kinds = Counter(f.check for f in errors)
        raise PreflightError(
            f"pre-flight found {len(errors)} error(s) ({', '.join(f'{k}: {v}' for k, v in kinds.items())}); "
            f"nothing was written to {out_path}. Fix the rows, or pass --force to export anyway.", findings)

    parts = {"train": split.train, "test": split.test}
    result = ExportResult(out=os.fspath(out_path), target=target, format=fmt, paths={}, splits={},
                          findings=findings, groups=len(set(split.groups)), linked_rows=split.linked_rows,
                          max_length=max_length, chat_template=template.origin if template else None)
    options = {"to": target, "format": fmt, "tokenizer": os.fspath(tokenizer) if isinstance(tokenizer, (str, os.PathLike))
               else (type(tokenizer).__name__ if tokenizer is not None else None),
               "chat_template": result.chat_template, "max_length": max_length, "test_size": test_size,
               "seed": seed, "keep_metadata": keep_metadata, "force": force, "preflight": preflight}
    with _atomic_dir(out_path) as tmp:
        rows_by_split = {}
        for s, idx in parts.items():
            if target == "kto":
                rows_by_split[s] = [r for i in idx for r in shaped[i]]
            else:
                rows_by_split[s] = [shaped[i] for i in idx]
        result.splits = {s: len(r) for s, r in rows_by_split.items()}
        data_files = _write_target(tmp, target, fmt, rows_by_split, keep_metadata, result)
        from prefcraft.export.card import render_card

        card = render_card(ds, name=name or "prefcraft safety preference dataset", license=license, target=target, fmt=fmt or "messages",
                           splits=result.splits, data_files=data_files, options=options,
                           findings_summary=Counter(f.severity for f in findings), template_origin=result.chat_template)
        (tmp / "README.md").write_text(card, encoding="utf-8")
        result.paths["card"] = os.fspath(out_path / "README.md")
        result.paths["manifest"] = os.fspath(out_path / MANIFEST)
        manifest = {"prefcraft_export": 1, "options": options, **result.to_dict()}
        (tmp / MANIFEST).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return result


def export_trl(data: Any, out: str | os.PathLike, **kwargs: Any) -> ExportResult:
    """``export(..., target="trl")`` (what ``prefcraft build`` writes to ``<out>/trl``)."""
    return export(data, out, target="trl", **kwargs)


@contextlib.contextmanager
def _atomic_dir(out: Path):
    """Build the folder in a temp dir beside ``out``; on success swap it in (the old one is removed only then)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the export is an ordinary folder
    try:
        yield tmp
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.rmdir(old)
            os.replace(out, old)
        try:
            os.replace(tmp, out)
        except BaseException:
            if old is not None:
                os.replace(old, out)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _features(target: str, fmt: str | None, keep_metadata: bool):
    datasets = require("datasets", extra="hf", feature="Export to a Hugging Face datasets folder")
    Value, List = datasets.Value, datasets.List
    msg = List({"role": Value("string"), "content": Value("string")})
    text = msg if fmt == "conversational" else Value("string")
    if target == "kto":
        cols = {"prompt": text, "completion": text, "label": Value("bool")}
    else:
        cols = {"prompt": text, "chosen": text, "rejected": text}
    if keep_metadata:
        cols.update({"id": Value("string"), "category": Value("string"), "subcategory": Value("string"),
                     "harm": Value("string"), "tags": List(Value("string")), "source": Value("string")})
    return datasets, datasets.Features(cols)


def _jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "wb") as fh:
        for r in rows:
            fh.write(orjson.dumps(r))
            fh.write(b"\n")


def _write_target(tmp: Path, target: str, fmt: str | None, rows: dict[str, list], keep_metadata: bool,
                  result: ExportResult) -> dict[str, str]:
    out = Path(result.out)
    if target in ("trl", "kto"):
        datasets, features = _features(target, fmt, keep_metadata)
        dd = datasets.DatasetDict({s: datasets.Dataset.from_list(r, features=features) if r else
                                   datasets.Dataset.from_dict({k: [] for k in features}, features=features)
                                   for s, r in rows.items()})
        was_disabled = datasets.utils.are_progress_bars_disabled()
        datasets.utils.disable_progress_bars()
        try:
            # one shard per split: an empty split saved with the default writes no shard and cannot be loaded
            dd.save_to_disk(os.fspath(tmp), num_shards={k: max(1, -(-v.data.nbytes // 500_000_000)) for k, v in dd.items()})
        finally:
            if not was_disabled:
                datasets.utils.enable_progress_bars()
        result.paths["datasets"] = os.fspath(out)
    if target == "llama-factory":
        files = {}
        info: dict[str, Any] = {}
        for s, r in rows.items():
            (tmp / f"{s}.json").write_bytes(orjson.dumps(r, option=orjson.OPT_INDENT_2))
            files[s] = f"{s}.json"
            result.paths[s] = os.fspath(out / f"{s}.json")
            info.update(T.llama_factory_info(f"prefcraft_{s}", f"{s}.json"))
        (tmp / "dataset_info.json").write_bytes(orjson.dumps(info, option=orjson.OPT_INDENT_2))
        result.paths["dataset_info"] = os.fspath(out / "dataset_info.json")
        return files
    files = {}
    for s, r in rows.items():
        _jsonl(tmp / f"{s}.jsonl", r)
        files[s] = f"{s}.jsonl"
        result.paths[s] = os.fspath(out / f"{s}.jsonl")
    return files
