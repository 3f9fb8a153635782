"""Hugging Face datasets: save_to_disk folders and Dataset objects."""

from __future__ import annotations

from pathlib import Path

import datasets  # the test extra installs it: a missing one must fail, not skip
import pytest

import prefcraft

GOOD = Path(__file__).parents[1] / "data" / "io" / "good"


def test_to_hf_and_back():
    ds = prefcraft.load(GOOD / "standard.jsonl")
    hf = ds.to_hf()
    assert set(hf.column_names) >= {"prompt", "chosen", "rejected"}
    back = prefcraft.Dataset.from_hf(hf)
    assert list(back.records()) == list(ds.records())
    assert back.ids() == ds.ids()


def test_conversational_to_hf_keeps_messages():
    ds = prefcraft.load(GOOD / "multiturn.jsonl")
    hf = ds.to_hf()
    assert hf[0]["prompt"][-1]["role"] == "user"
    assert prefcraft.load(hf).ids() == ds.ids()


def test_save_to_disk_folder(tmp_path):
    ds = prefcraft.load(GOOD / "standard.jsonl")
    ds.to_hf().save_to_disk(str(tmp_path / "hf"))
    back = prefcraft.load(tmp_path / "hf")
    assert back.source_format == "hf"
    assert back.ids() == ds.ids()


def test_dataset_dict_folder_tags_splits(tmp_path):
    ds = prefcraft.load(GOOD / "standard.jsonl")
    dd = datasets.DatasetDict({"train": ds.select([0, 1]).to_hf(), "test": ds.select([2]).to_hf()})
    dd.save_to_disk(str(tmp_path / "dd"))
    both = prefcraft.load(tmp_path / "dd")
    assert [p.extra.get("split") for p in both] == ["train", "train", "test"]
    only = prefcraft.load(tmp_path / "dd", split="test")
    assert len(only) == 1
    with pytest.raises(prefcraft.InputError, match="has no split 'valid'"):
        prefcraft.load(tmp_path / "dd", split="valid")


def test_folder_that_is_not_a_dataset(tmp_path):
    (tmp_path / "x").mkdir()
    with pytest.raises(prefcraft.InputError, match="not a Hugging Face dataset"):
        prefcraft.load(tmp_path / "x")
