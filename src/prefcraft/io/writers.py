"""Writers: JSONL, JSON, Parquet, CSV/TSV — always atomic (temp file in the same folder, then rename).

An interrupted write never leaves a half file and never destroys the previous one.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterable, Iterator

import orjson

from prefcraft.errors import InputError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from prefcraft.io.readers import Problem
    from prefcraft.model import Dataset

__all__ = ["OUTPUT_FORMATS", "atomic_write", "write", "write_quarantine", "output_format_for"]

OUTPUT_FORMATS = ("jsonl", "json", "parquet", "csv", "tsv")
_EXT = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet", ".pq": "parquet",
        ".csv": "csv", ".tsv": "tsv"}


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temp file beside ``path``; on success fsync and rename it over ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    # mkstemp makes the file private (0600); give it the mode a plain open() would (or the old file's)
    try:
        file_mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        file_mode = 0o666 & ~_umask()
    os.chmod(tmp, file_mode)
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def output_format_for(path: str, override: str | None = None) -> str:
    if override:
        fmt = override.lower().lstrip(".")
        if fmt not in OUTPUT_FORMATS:
            raise UsageError(f"unknown output format {override!r}; expected one of {', '.join(OUTPUT_FORMATS)}")
        return fmt
    fmt = _EXT.get(Path(path).suffix.lower())
    if fmt is None:
        raise UsageError(f"{path}: cannot tell the output format from the extension {Path(path).suffix!r} — "
                         f"use one of {', '.join(sorted(_EXT))} or pass --output-format")
    return fmt


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def write(dataset: "Dataset", path: str, *, format: str | None = None, row_format: str | None = None,
          include_id: bool = False) -> str:
    """Write ``dataset`` to ``path`` in ``format`` (from the extension by default)."""
    fmt = output_format_for(path, format)
    if row_format not in (None, "standard", "conversational"):
        raise UsageError(f"row format must be 'standard' or 'conversational' (got {row_format!r})")
    records = dataset.records(row_format, include_id=include_id)
    if fmt == "jsonl":
        with atomic_write(path) as fh:
            for rec in records:
                fh.write(orjson.dumps(rec))
                fh.write(b"\n")
    elif fmt == "json":
        with atomic_write(path) as fh:
            fh.write(orjson.dumps(list(records), option=orjson.OPT_INDENT_2))
            fh.write(b"\n")
    elif fmt in ("csv", "tsv"):
        rows = list(records)
        header = _header(rows)
        with atomic_write(path, "w") as fh:
            writer = csv.writer(fh, delimiter="," if fmt == "csv" else "\t", lineterminator="\r\n")  # RFC 4180; quotes any \r or \n in a cell
            writer.writerow(header)
            for rec in rows:
                writer.writerow([_cell(rec.get(k)) for k in header])
    elif fmt == "parquet":
        _write_parquet(list(records), path, dataset)
    return path


def _header(rows: list[dict[str, Any]]) -> list[str]:
    header: dict[str, None] = {}
    for rec in rows:
        for k in rec:
            header.setdefault(k, None)
    return list(header) or ["prompt", "chosen", "rejected"]


def _write_parquet(rows: list[dict[str, Any]], path: str, dataset: "Dataset") -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    formats = dataset.formats()
    if len(formats) > 1:
        raise UsageError(f"{path}: the dataset mixes standard and conversational rows ({formats}); a Parquet column "
                         "holds one type — pass --row-format standard or --row-format conversational")
    header = _header(rows)
    # metadata objects vary in shape between rows: store them as JSON text so no key is invented or lost
    table_rows = [{k: (orjson.dumps(rec[k]).decode() if k == "metadata" and k in rec else rec.get(k)) for k in header}
                  for rec in rows]
    try:
        table = pa.Table.from_pylist(table_rows) if table_rows else pa.table({k: pa.array([], pa.string()) for k in header})
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InputError(f"{path}: cannot store these records in Parquet ({exc}) — a field holds values of "
                         "different types in different rows; write JSONL instead") from None
    with atomic_write(path) as fh:
        pq.write_table(table, fh)


def write_quarantine(problems: Iterable["Problem"], path: str) -> str:
    """One JSON object per bad record: row, line, check, reason and the raw text."""
    with atomic_write(path) as fh:
        for problem in problems:
            fh.write(orjson.dumps(problem.to_dict()))
            fh.write(b"\n")
    return path
