"""The summary behind ``prefcraft info`` (returns data; the CLI renders it)."""

from __future__ import annotations

from typing import Any

import polars as pl

from prefcraft.model import Dataset


def dataset_info(ds: Dataset, *, skipped: int = 0) -> dict[str, Any]:
    frame = ds.frame
    fields = ["prompt", "chosen", "rejected"]
    for name in ("category", "subcategory", "harm", "source"):
        if frame.get_column(name).null_count() < frame.height:
            fields.append(name)
    if frame.height and frame.select(pl.col("tags").list.len().max()).item():
        fields.append("tags")
    if frame.get_column("metadata").null_count() < frame.height:
        fields.append("metadata")
    extra_keys: dict[str, None] = {}
    for text in frame.get_column("extra").drop_nulls().head(1000).to_list():
        import orjson

        extra_keys.update(dict.fromkeys(orjson.loads(text)))
    fields.extend(extra_keys)

    def counts(col: str) -> dict[Any, int]:
        if frame.get_column(col).null_count() == frame.height:
            return {}
        vc = frame.get_column(col).value_counts(sort=True)
        return {r[col]: r["count"] for r in vc.iter_rows(named=True)}

    lengths = {}
    for name, series in (("prompt", ds.prompt_text()), ("chosen", ds.chosen_text()), ("rejected", ds.rejected_text())):
        n = series.str.len_chars()
        lengths[name] = {"min": n.min() or 0, "median": n.median() or 0, "mean": n.mean() or 0, "max": n.max() or 0}
    user_turns = frame.select(
        pl.col("prompt").list.eval(pl.element().struct.field("role") == "user").list.sum().alias("u")
    ).get_column("u")
    return {
        "path": ds.source_path,
        "source_format": ds.source_format,
        "rows": frame.height,
        "skipped": skipped,
        "row_formats": ds.formats(),
        "multi_turn": int((user_turns > 1).sum()) if frame.height else 0,
        "fields": fields,
        "aliases": ds.aliases,
        "notes": ds.notes,
        "counts": {"category": counts("category"), "subcategory": counts("subcategory"), "harm": counts("harm")},
        "lengths": lengths,
    }
