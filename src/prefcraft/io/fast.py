"""The columnar fast path for clean JSONL and Parquet files.

Arrow parses the file in parallel C++; polars reshapes the columns. The fast path only accepts input
whose meaning is unambiguous (exactly the shapes the record-by-record normaliser accepts unchanged, plus
plain column renames); anything else returns ``None`` and the located, record-by-record reader takes over,
so both paths give the same dataset (a property test holds them to it).
"""

from __future__ import annotations

import os
from typing import Callable

import polars as pl

from prefcraft.io.normalise import KNOWN_FIELDS, ROLES, resolve_aliases
from prefcraft.model import MESSAGE_DTYPE, SCHEMA, Dataset

__all__ = ["try_fast"]

_BLOCK = 1 << 24  # 16 MiB: lines longer than this fall back to the streaming reader
_TEXT = ("category", "subcategory", "harm", "source")


def try_fast(path: str, fmt: str, progress: Callable[[int], None] | None = None) -> Dataset | None:
    if path.endswith(".gz"):
        return None
    try:
        table = _read_jsonl(path) if fmt == "jsonl" else _read_parquet(path)
        if table is None or table.num_rows == 0:
            return None
        for name in table.column_names:
            name.encode("utf-8")  # a key with invalid UTF-8 arrives with surrogates: let the slow path say where
        frame = pl.from_arrow(table)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # parse problems, and Rust panics (which are BaseExceptions): explained by the slow path
        return None
    del table
    ds = _columnar(frame, path, fmt)
    _release_arrow_pool()
    if ds is not None and progress:
        progress(len(ds))
    return ds


def _release_arrow_pool() -> None:
    """Hand Arrow's freed parse buffers back to the OS: its allocator keeps them otherwise (about 0.8 GB
    after a 0.66 GB JSONL file), and that would count against everything the caller does next."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _line_shape(path: str, chunk: int = 1 << 25) -> tuple[int, int]:
    """(lines, lines starting with ``{``) after any UTF-8 BOM, streaming the file in 32 MiB chunks."""
    lines = objects = 0
    prev = b"\n"
    with open(path, "rb", buffering=0) as fh:
        head = fh.read(chunk)
        block = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
        while block:
            lines += block.count(b"\n")
            objects += block.count(b"\n{") + (prev == b"\n" and block[:1] == b"{")
            prev = block[-1:]
            block = fh.read(chunk)
    return lines + (0 if prev == b"\n" else 1), objects


def _read_jsonl(path: str):
    import threading

    import pyarrow as pa
    import pyarrow.json as pj

    if os.path.getsize(path) == 0:
        return None
    options = pj.ReadOptions(block_size=_BLOCK)
    with open(path, "rb") as fh:
        bom = fh.read(3) == b"\xef\xbb\xbf"
    if bom:  # rare: Arrow wants the text without the mark
        with open(path, "rb") as fh:
            data = fh.read()[3:]
        shape = _line_shape(path)
        table = pj.read_json(pa.BufferReader(data), read_options=options)
    else:
        # Arrow parses the file on its own threads (the GIL is released) while a second thread checks the
        # line structure: both passes in about the time of the parse, without the whole file in memory
        found: list = []
        counter = threading.Thread(target=lambda: found.append(_line_shape(path)), daemon=True)
        counter.start()
        try:
            table = pj.read_json(path, read_options=options)
        finally:
            counter.join()
        shape = found[0]
    lines, objects = shape
    if objects != lines:  # blank lines, arrays, stray text: keep exact line numbers via the slow path
        return None
    if table.num_rows != lines:
        return None
    table.validate(full=True)  # Arrow does not check UTF-8 while parsing; invalid text → located slow path
    return table


def _read_parquet(path: str):
    import pyarrow.parquet as pq

    return pq.read_table(path)


def _kind(dtype: pl.DataType) -> str | None:
    if dtype == pl.Utf8:
        return "standard"
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        fields = {f.name: f.dtype for f in dtype.inner.fields}
        if fields == {"role": pl.Utf8, "content": pl.Utf8}:
            return "conversational"
    return None


def _columnar(df: pl.DataFrame, path: str, fmt: str) -> Dataset | None:
    mapping = resolve_aliases(df.columns)
    if {"instruction", "input"} & set(mapping) or "input" in df.columns and "prompt" not in df.columns:
        return None
    df = df.rename(mapping)
    if any(name not in df.columns for name in ("prompt", "chosen", "rejected")):
        return None
    kinds = {_kind(df.schema[c]) for c in ("prompt", "chosen", "rejected")}
    if len(kinds) != 1 or None in kinds:
        return None
    kind = kinds.pop()
    for c in ("prompt", "chosen", "rejected"):
        if df.get_column(c).null_count():
            return None
    checks = []
    if kind == "standard":
        checks = [(pl.col(c).str.strip_chars().str.len_bytes().min() == 0).alias(f"empty_{c}")
                  for c in ("prompt", "chosen", "rejected")]
    else:
        for c in ("prompt", "chosen", "rejected"):
            checks.append((pl.col(c).list.len().min() == 0).alias(f"nolist_{c}"))
            checks.append(pl.col(c).list.eval(
                pl.element().struct.field("content").is_null()
                | (pl.element().struct.field("content").str.strip_chars().str.len_bytes() == 0)
                | ~pl.element().struct.field("role").is_in(list(ROLES))
                | pl.element().struct.field("role").is_null()
            ).list.any().any().alias(f"bad_{c}"))
    if any(df.select(checks).row(0)):
        return None

    exprs: list[pl.Expr] = []
    if kind == "standard":
        for c, role in (("prompt", "user"), ("chosen", "assistant"), ("rejected", "assistant")):
            exprs.append(pl.concat_list(pl.struct(pl.lit(role).alias("role"), pl.col(c).alias("content")))
                         .cast(MESSAGE_DTYPE).alias(c))
    else:
        for c in ("prompt", "chosen", "rejected"):
            exprs.append(pl.col(c).list.eval(pl.struct(pl.element().struct.field("role"),
                                                       pl.element().struct.field("content"))).cast(MESSAGE_DTYPE).alias(c))
    for c in _TEXT:
        if c not in df.columns:
            exprs.append(pl.lit(None, dtype=pl.Utf8).alias(c))
        elif df.schema[c] == pl.Utf8 or df.schema[c] == pl.Null:
            stripped = pl.col(c).cast(pl.Utf8).str.strip_chars()
            exprs.append(pl.when(stripped.str.len_bytes() > 0).then(stripped).otherwise(None).alias(c))
        else:
            return None
    if "tags" not in df.columns or df.schema["tags"] == pl.Null:
        exprs.append(pl.lit([], dtype=pl.List(pl.Utf8)).alias("tags"))
    elif df.schema["tags"] == pl.List(pl.Utf8) and not df.select(pl.col("tags").list.eval(pl.element().is_null()).list.any().any()).item():
        exprs.append(pl.col("tags").fill_null([]).alias("tags"))
    else:
        return None
    if "metadata" in df.columns and df.schema["metadata"] != pl.Null:
        return None
    exprs.append(pl.lit(None, dtype=pl.Utf8).alias("metadata"))
    extra_cols = [c for c in df.columns if c not in KNOWN_FIELDS]
    for c in extra_cols:
        dtype = df.schema[c]
        if not (dtype == pl.Utf8 or dtype.is_numeric() or dtype == pl.Boolean) or df.get_column(c).null_count():
            return None
    if extra_cols:
        exprs.append(pl.struct(extra_cols).struct.json_encode().alias("extra"))
    else:
        exprs.append(pl.lit(None, dtype=pl.Utf8).alias("extra"))
    exprs.append(pl.lit(kind).alias("format"))
    exprs.append(pl.int_range(pl.len(), dtype=pl.Int64).alias("row"))
    if fmt == "jsonl":
        exprs.append((pl.int_range(pl.len(), dtype=pl.Int64) + 1).alias("line"))
    else:
        exprs.append(pl.lit(None, dtype=pl.Int64).alias("line"))
    frame = df.select(exprs).select(list(SCHEMA))
    return Dataset(frame, source_path=path, source_format=fmt, aliases=mapping)
