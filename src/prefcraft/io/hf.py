"""Hugging Face ``datasets`` interop (the ``hf`` extra): save_to_disk folders and Dataset objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

import orjson

from prefcraft.errors import InputError, require

if TYPE_CHECKING:  # pragma: no cover
    from prefcraft.io.readers import LoadResult, OnError
    from prefcraft.model import Dataset

__all__ = ["iter_hf_folder", "read_hf_folder", "from_hf", "from_hf_result", "to_hf"]


def _datasets():
    return require("datasets", extra="hf", feature="Reading and writing Hugging Face datasets")


def _open_folder(path: str, split: str | None):
    datasets = _datasets()
    try:
        obj = datasets.load_from_disk(path)
    except Exception as exc:
        raise InputError(f"{path}: not a readable save_to_disk folder ({exc}) — re-save it with "
                         "Dataset.save_to_disk", path=path) from None
    if isinstance(obj, datasets.DatasetDict):
        if split is not None:
            if split not in obj:
                raise InputError(f"{path}: has no split {split!r} (splits: {', '.join(obj)}) — pass one of them",
                                 path=path)
            return [(split, obj[split])]
        return list(obj.items())
    return [(None, obj)]


def iter_hf_folder(path: str, split: str | None = None) -> Iterator[tuple[int, None, Any]]:
    index = 0
    for name, ds in _open_folder(path, split):
        for rec in ds:
            if name is not None:
                rec = {**rec, "split": name}
            yield index, None, rec
            index += 1


def read_hf_folder(path: str, *, on_error: "OnError" = "raise", split: str | None = None) -> "LoadResult":
    from prefcraft.io.readers import build_dataset

    return build_dataset(iter_hf_folder(path, split), path=path, fmt="hf", on_error=on_error)


def from_hf_result(hf_dataset: Any, *, on_error: "OnError" = "raise") -> "LoadResult":
    from prefcraft.io.readers import build_dataset

    if not hasattr(hf_dataset, "features") or not hasattr(hf_dataset, "__iter__"):
        raise InputError(f"expected a file path or a datasets.Dataset, got {type(hf_dataset).__name__}")
    items = ((i, None, rec) for i, rec in enumerate(hf_dataset))
    return build_dataset(items, path="<datasets.Dataset>", fmt="hf", on_error=on_error)


def from_hf(hf_dataset: Any, **kwargs: Any) -> "Dataset":
    return from_hf_result(hf_dataset, **kwargs).dataset


def to_hf(dataset: "Dataset", *, row_format: str | None = None) -> Any:
    """A ``datasets.Dataset`` with TRL's columns (plus the optional fields that are present)."""
    datasets = _datasets()
    formats = dataset.formats()
    if row_format is None and len(formats) > 1:
        row_format = "conversational"
    rows = list(dataset.records(row_format))
    if not rows:
        return datasets.Dataset.from_dict({"prompt": [], "chosen": [], "rejected": []})
    keys: dict[str, None] = {}
    for r in rows:
        keys.update(dict.fromkeys(r))
    # metadata objects differ in shape between rows: keep them as JSON text so Arrow invents no keys
    return datasets.Dataset.from_list([
        {k: (orjson.dumps(r[k]).decode() if k == "metadata" and k in r else r.get(k)) for k in keys} for r in rows
    ])
