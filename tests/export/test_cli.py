"""``prefcraft export``: exit codes, exact output, atomicity (a failed export writes nothing, keeps the old DIR)."""

from __future__ import annotations

import json

import datasets
from typer.testing import CliRunner

from prefcraft.cli import app

runner = CliRunner()


def _listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_export_default(tmp_path, data_dir):
    out = tmp_path / "trl"
    r = runner.invoke(app, ["export", str(data_dir / "tempting.jsonl"), "--out", str(out), "--test-size", "0.3"])
    assert r.exit_code == 0, r.output
    assert r.stdout == f"exported 39 rows to {out} (trl, conversational): train 27, test 12\n"
    assert "splits keep 23 rows that share a prompt, a near-duplicate or a conversation together (25 groups)" \
        in r.stderr
    assert "pre-flight: 0 error(s), 0 warning(s)" in r.stderr
    assert _listing(out)[:3] == ["README.md", "dataset_dict.json", "export.json"]
    assert {"train.jsonl", "test.jsonl", "train", "test"} <= set(_listing(out))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folders left
    assert datasets.load_from_disk(str(out))["test"].num_rows == 12


def test_preflight_error_exit_1_nothing_written(tmp_path, data_dir):
    out = tmp_path / "trl"
    r = runner.invoke(app, ["export", str(data_dir / "identical.jsonl"), "--out", str(out)])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "error   identical-responses        row 6" in r.stderr
    assert "identical.jsonl:7: chosen and rejected are" in r.stderr
    assert "pre-flight found 1 error(s) (identical-responses: 1); nothing was written" in r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_failed_export_keeps_the_previous_folder(tmp_path, data_dir):
    out = tmp_path / "trl"
    assert runner.invoke(app, ["export", str(data_dir / "standard.jsonl"), "--out", str(out)]).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    r = runner.invoke(app, ["export", str(data_dir / "identical.jsonl"), "--out", str(out)])
    assert r.exit_code == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # --force replaces it, atomically
    r = runner.invoke(app, ["export", str(data_dir / "identical.jsonl"), "--out", str(out), "--force"])
    assert r.exit_code == 0, r.output
    assert datasets.load_from_disk(str(out))["train"].num_rows + datasets.load_from_disk(str(out))["test"].num_rows == 7
    assert json.loads((out / "export.json").read_text())["summary"]["errors"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trl"]


def test_refuses_a_folder_it_did_not_write(tmp_path, data_dir):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    r = runner.invoke(app, ["export", str(data_dir / "standard.jsonl"), "--out", str(tmp_path / "mine")])
    assert r.exit_code == 2
    assert "was not written by prefcraft export" in r.stderr
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_usage_errors_exit_2(tmp_path, data_dir):
    src = str(data_dir / "standard.jsonl")
    r = runner.invoke(app, ["export", src, "--out", str(tmp_path / "o"), "--chat-template", "lama3_2"])
    assert r.exit_code == 2 and "did you mean 'llama3_2'?" in r.stderr and "qwen2_5" in r.stderr
    r = runner.invoke(app, ["export", src, "--out", str(tmp_path / "o"), "--to", "axolotl"])
    assert r.exit_code == 2 and "--to 'axolotl': expected one of trl, openai, llama-factory, kto" in r.stderr
    r = runner.invoke(app, ["export", src, "--out", str(tmp_path / "o"), "--max-length", "64"])
    assert r.exit_code == 2 and "--max-length needs --tokenizer" in r.stderr
    r = runner.invoke(app, ["export", src, "--out", str(tmp_path / "o"), "--to", "kto", "--chat-template", "qwen2_5"])
    assert r.exit_code == 2 and "apply to --to trl only" in r.stderr
    r = runner.invoke(app, ["export", src, "--out", str(tmp_path / "o"), "--to", "openai", "--format", "standard"])
    assert r.exit_code == 2 and "apply to --to trl and --to kto only" in r.stderr
    r = runner.invoke(app, ["export", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert not (tmp_path / "o").exists()


def test_json_output_and_targets(tmp_path, data_dir, tok_dir):
    r = runner.invoke(app, ["export", str(data_dir / "standard.jsonl"), "--out", str(tmp_path / "o"), "--json",
                            "--tokenizer", tok_dir, "--max-length", "60", "--format", "standard"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["written"] is True and doc["format"] == "standard" and doc["max_length"] == 60
    assert set(doc["splits"]) == {"train", "test"} and doc["summary"]["errors"] == 0
    assert {f["check"] for f in doc["findings"]} == {"trl-truncates"}
    for target, marker in (("openai", "train.jsonl"), ("llama-factory", "dataset_info.json"), ("kto", "train.jsonl")):
        r = runner.invoke(app, ["export", str(data_dir / "standard.jsonl"), "--out", str(tmp_path / target),
                                "--to", target, "--quiet"])
        assert r.exit_code == 0, r.output
        assert (tmp_path / target / marker).exists() and (tmp_path / target / "README.md").exists()
        assert r.stderr == ""


def test_help_lists_templates():
    r = runner.invoke(app, ["export", "--help"])
    assert r.exit_code == 0
    text = " ".join(r.stdout.split())
    for name in ("qwen2_5", "llama3_2", "gemma3"):
        assert name in text
