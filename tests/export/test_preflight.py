"""Pre-flight: exactly the rows TRL would drop or truncate, prefix mismatches, structural faults."""

from __future__ import annotations

import datasets
import pytest

from prefcraft.export import PreflightError, export
from prefcraft.export.preflight import token_findings
from prefcraft.model import Dataset, PreferencePair

WORDS = "task reminder schedule calendar project deadline team meeting share location".split()


def _text(n: int, offset: int = 0) -> str:
    return " ".join(WORDS[(i + offset) % len(WORDS)] for i in range(n))


def _pairs() -> list[PreferencePair]:
    """Rows 2 and 5 have prompts far over 48 tokens; row 3 has a short prompt and a long chosen."""
    spec = {0: (4, 6), 1: (6, 6), 2: (60, 6), 3: (4, 60), 4: (5, 5), 5: (45, 4), 6: (7, 3), 7: (3, 8)}
    out = []
    for i, (p, c) in spec.items():
        out.append(PreferencePair.from_strings(f"{i} {_text(p, i)}", f"{_text(c, i + 1)} ok", f"{_text(3, i)} no",
                                               category="benign" if i % 2 else "direct_harm"))
    return out


def _conv(pairs):
    for p in pairs:
        p.format = "conversational"
    return Dataset.from_pairs(pairs)


def test_drops_and_truncations_match_trl_exactly(tmp_path, tok_dir, tokenizer):
    pytest.importorskip("trl")
    ds = _conv(_pairs())
    with pytest.raises(PreflightError) as err:
        export(ds, tmp_path / "out", tokenizer=tok_dir, max_length=48, test_size=0)
    assert not (tmp_path / "out").exists()
    findings = err.value.findings
    dropped = sorted(f.row for f in findings if f.check == "trl-drops-row")
    assert dropped == [2, 5]
    assert all(f.severity == "error" for f in findings if f.check == "trl-drops-row")
    trunc = {f.row: f for f in findings if f.check == "trl-truncates"}
    assert set(trunc) == {3}
    full = tokenizer.apply_chat_template(ds[3].prompt + ds[3].chosen, tokenize=True, return_dict=True)["input_ids"]
    assert f"chosen loses {len(full) - 48} of {len(full)} tokens" in trunc[3].message

    # TRL itself, on what export writes with --force: the same two rows vanish, silently
    from tests._tiny_model import build_tiny_model
    from trl import DPOConfig, DPOTrainer
    from transformers import AutoModelForCausalLM

    result = export(ds, tmp_path / "out", tokenizer=tok_dir, max_length=48, test_size=0, force=True,
                    keep_metadata=True)
    assert result.splits == {"train": 8, "test": 0}
    train = datasets.load_from_disk(str(tmp_path / "out"))["train"]
    model = AutoModelForCausalLM.from_pretrained(build_tiny_model(tmp_path / "m", tokenizer))
    args = DPOConfig(output_dir=str(tmp_path / "dpo"), use_cpu=True, bf16=False, report_to="none",
                     save_strategy="no", max_length=48, per_device_train_batch_size=2, max_steps=1)
    trainer = DPOTrainer(model=model, args=args, train_dataset=train, processing_class=tokenizer)
    kept = {r["prompt"][0]["content"].split()[0] for r in trainer.train_dataset}
    assert {str(i) for i in range(8)} - kept == {"2", "5"}


def test_prefix_mismatch_is_reported(tmp_path, data_dir, tok_dir):
    result = export(data_dir / "standard.jsonl", tmp_path / "out", format="conversational", tokenizer=tok_dir,
                    chat_template=data_dir / "mismatch.jinja", test_size=0.2)
    mism = [f for f in result.findings if f.check == "template-prefix-mismatch"]
    assert len(mism) == sum(result.splits.values()) == 33
    assert "'think first\\n'" in mism[0].message or "think first" in mism[0].message
    assert all(f.severity == "warning" for f in mism)


def test_no_findings_with_a_well_behaved_template(tmp_path, data_dir, tok_dir):
    result = export(data_dir / "tempting.jsonl", tmp_path / "out", tokenizer=tok_dir, max_length=512)
    assert result.findings == []


def test_doubled_bos_and_eos_detected(bos_tokenizer):
    row = {"prompt": "<s>hello team", "chosen": "ok<|im_end|><|im_end|>", "rejected": "no"}
    checks = {f.check for f in token_findings([row], [7], ["row 7"], bos_tokenizer, 100)}
    assert {"doubled-bos", "doubled-eos"} <= checks
    clean = {"prompt": "hello team", "chosen": "ok<|im_end|>", "rejected": "no"}
    assert token_findings([clean], [7], ["row 7"], bos_tokenizer, 100) == []


def test_structural_findings_block_the_export(tmp_path):
    pairs = [PreferencePair.from_strings(f"prompt number {i}", f"chosen {i}", f"rejected {i}") for i in range(5)]
    pairs[1] = PreferencePair.from_strings("same answers", "Added the task.", "added the task.")
    pairs[3] = PreferencePair(prompt=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
                              chosen=[{"role": "assistant", "content": "c"}],
                              rejected=[{"role": "assistant", "content": "r"}], format="conversational")
    pairs[4] = PreferencePair.from_strings("empty", "", "something")
    with pytest.raises(PreflightError) as err:
        export(Dataset.from_pairs(pairs), tmp_path / "out", format="conversational")
    got = {(f.row, f.check) for f in err.value.findings if f.severity == "error"}
    assert {(1, "identical-responses"), (3, "bad-roles"), (4, "empty-text")} <= got
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.iterdir())  # no temp folder left behind either


def test_mixed_formats_are_a_warning_and_homogenised(tmp_path, data_dir):
    pairs = [PreferencePair.from_strings(f"add task {i} please", f"done {i}", f"no {i}") for i in range(4)]
    pairs[2].format = "conversational"
    result = export(Dataset.from_pairs(pairs), tmp_path / "out", test_size=0.25)
    assert [f.check for f in result.findings] == ["mixed-format"]
    assert result.findings[0].severity == "warning"
    dd = datasets.load_from_disk(str(tmp_path / "out"))
    assert result.format == "conversational"
    assert all(isinstance(r["prompt"], list) for s in dd for r in dd[s])


def test_no_preflight_skips_checks(tmp_path, data_dir):
    result = export(data_dir / "identical.jsonl", tmp_path / "out", preflight=False)
    assert result.findings == [] and (tmp_path / "out" / "dataset_dict.json").exists()
