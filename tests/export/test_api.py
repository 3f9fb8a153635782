"""The Python API mirrors the CLI: ``prefcraft.export(dataset, out, ...)`` and the package's submodules."""

from __future__ import annotations

import datasets
import pytest

import prefcraft
import prefcraft.export.templates
from prefcraft.errors import InputError, UsageError


def test_callable_package(tmp_path, data_dir):
    ds = prefcraft.read(str(data_dir / "standard.jsonl")).dataset
    result = prefcraft.export(ds, tmp_path / "out", test_size=0.25, seed=1)
    assert isinstance(result, prefcraft.ExportResult)
    assert result.splits == {"train": 25, "test": 8} and result.format == "standard"
    assert set(result.paths) == {"datasets", "train", "test", "card", "manifest"}
    assert datasets.load_from_disk(result.paths["datasets"])["train"].num_rows == 25
    assert "qwen2_5" in prefcraft.export.templates.trl_template_names()  # submodules still reachable
    assert prefcraft.export.export_trl is prefcraft.export.core.export_trl
    assert "export" in prefcraft.__all__ and "ExportResult" in prefcraft.__all__


def test_accepts_pairs_records_and_hf(tmp_path):
    pairs = [prefcraft.PreferencePair.from_strings(f"add task {w}", f"done {w}", f"no {w}")
             for w in ("alpha", "bravo", "charlie", "delta")]
    a = prefcraft.export(pairs, tmp_path / "a", test_size=0.25)
    b = prefcraft.export([p.to_record() for p in pairs], tmp_path / "b", test_size=0.25)
    c = prefcraft.export(prefcraft.Dataset.from_pairs(pairs).to_hf(), tmp_path / "c", test_size=0.25)
    assert a.splits == b.splits == c.splits == {"train": 3, "test": 1}
    assert (tmp_path / "a" / "train.jsonl").read_bytes() == (tmp_path / "c" / "train.jsonl").read_bytes()


def test_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="no pairs"):
        prefcraft.export(prefcraft.Dataset(), tmp_path / "x")
    with pytest.raises(UsageError, match="--format 'chatml'"):
        prefcraft.export(prefcraft.Dataset(), tmp_path / "x", format="chatml")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="exists and is a file"):
        prefcraft.export(prefcraft.Dataset(), tmp_path / "file")
    assert not (tmp_path / "x").exists()


def test_empty_test_split_is_reported(tmp_path):
    pairs = [prefcraft.PreferencePair.from_strings("add a task to water the plants", "done", "no"),
             prefcraft.PreferencePair.from_strings("Add a task to water the plants!", "done!", "no!")]
    result = prefcraft.export(pairs, tmp_path / "out", test_size=0.1)
    assert result.splits == {"train": 2, "test": 0}
    assert [f.check for f in result.findings] == ["empty-test-split"]
    assert datasets.load_from_disk(str(tmp_path / "out"))["test"].num_rows == 0
