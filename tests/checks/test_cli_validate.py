"""What users see: exact JSON shape, exit codes, --only/--skip, --against, --lenient, broken checks."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from prefcraft.checks import Check, register, unregister
from prefcraft.cli import app

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, ["validate", *args])
    return result


def js(result) -> dict:
    return json.loads(result.stdout)


def test_clean_file_json_shape_and_exit_0(data_dir):
    result = run(str(data_dir / "clean.jsonl"), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = js(result)
    assert list(doc) == ["rows", "findings", "checks_run", "checks_skipped"]
    assert doc["rows"] == 4 and doc["findings"] == [] and doc["checks_skipped"] == []
    # every registered check except those that need --against / --tokenizer ran
    assert "split-leakage" not in doc["checks_run"] and "too-long" not in doc["checks_run"]
    assert {"missing-field", "chosen-complies", "near-duplicate-prompt", "category-imbalance"} <= set(doc["checks_run"])


def test_broken_file_reports_every_bad_record_and_checks_the_rest(data_dir):
    path = str(data_dir / "broken.jsonl")
    result = run(path, "--format", "json")
    assert result.exit_code == 1
    doc = js(result)
    assert doc["rows"] == 5
    assert [(f["row"], f["check"], f["severity"]) for f in doc["findings"]] == [
        (1, "missing-field", "error"), (2, "bad-json", "error"), (3, "wrong-type", "error")]
    for f in doc["findings"]:
        assert set(f) == {"row", "check", "severity", "message"}
    assert doc["findings"][0]["message"] == (
        f"{path}:2: field 'chosen' is missing (found keys: prompt, choosen, rejected, category) — did you mean "
        "'choosen'? Rename the key 'choosen' to 'chosen'")
    assert doc["findings"][1]["message"].startswith(f"{path}:3: not valid JSON")


def test_lenient_downgrades_bad_records_to_warnings(data_dir):
    result = run(str(data_dir / "broken.jsonl"), "--format", "json", "--lenient")
    assert result.exit_code == 0
    doc = js(result)
    assert [(f["row"], f["severity"]) for f in doc["findings"]] == [(1, "warning"), (2, "warning"), (3, "warning")]
    assert all(f["message"].endswith("(record skipped: --lenient)") for f in doc["findings"])


def test_error_finding_exits_1_and_text_groups_by_check(data_dir, tmp_path):
    rec = json.loads((data_dir / "clean.jsonl").read_text().splitlines()[0])
    rec["rejected"] = rec["chosen"]
    path = tmp_path / "same.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    result = run(str(path), "--only", "identical-responses")
    assert result.exit_code == 1
    assert "identical-responses — 1 finding" in result.stdout
    flat = " ".join(result.stdout.replace("│", " ").split())
    assert "chosen and rejected are the same text — the pair teaches nothing;" in flat
    assert "FAILED 1 rows · 1 errors · 0 warnings · 0 info · 1 checks run" in result.stdout


@pytest.mark.parametrize("args,needle", [
    (["--only", "chosen-complys"], "unknown check 'chosen-complys' — did you mean 'chosen-complies'?"),
    (["--skip", "nope"], "unknown check 'nope'"),
    (["--tokenizer", "tok"], "--tokenizer and --max-length go together"),
    (["--only", "duplicate-prompt", "--skip", "duplicate-prompt"], "--only and --skip both name duplicate-prompt"),
])
def test_bad_usage_exits_2(data_dir, args, needle):
    result = run(str(data_dir / "clean.jsonl"), *args)
    assert result.exit_code == 2
    assert needle in " ".join(result.stderr.split())


def test_unreadable_input_exits_2(tmp_path):
    assert run(str(tmp_path / "missing.jsonl")).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{not json at all")
    result = run(str(bad), "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert "not valid JSON" in result.stderr


def test_only_and_skip(data_dir):
    doc = js(run(str(data_dir / "clean.jsonl"), "--format", "json", "--only", "chosen-too-short,duplicate-prompt"))
    assert doc["checks_run"] == ["chosen-too-short", "duplicate-prompt"]
    doc = js(run(str(data_dir / "clean.jsonl"), "--format", "json", "--skip", "chosen-too-short",
                 "--skip", "length-bias"))
    assert "chosen-too-short" not in doc["checks_run"] and "length-bias" not in doc["checks_run"]
    assert "rejected-too-short" in doc["checks_run"]


def test_against_reports_leakage(data_dir):
    result = run(str(data_dir / "clean.jsonl"), "--format", "json", "--against", str(data_dir / "test_split.jsonl"),
                 "--only", "split-leakage")
    assert result.exit_code == 1
    doc = js(result)
    assert doc["checks_run"] == ["split-leakage"]
    got = [(f["row"], f["check"], f["severity"]) for f in doc["findings"]]
    assert got == [(0, "split-leakage", "error"), (1, "split-leakage", "error")]
    assert "test_split.jsonl:1, row 0" in doc["findings"][0]["message"]
    assert "nearly duplicates" in doc["findings"][1]["message"]


def test_crashing_check_lands_in_checks_skipped(data_dir):
    def boom(ctx):
        raise RuntimeError("the model file is corrupt")

    register(Check("test-broken", "always crashes (test)", "warning", ("chosen",), boom))
    try:
        result = run(str(data_dir / "clean.jsonl"), "--format", "json", "--only", "test-broken,chosen-too-short")
        doc = js(result)
        assert result.exit_code == 0
        assert doc["checks_run"] == ["chosen-too-short"]
        assert doc["checks_skipped"] == [{"check": "test-broken", "reason": "RuntimeError: the model file is corrupt"}]
        text = run(str(data_dir / "clean.jsonl"), "--only", "test-broken")
        assert "skipped test-broken: RuntimeError: the model file is corrupt" in text.stdout
    finally:
        unregister("test-broken")


def test_checks_command_lists_every_check():
    result = runner.invoke(app, ["checks", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)["checks"]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) >= 25
    for required in ("missing-field", "wrong-type", "empty-text", "mixed-format", "bad-roles", "unknown-category",
                     "chosen-too-short", "rejected-too-short", "identical-responses", "low-contrast",
                     "rejected-is-refusal", "chosen-complies", "chosen-lectures", "chosen-lacks-alternative",
                     "chosen-apologetic", "chosen-robotic", "chosen-vague", "chosen-overexplains",
                     "duplicate-prompt", "near-duplicate-prompt", "split-leakage", "length-bias",
                     "category-imbalance", "too-long"):
        assert required in ids
    assert all(set(r) == {"id", "description", "severity", "fields", "group", "requires"} for r in rows)
    text = runner.invoke(app, ["checks"])
    assert "near-duplicate-prompt" in text.stdout
