"""What export writes is what TRL's DPOTrainer trains on: 2 real steps on a tiny random model, both formats."""

from __future__ import annotations

import datasets
import pytest

from prefcraft.export import export

pytest.importorskip("trl")


def _trainer(model_dir, train, tmp_path, max_length=256):
    from tests._tiny_model import dpo_train_two_steps

    return dpo_train_two_steps(model_dir, train, max_length=max_length, output_dir=tmp_path / "dpo")


def test_conversational_folder_trains(tmp_path, data_dir, bos_model_dir):
    out = tmp_path / "trl"
    result = export(data_dir / "tempting.jsonl", out, format="conversational", test_size=0.25)
    dd = datasets.load_from_disk(str(out))
    assert isinstance(dd, datasets.DatasetDict) and set(dd) == {"train", "test"}
    assert dd["train"].column_names == ["prompt", "chosen", "rejected"]
    assert (len(dd["train"]), len(dd["test"])) == (result.splits["train"], result.splits["test"])
    row = dd["train"][0]
    assert row["prompt"][-1]["role"] == "user" and row["chosen"][0]["role"] == "assistant"
    run = _trainer(bos_model_dir, dd["train"], tmp_path)
    assert run["trainer"].state.global_step == 2
    assert run["metrics"]["train_loss"] > 0
    # every row survived TRL's own preparation (nothing silently dropped)
    assert len(run["trainer"].train_dataset) == len(dd["train"])


def test_standard_recipe_trains_with_one_bos_and_one_eos(tmp_path, data_dir, bos_model_dir, bos_tokenizer):
    out = tmp_path / "trl"
    export(data_dir / "tempting.jsonl", out, format="standard", tokenizer=bos_model_dir, test_size=0.25)
    dd = datasets.load_from_disk(str(out))
    row = dd["train"][0]
    assert isinstance(row["prompt"], str) and row["prompt"].startswith("<|im_start|>user\n")
    assert not row["prompt"].startswith("<s>")  # the tokenizer adds BOS itself: the template's copy is removed
    assert row["prompt"].endswith("<|im_start|>assistant\n")
    assert row["chosen"].endswith("<|im_end|>")  # TRL's add_eos sees its EOS and appends no second one
    run = _trainer(bos_model_dir, dd["train"], tmp_path)
    assert run["trainer"].state.global_step == 2
    prepared = run["trainer"].train_dataset
    bos, eos = bos_tokenizer.bos_token_id, bos_tokenizer.eos_token_id
    for ex in prepared:
        assert ex["prompt_ids"].count(bos) == 1 and ex["prompt_ids"][0] == bos
        for side in ("chosen_ids", "rejected_ids"):
            assert ex[side][-1] == eos and ex[side][-2] != eos


def test_standard_plain_strings_train(tmp_path, data_dir, bos_model_dir):
    out = tmp_path / "trl"
    result = export(data_dir / "standard.jsonl", out, test_size=0.2)
    assert result.format == "standard"
    dd = datasets.load_from_disk(str(out))
    assert dd["train"].features["prompt"].dtype == "string"
    run = _trainer(bos_model_dir, dd["train"], tmp_path)
    assert run["trainer"].state.global_step == 2


def test_built_in_dataset_exports_and_trains(tmp_path, bos_model_dir):
    """The 'done when' of issue 7: export of the built-in (generated) dataset → load_from_disk → DPOTrainer."""
    generate = pytest.importorskip("prefcraft.generate")
    ds = generate.build_dataset(size=60, seed=0)
    result = export(ds, tmp_path / "trl", test_size=0.2, seed=0)
    assert result.errors == []
    dd = datasets.load_from_disk(str(tmp_path / "trl"))
    assert dd["train"].num_rows + dd["test"].num_rows == 60 and dd["test"].num_rows > 0
    assert "## Responsible use" in (tmp_path / "trl" / "README.md").read_text()
    run = _trainer(bos_model_dir, dd["train"], tmp_path, max_length=512)
    assert run["trainer"].state.global_step == 2
