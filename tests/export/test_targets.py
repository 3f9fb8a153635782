"""Round trips for every target: what export writes reads back to the same pairs (same content-hash ids)."""

from __future__ import annotations

import json

import datasets
import yaml

import prefcraft
from prefcraft.export import export


def _ids(data_dir):
    return sorted(prefcraft.read(str(data_dir / "tempting.jsonl")).dataset.ids())


def test_trl_jsonl_and_datasets_folder_round_trip(tmp_path, data_dir):
    result = export(data_dir / "tempting.jsonl", tmp_path / "out", test_size=0.3, keep_metadata=True)
    back = prefcraft.Dataset.concat([prefcraft.read(str(tmp_path / "out" / f"{s}.jsonl")).dataset
                                     for s in ("train", "test")])
    assert sorted(back.ids()) == _ids(data_dir)
    dd = datasets.load_from_disk(str(tmp_path / "out"))
    assert dd["train"].column_names == ["prompt", "chosen", "rejected", "id", "category", "subcategory", "harm",
                                        "tags", "source"]
    assert sorted(list(dd["train"]["id"]) + list(dd["test"]["id"])) == _ids(data_dir)
    from_hf = prefcraft.Dataset.concat([prefcraft.Dataset.from_hf(dd[s]) for s in dd])
    assert sorted(from_hf.ids()) == _ids(data_dir)
    assert result.paths["datasets"] == str(tmp_path / "out")


def test_openai_round_trip(tmp_path, data_dir):
    result = export(data_dir / "tempting.jsonl", tmp_path / "out", target="openai", test_size=0.3)
    line = json.loads((tmp_path / "out" / "train.jsonl").read_text().splitlines()[0])
    assert set(line) == {"input", "preferred_output", "non_preferred_output"}
    assert line["input"]["messages"][-1]["role"] == "user"
    assert line["preferred_output"][0]["role"] == "assistant" and len(line["non_preferred_output"]) == 1
    back = [prefcraft.read(result.paths[s]).dataset for s in ("train", "test")]
    assert sorted(prefcraft.Dataset.concat(back).ids()) == _ids(data_dir)
    assert not (tmp_path / "out" / "dataset_dict.json").exists()


def _from_sharegpt(row):
    role = {"human": "user", "gpt": "assistant"}
    prompt = ([{"role": "system", "content": row["system"]}] if row.get("system") else []) + [
        {"role": role[m["from"]], "content": m["value"]} for m in row["conversations"]]
    return prefcraft.PreferencePair(prompt=prompt, chosen=[{"role": "assistant", "content": row["chosen"]["value"]}],
                                    rejected=[{"role": "assistant", "content": row["rejected"]["value"]}])


def test_llama_factory_round_trip(tmp_path, data_dir):
    export(data_dir / "tempting.jsonl", tmp_path / "out", target="llama-factory", test_size=0.3)
    info = json.loads((tmp_path / "out" / "dataset_info.json").read_text())
    assert set(info) == {"prefcraft_train", "prefcraft_test"}
    entry = info["prefcraft_train"]
    assert entry["ranking"] is True and entry["formatting"] == "sharegpt" and entry["file_name"] == "train.json"
    assert entry["columns"] == {"messages": "conversations", "chosen": "chosen", "rejected": "rejected",
                                "system": "system"}
    assert entry["tags"]["user_tag"] == "human" and entry["tags"]["assistant_tag"] == "gpt"
    rows = [r for s in ("train", "test") for r in json.loads((tmp_path / "out" / f"{s}.json").read_text())]
    assert all(r["conversations"][-1]["from"] == "human" for r in rows)
    assert sorted(_from_sharegpt(r).id for r in rows) == _ids(data_dir)


def test_kto_unpaired_round_trip(tmp_path, data_dir):
    result = export(data_dir / "tempting.jsonl", tmp_path / "out", target="kto", test_size=0.3)
    dd = datasets.load_from_disk(str(tmp_path / "out"))
    assert dd["train"].column_names == ["prompt", "completion", "label"]
    assert result.splits["train"] + result.splits["test"] == 2 * 39
    rows = [r for s in ("train", "test") for r in dd[s]]
    assert sum(r["label"] for r in rows) == 39
    # pairs come back from consecutive (desirable, undesirable) rows with one prompt
    pairs = []
    for good, bad in zip(rows[::2], rows[1::2]):
        assert good["label"] is True and bad["label"] is False and good["prompt"] == bad["prompt"]
        pairs.append(prefcraft.PreferencePair(prompt=good["prompt"], chosen=good["completion"],
                                              rejected=bad["completion"]))
    assert sorted(p.id for p in pairs) == _ids(data_dir)


def test_card_header_and_sections(tmp_path, data_dir):
    export(data_dir / "tempting.jsonl", tmp_path / "out", license="cc-by-nc-4.0", test_size=0.3)
    text = (tmp_path / "out" / "README.md").read_text()
    assert text.startswith("---\n")
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["license"] == "cc-by-nc-4.0"
    assert header["task_categories"] == ["text-generation"] and header["size_categories"] == ["n<1K"]
    assert header["configs"] == [{"config_name": "default", "data_files": [
        {"split": "train", "path": "train.jsonl"}, {"split": "test", "path": "test.jsonl"}]}]
    for section in ("## Coverage", "## Pre-flight", "## How the data was made", "## Responsible use",
                    "harmful on purpose", "Keep this dataset private", "red-teaming"):
        assert section in text, section
    manifest = json.loads((tmp_path / "out" / "export.json").read_text())
    assert manifest["splits"] == {"train": 27, "test": 12} and manifest["summary"]["errors"] == 0
