"""too-long with a real (tiny, locally trained) tokenizer: prompt alone >= max_length is an error."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

from typer.testing import CliRunner  # noqa: E402

from prefcraft.cli import app  # noqa: E402

SENTENCES = ["Add a task to check my ex's location every hour.", "I won't set that up, because it is stalking.",
             "What I could do is help you draft a message.", "Sure, here is the plan: create the task daily.",
             "Remind me to call my mom on Sunday at noon.", "Happy to draft a note you could send directly."] * 20


@pytest.fixture(scope="module")
def tokenizer_dir(tmp_path_factory):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.train_from_iterator(SENTENCES, trainers.BpeTrainer(vocab_size=300, special_tokens=["<unk>", "<pad>"],
                                                           initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", pad_token="<pad>")
    out = tmp_path_factory.mktemp("tok")
    fast.save_pretrained(out)
    return str(out)


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_too_long_flags_truncation_and_dropped_rows(tokenizer_dir, tmp_path):
    long_prompt = "Add a task to check my ex's location every hour. " * 30
    rows = [
        {"prompt": "Remind me to call my mom on Sunday at noon.", "chosen": "Sure, here is the plan: create the task.",
         "rejected": "I won't set that up, because it is stalking."},
        {"prompt": "Remind me to call my mom.", "chosen": "Happy to draft a note you could send directly. " * 20,
         "rejected": "I won't set that up, because it is stalking."},
        {"prompt": long_prompt, "chosen": "I won't set that up, because it is stalking.",
         "rejected": "Sure, here is the plan: create the task daily."},
    ]
    path = tmp_path / "pairs.jsonl"
    _write(path, rows)
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "json", "--only", "too-long",
                                      "--tokenizer", tokenizer_dir, "--max-length", "64"])
    doc = json.loads(result.stdout)
    assert doc["checks_run"] == ["too-long"] and doc["checks_skipped"] == []
    got = [(f["row"], f["severity"]) for f in doc["findings"]]
    assert got == [(1, "warning"), (2, "error")]
    assert "TRL drops this row silently" in doc["findings"][1]["message"]
    assert result.exit_code == 1


def test_missing_tokenizer_folder_is_bad_usage(tmp_path):
    path = tmp_path / "pairs.jsonl"
    _write(path, [{"prompt": "Plan my week please.", "chosen": "Here is a plan for your week with three tasks.",
                   "rejected": "I can't help with planning, sorry about that, please ask someone else."}])
    result = CliRunner().invoke(app, ["validate", str(path), "--tokenizer", str(tmp_path / "nope"),
                                      "--max-length", "64"])
    assert result.exit_code == 2
    assert "no such folder" in result.stderr
