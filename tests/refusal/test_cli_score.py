"""``prefcraft score``: exact JSON shape, text view, --explain, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from prefcraft.cli import app

DATA = Path(__file__).resolve().parents[1] / "data" / "refusal"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["score", *args])


def test_json_rows_and_summary_for_prompt_response_rows() -> None:
    res = run(str(DATA / "responses.jsonl"), "--field", "response", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert list(doc) == ["rows", "summary"]
    assert [r["row"] for r in doc["rows"]] == [0, 1, 2, 3, 4]
    assert [r["kind"] for r in doc["rows"]] == ["refusal", "refusal", "compliance", "clarification", "unscorable"]
    for r in doc["rows"]:
        assert list(r) == ["row", "kind", "confidence", "criteria", "anti_patterns", "overall", "suggestions"]
    assert doc["rows"][0]["overall"] == 5.0
    assert doc["rows"][1]["anti_patterns"] == ["robotic", "vague"]
    assert doc["rows"][2]["criteria"] is None and doc["rows"][2]["overall"] is None
    s = doc["summary"]
    assert s["count"] == 5 and s["kinds"]["refusal"] == 2 and s["graded"] == 3 and s["field"] == "response"


def test_json_chosen_and_rejected_of_a_dataset() -> None:
    chosen = json.loads(run(str(DATA / "pairs.jsonl"), "--format", "json").stdout)
    assert [r["kind"] for r in chosen["rows"]] == ["refusal", "refusal"]
    rejected = json.loads(run(str(DATA / "pairs.jsonl"), "--field", "rejected", "--format", "json").stdout)
    assert [r["kind"] for r in rejected["rows"]] == ["compliance", "compliance"]


def test_csv_prompt_response_rows() -> None:
    res = run(str(DATA / "responses.csv"), "--field", "response", "--format", "json")
    assert res.exit_code == 0, res.output
    assert [r["kind"] for r in json.loads(res.stdout)["rows"]] == ["refusal", "compliance"]


def test_text_view_weakest_first_and_explain() -> None:
    res = run(str(DATA / "responses.jsonl"), "--field", "response", "--explain")
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "refusal judgments" in out and "weakest first" in out
    # weakest first: the bare one-liner (row 1, overall 1.0), then the clarification, the graceful
    # refusal (row 0, overall 5.0), then the ungraded rows in input order
    rows = [ln.split("│")[1].strip() for ln in out.splitlines() if ln.count("│") > 3]
    rows = [r for r in rows if r.isdigit()]
    assert rows == ["1", "3", "0", "2", "4"]
    assert "[refusal]" in out and "[alternative]" in out


def test_pairs_file_with_field_response_is_an_input_error() -> None:
    res = run(str(DATA / "pairs.jsonl"), "--field", "response")
    assert res.exit_code == 2
    assert "field 'response' is missing" in res.output and "--field chosen" in res.output


def test_missing_field_names_found_keys() -> None:
    res = run(str(DATA / "missing_response.jsonl"), "--field", "response")
    assert res.exit_code == 2
    assert "missing_response.jsonl:1" in res.output and "found keys: prompt, answer" in res.output


def test_prompt_response_file_without_field_hints_field_response() -> None:
    res = run(str(DATA / "responses.jsonl"))
    assert res.exit_code == 2
    assert "--field response" in res.output


def test_missing_file_and_unknown_engine() -> None:
    assert run(str(DATA / "nope.jsonl"), "--field", "response").exit_code == 2
    res = run(str(DATA / "responses.jsonl"), "--field", "response", "--engine", "magic")
    assert res.exit_code == 2 and "unknown judge engine 'magic'" in res.output


def test_csv_with_leading_comment_lines() -> None:
    """PyRIT-style CSVs start with ``# dataset_version=…`` lines; they are skipped."""
    res = run(str(DATA / "commented.csv"), "--field", "response", "--format", "json")
    assert res.exit_code == 0, res.output
    assert [r["kind"] for r in json.loads(res.stdout)["rows"]] == ["refusal"]
