"""The one dataset model: :class:`PreferencePair`, the columnar :class:`Dataset`, and :class:`Finding`.

Internally every pair is conversational (lists of ``{"role", "content"}`` messages); ``format``
remembers whether the row came in TRL's *standard* (strings) or *conversational* shape so writers can
give it back unchanged.

Ids are a public contract::

    id = sha256(canonical_json({"prompt": P, "chosen": C, "rejected": R})).hexdigest()[:16]

where P, C and R are the message lists (only ``role`` and ``content`` keys) and ``canonical_json`` is
JSON with sorted keys, ``(",", ":")`` separators, UTF-8 and no ASCII escaping. A standard row and its
conversational twin share one id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Literal

import orjson
import polars as pl

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = [
    "Message",
    "PreferencePair",
    "Dataset",
    "Finding",
    "canonical_json",
    "content_hash",
    "MESSAGE_DTYPE",
    "SCHEMA",
]

Message = dict[str, str]
RowFormat = Literal["standard", "conversational"]
Severity = Literal["error", "warning", "info"]

MESSAGE_DTYPE = pl.List(pl.Struct({"role": pl.Utf8, "content": pl.Utf8}))
SCHEMA: dict[str, pl.DataType] = {
    "prompt": MESSAGE_DTYPE,
    "chosen": MESSAGE_DTYPE,
    "rejected": MESSAGE_DTYPE,
    "category": pl.Utf8,
    "subcategory": pl.Utf8,
    "harm": pl.Utf8,
    "tags": pl.List(pl.Utf8),
    "source": pl.Utf8,
    "metadata": pl.Utf8,  # JSON object text
    "extra": pl.Utf8,  # JSON object text: unknown top-level fields, kept for round-trips
    "format": pl.Utf8,
    "row": pl.Int64,  # 0-based record index in the source (input order)
    "line": pl.Int64,  # 1-based line (JSONL, CSV) or record number; null when built in memory
}
OPTIONAL_TEXT_FIELDS = ("category", "subcategory", "harm", "source")


def canonical_json(value: Any) -> bytes:
    """JSON with sorted keys, compact separators, UTF-8, no ASCII escaping."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _strip(messages: list[Message]) -> list[Message]:
    return [{"role": m["role"], "content": m["content"]} for m in messages]


def content_hash(prompt: list[Message], chosen: list[Message], rejected: list[Message]) -> str:
    """The documented pair id: first 16 hex chars of sha256 over the canonical JSON triplet."""
    payload = {"prompt": _strip(prompt), "chosen": _strip(chosen), "rejected": _strip(rejected)}
    return hashlib.sha256(canonical_json(payload)).hexdigest()[:16]


def _text_of(messages: list[Message], role: str | None) -> str:
    if role == "user":
        for m in reversed(messages):
            if m.get("role") == "user":
                return m.get("content") or ""
        return ""
    return "\n\n".join(m.get("content") or "" for m in messages)


@dataclass(slots=True)
class PreferencePair:
    """One DPO triplet plus its annotations-free descriptors."""

    prompt: list[Message]
    chosen: list[Message]
    rejected: list[Message]
    category: str | None = None
    subcategory: str | None = None
    harm: str | None = None
    tags: list[str] = field(default_factory=list)
    source: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    format: RowFormat = "conversational"
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_strings(cls, prompt: str, chosen: str, rejected: str, **fields: Any) -> "PreferencePair":
        """A standard-format pair from three strings."""
        return cls(
            prompt=[{"role": "user", "content": prompt}],
            chosen=[{"role": "assistant", "content": chosen}],
            rejected=[{"role": "assistant", "content": rejected}],
            format="standard",
            **fields,
        )

    @property
    def id(self) -> str:
        return content_hash(self.prompt, self.chosen, self.rejected)

    @property
    def prompt_text(self) -> str:
        """Content of the last user message (the request being answered)."""
        return _text_of(self.prompt, "user")

    @property
    def chosen_text(self) -> str:
        return _text_of(self.chosen, None)

    @property
    def rejected_text(self) -> str:
        return _text_of(self.rejected, None)

    @property
    def is_multi_turn(self) -> bool:
        return sum(1 for m in self.prompt if m.get("role") == "user") > 1

    def to_record(self, format: RowFormat | None = None, *, include_id: bool = False) -> dict[str, Any]:
        """A plain dict in the original (or the requested) TRL format, with every other field."""
        fmt = format or self.format
        record: dict[str, Any] = {}
        if include_id:
            record["id"] = self.id
        if fmt == "standard":
            record["prompt"] = _standard_prompt(self.prompt)
            record["chosen"] = self.chosen_text
            record["rejected"] = self.rejected_text
        else:
            record["prompt"] = _strip(self.prompt)
            record["chosen"] = _strip(self.chosen)
            record["rejected"] = _strip(self.rejected)
        for name in OPTIONAL_TEXT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                record[name] = value
        if self.tags:
            record["tags"] = list(self.tags)
        if self.metadata:
            record["metadata"] = self.metadata
        for key, value in self.extra.items():
            record.setdefault(key, value)
        return record


def _standard_prompt(messages: list[Message]) -> str:
    if len(messages) == 1 and messages[0].get("role") == "user":
        return messages[0]["content"]
    # A multi-turn or system-prompted conversation has no faithful single-string form: keep the turns.
    return "\n\n".join(f"{m['role']}: {m['content']}" for m in messages)


@dataclass(frozen=True, slots=True)
class Finding:
    """A located observation about the data (a validator check, a pre-flight, a loader problem)."""

    row: int | None
    check: str
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "check": self.check, "severity": self.severity, "message": self.message}


def _empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


class Dataset:
    """A columnar collection of preference pairs (a polars DataFrame with :data:`SCHEMA`).

    Build one with :func:`prefcraft.load`, :meth:`from_pairs`, :meth:`from_records` or :meth:`from_hf`.
    """

    __slots__ = ("frame", "source_path", "source_format", "aliases", "notes", "problems", "_ids")

    def __init__(self, frame: pl.DataFrame | None = None, *, source_path: str | None = None,
                 source_format: str | None = None, aliases: dict[str, str] | None = None,
                 notes: list[str] | None = None) -> None:
        frame = _empty_frame() if frame is None else frame
        missing = [c for c in SCHEMA if c not in frame.columns]
        if missing:
            raise ValueError(f"Dataset frame lacks columns {missing}; expected {list(SCHEMA)}")
        self.frame = frame.select(list(SCHEMA))
        self.source_path = source_path
        self.source_format = source_format
        self.aliases = dict(aliases or {})  # input field → our field, as applied while reading
        self.notes = list(notes or [])  # other reshaping the reader did (e.g. HH-RLHF prompt extraction)
        self.problems: list = []  # records skipped by a lenient load (prefcraft.io.readers.Problem)
        self._ids: list[str] | None = None

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_pairs(cls, pairs: Iterable[PreferencePair], **kwargs: Any) -> "Dataset":
        columns: dict[str, list[Any]] = {name: [] for name in SCHEMA}
        for i, pair in enumerate(pairs):
            columns["prompt"].append(_strip(pair.prompt))
            columns["chosen"].append(_strip(pair.chosen))
            columns["rejected"].append(_strip(pair.rejected))
            for name in OPTIONAL_TEXT_FIELDS:
                columns[name].append(getattr(pair, name))
            columns["tags"].append(list(pair.tags))
            columns["metadata"].append(orjson.dumps(pair.metadata).decode() if pair.metadata else None)
            columns["extra"].append(orjson.dumps(pair.extra).decode() if pair.extra else None)
            columns["format"].append(pair.format)
            columns["row"].append(i)
            columns["line"].append(None)
        return cls(pl.DataFrame(columns, schema=SCHEMA), **kwargs)

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]], **kwargs: Any) -> "Dataset":
        """Normalise plain dicts (any supported shape, aliases included) strictly."""
        from prefcraft.io.normalise import normalise_records

        return normalise_records(records, **kwargs)

    @classmethod
    def from_hf(cls, hf_dataset: Any, **kwargs: Any) -> "Dataset":
        """From a ``datasets.Dataset`` (rows normalised like any other input)."""
        from prefcraft.io.hf import from_hf

        return from_hf(hf_dataset, **kwargs)

    @classmethod
    def from_polars(cls, frame: pl.DataFrame, **kwargs: Any) -> "Dataset":
        """From a polars DataFrame with prompt/chosen/rejected columns (any supported shape)."""
        return cls.from_records(frame.to_dicts(), **kwargs)

    @classmethod
    def from_pandas(cls, frame: "pandas.DataFrame", **kwargs: Any) -> "Dataset":
        """From a pandas DataFrame with prompt/chosen/rejected columns (any supported shape)."""
        return cls.from_records(frame.to_dict(orient="records"), **kwargs)

    @classmethod
    def concat(cls, datasets: Iterable["Dataset"]) -> "Dataset":
        frames = [d.frame for d in datasets]
        if not frames:
            return cls()
        frame = pl.concat(frames, how="vertical")
        return cls(frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("row")))

    # ---------------------------------------------------------------- access
    def __len__(self) -> int:
        return self.frame.height

    def __iter__(self) -> Iterator[PreferencePair]:
        for row in self.frame.iter_rows(named=True):
            yield _pair_from_row(row)

    def __getitem__(self, index: int) -> PreferencePair:
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"row {index} out of range for a dataset of {len(self)} pairs")
        return _pair_from_row(self.frame.row(index, named=True))

    def __repr__(self) -> str:
        src = f", source={self.source_path!r}" if self.source_path else ""
        return f"Dataset(rows={len(self)}, formats={self.formats()}{src})"

    def select(self, rows: Iterable[int]) -> "Dataset":
        """A new dataset with the given positions (in that order)."""
        idx = pl.Series("i", list(rows), dtype=pl.UInt32)
        return Dataset(self.frame[idx], source_path=self.source_path, source_format=self.source_format,
                       aliases=self.aliases, notes=self.notes)

    def formats(self) -> dict[str, int]:
        counts = self.frame.get_column("format").value_counts()
        return {r["format"]: r["count"] for r in counts.iter_rows(named=True)}

    def prompt_text(self) -> pl.Series:
        """Content of the last user message of each prompt."""
        return self.frame.select(
            pl.col("prompt").list.eval(
                pl.element().filter(pl.element().struct.field("role") == "user").struct.field("content")
            ).list.last().fill_null("").alias("prompt_text")
        ).to_series()

    def _assistant_text(self, column: str) -> pl.Series:
        return self.frame.select(
            pl.col(column).list.eval(pl.element().struct.field("content").fill_null(""))
            .list.join("\n\n").alias(f"{column}_text")
        ).to_series()

    def chosen_text(self) -> pl.Series:
        return self._assistant_text("chosen")

    def rejected_text(self) -> pl.Series:
        return self._assistant_text("rejected")

    def ids(self) -> list[str]:
        """Content-hash ids (see module docstring), computed once, vectorised.

        Polars encodes the canonical JSON (struct fields in sorted order); a property test holds it
        byte-identical to :func:`canonical_json`.
        """
        if self._ids is None:
            def messages(col: str) -> pl.Expr:
                return pl.col(col).list.eval(pl.struct(pl.element().struct.field("content"),
                                                       pl.element().struct.field("role"))).alias(col)

            encoded = self.frame.select(
                pl.struct(messages("chosen"), messages("prompt"), messages("rejected")).struct.json_encode()
            ).to_series()
            sha = hashlib.sha256
            self._ids = [sha(text.encode()).hexdigest()[:16] for text in encoded]
        return self._ids

    def records(self, format: RowFormat | None = None, *, include_id: bool = False) -> Iterator[dict[str, Any]]:
        """Plain dicts, each in its original format unless ``format`` is given."""
        for pair in self:
            yield pair.to_record(format, include_id=include_id)

    # ---------------------------------------------------------------- conversion
    def save(self, path: str, format: str | None = None, *, row_format: RowFormat | None = None,
             include_id: bool = False) -> str:
        """Write atomically (temp file + rename). Returns the path written."""
        from prefcraft.io.writers import write

        return write(self, path, format=format, row_format=row_format, include_id=include_id)

    def to_polars(self) -> pl.DataFrame:
        """The internal columnar frame (messages as lists of structs); see :data:`SCHEMA`."""
        return self.frame.clone()

    def to_pandas(self, row_format: RowFormat | None = None) -> "pandas.DataFrame":
        """One row per pair in TRL's shape (plus optional fields); needs pandas (``prefcraft[hf]``)."""
        from prefcraft.errors import require

        pd = require("pandas", extra="hf", feature="Dataset.to_pandas")
        return pd.DataFrame(list(self.records(row_format)))

    def to_hf(self, row_format: RowFormat | None = None) -> Any:
        """A ``datasets.Dataset`` (needs the ``hf`` extra)."""
        from prefcraft.io.hf import to_hf

        return to_hf(self, row_format=row_format)


def _pair_from_row(row: dict[str, Any]) -> PreferencePair:
    return PreferencePair(
        prompt=row["prompt"],
        chosen=row["chosen"],
        rejected=row["rejected"],
        category=row["category"],
        subcategory=row["subcategory"],
        harm=row["harm"],
        tags=row["tags"] or [],
        source=row["source"],
        metadata=orjson.loads(row["metadata"]) if row["metadata"] else {},
        format=row["format"],
        extra=orjson.loads(row["extra"]) if row["extra"] else {},
    )
