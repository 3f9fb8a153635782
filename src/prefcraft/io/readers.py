"""Readers: sniff the format (overridable), stream records with their location, normalise.

Three ways to meet a bad record:

* ``on_error="raise"`` (strict, the default): stop at the first one with a located :class:`InputError`.
* ``on_error="quarantine"`` (``--lenient``): keep every good record, return each bad one with its reason.
* ``on_error="collect"`` (the validator): like quarantine; the problems become findings.

Input that cannot be parsed at all (not the format it claims, unreadable file) always raises.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal

import orjson
import polars as pl

from prefcraft.errors import InputError, UsageError
from prefcraft.io.normalise import RecordError, normalise_record
from prefcraft.model import SCHEMA, Dataset

__all__ = ["FORMATS", "Problem", "LoadResult", "sniff_format", "iter_raw_records", "read", "load", "build_dataset"]

FORMATS = ("jsonl", "json", "csv", "tsv", "parquet", "hf")
OnError = Literal["raise", "quarantine", "collect"]
_EXTENSIONS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv",
    ".parquet": "parquet", ".pq": "parquet",
}
_WRAPPER_KEYS = ("data", "rows", "records", "examples", "items", "train", "pairs")
_CHUNK = 50_000
_LENIENT_HINT = "; or pass --lenient to keep the good records and quarantine the bad ones with reasons"
ProgressFn = Callable[[int], None]


@dataclass(slots=True)
class Problem:
    """A record that could not be normalised."""

    row: int  # 0-based record index in input order
    line: int | None
    check: str  # validator id: missing-field, wrong-type, empty-text, mixed-format, bad-roles, bad-json
    message: str  # complete, located message
    raw: str | None = None  # original text, for the quarantine file

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "line": self.line, "check": self.check, "reason": self.message, "raw": self.raw}


@dataclass
class LoadResult:
    dataset: Dataset
    problems: list[Problem] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- sniff
def _open_bytes(path: str):
    return gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")


def sniff_format(path: str, override: str | None = None) -> str:
    """Decide the format: the override, else a folder (HF), else the extension, else the content."""
    if override:
        fmt = override.lower().lstrip(".")
        if fmt == "ndjson":
            fmt = "jsonl"
        if fmt not in FORMATS:
            raise UsageError(f"unknown input format {override!r}; expected one of {', '.join(FORMATS)}")
        return fmt
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file or folder — check the path", path=path)
    if p.is_dir():
        if any((p / name).exists() for name in ("dataset_info.json", "dataset_dict.json", "state.json")):
            return "hf"
        raise InputError(
            f"{path}: is a folder but not a Hugging Face dataset saved with save_to_disk (no dataset_info.json "
            "or dataset_dict.json inside) — pass a data file, or the folder that save_to_disk wrote", path=path)
    name = p.name[:-3] if p.name.endswith(".gz") else p.name
    ext = Path(name).suffix.lower()
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    with _open_bytes(path) as fh:
        head = fh.read(4096)
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        first, _, rest = text.partition(b"\n")
        return "jsonl" if first.rstrip().endswith(b"}") else "json"
    if b"\x00" in head:
        raise InputError(
            f"{path}: looks binary and has no known extension — expected JSONL, JSON, CSV, TSV or Parquet; "
            "pass --input-format if it is one of them", path=path)
    first_line = text.split(b"\n", 1)[0]
    if b"\t" in first_line:
        return "tsv"
    if b"," in first_line:
        return "csv"
    raise InputError(
        f"{path}: cannot tell the format from the extension or the content — expected JSONL, JSON, CSV, TSV, "
        "Parquet or a Hugging Face dataset folder; rename the file with its extension or pass --input-format",
        path=path)


# --------------------------------------------------------------------------------------------- iterate
Item = tuple[int, "int | None", Any]  # (record index, line, record dict | Problem)


def _json_problem(path: str, index: int, line: int | None, raw: bytes, exc: Exception, last: bool) -> Problem:
    loc = f"{path}:{line}" if line is not None else f"{path}: record {index + 1}"
    detail = str(exc)
    hint = "expected one JSON object per line (JSON Lines)"
    if index == 0 and raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return Problem(index, line, "bad-json", f"{path}:{line}: the file is UTF-16 encoded; expected UTF-8 — "
                       "re-encode it, e.g. iconv -f utf-16 -t utf-8 in.jsonl > out.jsonl")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as ude:
        hint = (f"the line is not valid UTF-8 (byte 0x{raw[ude.start]:02x} at column {ude.start + 1}) — "
                "re-encode the file as UTF-8, e.g. iconv -f latin1 -t utf-8 in.jsonl > out.jsonl")
        detail = "invalid UTF-8"
    else:
        if b"\x00" in raw or sum(b < 9 for b in raw[:200]) > 3:
            hint = "the line looks binary — is this really a JSON Lines file?"
        elif last and not raw.rstrip().endswith((b"}", b"]")):
            hint = "the last line ends early — the file looks truncated; re-export it or drop the last line"
        elif raw.lstrip().startswith(b"[") or raw.rstrip().endswith(b","):
            hint = "expected one JSON object per line; for a JSON array use a .json file or --input-format json"
    text = raw.decode("utf-8", "replace").strip()
    return Problem(index, line, "bad-json", f"{loc}: not valid JSON ({detail}); {hint}",
                   raw=text if len(text) < 100_000 else text[:100_000])


def _iter_jsonl(path: str) -> Iterator[Item]:
    index = 0
    with _open_bytes(path) as fh:
        prev: bytes | None = None
        line_no = 0
        for raw in fh:
            if prev is not None:
                yield from _jsonl_item(path, index, line_no, prev, last=False)
                if prev.strip():
                    index += 1
            line_no += 1
            if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            prev = raw
        if prev is not None:
            yield from _jsonl_item(path, index, line_no, prev, last=True)


def _jsonl_item(path: str, index: int, line_no: int, raw: bytes, last: bool) -> Iterator[Item]:
    if not raw.strip():
        return
    try:
        yield index, line_no, orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        yield index, line_no, _json_problem(path, index, line_no, raw, exc, last)


def _iter_json(path: str) -> Iterator[Item]:
    with _open_bytes(path) as fh:
        data = fh.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        hint = "the file must be one JSON array of objects, or an object wrapping one (e.g. {\"data\": [...]})"
        if data.lstrip().startswith(b"{") and b"}\n{" in data.replace(b"\r\n", b"\n"):
            hint = "it looks like JSON Lines (one object per line): rename it to .jsonl or pass --input-format jsonl"
        elif not data.strip():
            hint = "the file is empty"
        raise InputError(f"{path}: not valid JSON ({exc}) — {hint}", path=path) from None
    records = doc
    if isinstance(doc, dict):
        lists = [k for k, v in doc.items() if isinstance(v, list)]
        key = next((k for k in _WRAPPER_KEYS if k in lists), lists[0] if len(lists) == 1 else None)
        if key is None:
            if any(k in doc for k in ("prompt", "chosen", "rejected")):
                records = [doc]
            else:
                raise InputError(
                    f"{path}: the top-level JSON object holds no list of records (keys: {', '.join(list(doc)[:8])}) — "
                    "expected an array of objects or a wrapper such as {\"data\": [...]}", path=path)
        else:
            records = doc[key]
    if not isinstance(records, list):
        raise InputError(f"{path}: top-level JSON is {type(records).__name__}; expected an array of records", path=path)
    for i, rec in enumerate(records):
        yield i, None, rec


def _iter_csv(path: str, delimiter: str) -> Iterator[Item]:
    with _open_bytes(path) as fb:
        raw = fb.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x}) — re-encode the file as UTF-8, "
            "e.g. iconv -f latin1 -t utf-8 in.csv > out.csv", path=path, line=line) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(f"{path}:{line}: contains NUL bytes — this does not look like a "
                         f"{'TSV' if delimiter == chr(9) else 'CSV'} text file", path=path, line=line)
    csv.field_size_limit(1 << 30)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise InputError(f"{path}:1: unreadable header ({exc})", path=path, line=1) from None
    header = [h.strip() for h in header]
    index = 0
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield index, start, Problem(index, start, "bad-json", f"{path}:{start}: unreadable CSV row ({exc}) — check the quoting")
            return
        line = reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield index, start, Problem(
                index, start, "wrong-type",
                f"{path}:{start}: row has {len(cells)} cells but the header has {len(header)} columns — "
                "quote cells that contain the delimiter or newlines",
                raw=delimiter.join(cells))
        else:
            yield index, start, dict(zip(header, cells))
        index += 1


def _iter_table(path: str, table) -> Iterator[Item]:
    for i, rec in enumerate(table.to_pylist()):
        yield i, None, rec


def iter_raw_records(path: str, fmt: str) -> Iterator[Item]:
    """Yield ``(index, line, record | Problem)`` in input order."""
    if fmt == "jsonl":
        yield from _iter_jsonl(path)
    elif fmt == "json":
        yield from _iter_json(path)
    elif fmt in ("csv", "tsv"):
        yield from _iter_csv(path, "," if fmt == "csv" else "\t")
    elif fmt == "parquet":
        yield from _iter_table(path, _read_parquet(path))
    elif fmt == "hf":
        from prefcraft.io.hf import iter_hf_folder

        yield from iter_hf_folder(path)
    else:  # pragma: no cover - sniff_format guards this
        raise UsageError(f"unknown format {fmt!r}")


def _read_parquet(path: str):
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise InputError(f"{path}: not a readable Parquet file ({exc}) — re-export it, or pass the right "
                         "--input-format", path=path) from None


# --------------------------------------------------------------------------------------------- build
def _location(path: str, fmt: str | None, index: int, line: int | None) -> str:
    if line is not None:
        return f"{path}:{line}"
    noun = {"parquet": "row", "hf": "row"}.get(fmt or "", "record")
    return f"{path}: {noun} {index + 1}"


def _raw_text(record: Any) -> str:
    try:
        return orjson.dumps(record, default=str).decode()
    except TypeError:
        return repr(record)


def build_dataset(items: Iterable[Item], *, path: str, fmt: str | None, on_error: OnError = "raise",
                  progress: ProgressFn | None = None) -> LoadResult:
    """Normalise ``(index, line, record | Problem)`` items into a :class:`Dataset` (chunked columns)."""
    if on_error not in ("raise", "quarantine", "collect"):
        raise UsageError(f"on_error must be 'raise', 'quarantine' or 'collect' (got {on_error!r})")
    csv_cells = fmt in ("csv", "tsv")
    columnar = fmt in ("csv", "tsv", "parquet", "hf")
    aliases: dict[str, str] = {}
    notes: set[str] = set()
    problems: list[Problem] = []
    frames: list[pl.DataFrame] = []
    cols: dict[str, list[Any]] = {name: [] for name in SCHEMA}
    seen = 0

    def flush() -> None:
        if cols["prompt"]:
            frames.append(pl.DataFrame(cols, schema=SCHEMA))
            for v in cols.values():
                v.clear()

    for index, line, rec in items:
        seen += 1
        if isinstance(rec, Problem):
            if on_error == "raise":
                raise InputError(rec.message + _LENIENT_HINT, path=path, line=line, reason=rec.message)
            problems.append(rec)
            continue
        try:
            row = normalise_record(rec, csv_cells=csv_cells, columnar=columnar, aliases_used=aliases, notes=notes)
        except RecordError as exc:
            message = f"{_location(path, fmt, index, line)}: {exc}"
            if on_error == "raise":
                raise InputError(message + _LENIENT_HINT, path=path, line=line, reason=str(exc)) from None
            problems.append(Problem(index, line, exc.check, message, raw=_raw_text(rec)))
            continue
        cols["prompt"].append(row.prompt)
        cols["chosen"].append(row.chosen)
        cols["rejected"].append(row.rejected)
        cols["category"].append(row.category)
        cols["subcategory"].append(row.subcategory)
        cols["harm"].append(row.harm)
        cols["tags"].append(row.tags)
        cols["source"].append(row.source)
        cols["metadata"].append(row.metadata)
        cols["extra"].append(row.extra)
        cols["format"].append(row.format)
        cols["row"].append(index)
        cols["line"].append(line)
        if len(cols["prompt"]) >= _CHUNK:
            flush()
            if progress:
                progress(seen)
    flush()
    if progress:
        progress(seen)
    frame = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=SCHEMA)
    ds = Dataset(frame, source_path=path, source_format=fmt, aliases=aliases, notes=sorted(notes))
    return LoadResult(ds, problems)


# --------------------------------------------------------------------------------------------- public
def read(source: Any, *, format: str | None = None, on_error: OnError = "raise",
         progress: ProgressFn | None = None, split: str | None = None) -> LoadResult:
    """Read a file, folder or ``datasets.Dataset`` into a :class:`LoadResult` (dataset + problems)."""
    if not isinstance(source, (str, os.PathLike)):
        from prefcraft.io.hf import from_hf_result

        return from_hf_result(source, on_error=on_error)
    path = os.fspath(source)
    fmt = sniff_format(path, format)
    if fmt != "hf" and os.path.isdir(path):
        raise InputError(f"{path}: is a folder; --input-format {fmt} needs a file", path=path)
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file — check the path", path=path)
    if fmt == "hf":
        from prefcraft.io.hf import read_hf_folder

        return read_hf_folder(path, on_error=on_error, split=split)
    if fmt in ("jsonl", "parquet"):
        from prefcraft.io.fast import try_fast

        fast = try_fast(path, fmt, progress=progress)
        if fast is not None:
            return LoadResult(fast)
    items = iter_raw_records(path, fmt)
    return build_dataset(items, path=path, fmt=fmt, on_error=on_error, progress=progress)


def load(source: Any, *, format: str | None = None, lenient: bool = False,
         progress: ProgressFn | None = None, split: str | None = None) -> Dataset:
    """Load a dataset (strict by default). With ``lenient=True`` bad records are skipped; use
    :func:`read` to get them (with reasons) for a quarantine file."""
    result = read(source, format=format, on_error="quarantine" if lenient else "raise", progress=progress,
                  split=split)
    result.dataset.problems = result.problems
    return result.dataset
