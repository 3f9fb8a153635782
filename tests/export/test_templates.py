"""Chat templates from the trl wheel, Jinja files and tokenizer folders: the lesson's recipe for standard rows."""

from __future__ import annotations

import datasets
import pytest

from prefcraft.errors import UsageError
from prefcraft.export import export, resolve_chat_template, trl_template_names

pytest.importorskip("trl")

CASES = {
    "qwen2_5": ("<|im_start|>system\nYou are Qwen", "<|im_start|>assistant\n", "<|im_end|>"),
    "llama3_2": ("<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
                 "Today Date: 26 Jul 2024", "<|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>"),
    # phi3 prints the tokenizer's EOS after its end-of-turn marker; the row keeps it (TRL adds no second one)
    "phi3": ("<|user|>\n", "<|assistant|>\n", "<|end|>\n<|im_end|>"),
    "gemma3": ("<start_of_turn>user\n", "<start_of_turn>model\n", "<end_of_turn>"),
    "llama3": ("<|start_header_id|>user<|end_header_id|>", "<|start_header_id|>assistant<|end_header_id|>\n\n",
               "<|eot_id|>"),
}


def test_the_wheel_ships_the_names_we_document():
    names = trl_template_names()
    assert {"qwen2_5", "llama3_2", "phi3", "gemma3", "qwen3"} <= set(names)


@pytest.mark.parametrize("name", sorted(CASES))
def test_trl_templates_render_standard_rows(tmp_path, data_dir, bos_tok_dir, name):
    start, gen, end = CASES[name]
    result = export(data_dir / "standard.jsonl", tmp_path / "out", format="standard", chat_template=name,
                    tokenizer=bos_tok_dir, test_size=0.2)
    assert result.chat_template == f"trl:{name}"
    dd = datasets.load_from_disk(str(tmp_path / "out"))
    for row in dd["train"]:
        assert row["prompt"].startswith(start) and row["prompt"].endswith(gen), row["prompt"]
        assert not row["prompt"].startswith("<s>")
        assert row["chosen"].endswith(end) and row["rejected"].endswith(end)
        assert end not in row["chosen"][:-len(end)]
    # deterministic: Llama 3.x prints a fixed date, so a second export is byte-identical
    again = export(data_dir / "standard.jsonl", tmp_path / "again", format="standard", chat_template=name,
                   tokenizer=bos_tok_dir, test_size=0.2)
    assert again.splits == result.splits
    assert (tmp_path / "out" / "train.jsonl").read_bytes() == (tmp_path / "again" / "train.jsonl").read_bytes()


def test_template_name_without_a_tokenizer_leaves_bos_eos_to_trl(tmp_path, data_dir):
    result = export(data_dir / "standard.jsonl", tmp_path / "out", chat_template="llama3_2", test_size=0.2)
    assert result.format == "standard"  # a template implies the lesson's recipe
    row = datasets.load_from_disk(str(tmp_path / "out"))["train"][0]
    assert row["prompt"].startswith("<|start_header_id|>system")  # no literal BOS text
    assert row["chosen"].endswith("<|eot_id|>")


def test_jinja_file_and_tokenizer_folder(tmp_path, data_dir, tok_dir):
    file_ = export(data_dir / "standard.jsonl", tmp_path / "a", chat_template=data_dir / "mismatch.jinja",
                   test_size=0.2)
    row = datasets.load_from_disk(str(tmp_path / "a"))["train"][0]
    assert row["prompt"].endswith("<|im_start|>assistant\nthink first\n")
    assert file_.chat_template.endswith("mismatch.jinja")
    folder = export(data_dir / "standard.jsonl", tmp_path / "b", chat_template=tok_dir, test_size=0.2)
    row = datasets.load_from_disk(str(tmp_path / "b"))["train"][0]
    assert row["prompt"].startswith("<|im_start|>user\n") and row["chosen"].endswith("<|im_end|>")
    assert folder.chat_template == tok_dir


def test_multi_turn_prompts_render_every_turn(tmp_path, data_dir, tok_dir):
    export(data_dir / "tempting.jsonl", tmp_path / "out", format="standard", tokenizer=tok_dir, test_size=0)
    rows = datasets.load_from_disk(str(tmp_path / "out"))["train"]
    multi = [r for r in rows if r["prompt"].count("<|im_start|>user") == 3]
    assert len(multi) == 3 and all("<|im_start|>assistant\nSure, done.<|im_end|>" in r["prompt"] for r in multi)


def test_unknown_template_lists_the_names():
    with pytest.raises(UsageError) as err:
        resolve_chat_template("qwen25")
    msg = str(err.value)
    assert "did you mean 'qwen2_5'?" in msg and "llama3_2" in msg and "_training" not in msg


def test_multi_turn_standard_without_template_is_refused(tmp_path, data_dir):
    with pytest.raises(UsageError, match="--format conversational"):
        export(data_dir / "tempting.jsonl", tmp_path / "out", format="standard")
    assert not (tmp_path / "out").exists()
