"""What users see from `prefcraft stats` and `prefcraft gaps`: the pinned JSON shape, text, errors."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from prefcraft.cli import app

DATA = Path(__file__).parent.parent / "data" / "stats"
runner = CliRunner()


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return orjson.loads(result.stdout)


def test_json_shape_is_pinned():
    d = _json(["stats", str(DATA / "mixed.jsonl"), "--format", "json", "--use-case", "iterative",
               "--suggest-categories", "--no-refusal"])
    assert isinstance(d["rows"], int) and d["rows"] == 12
    assert set(d["categories"]) == {"direct_harm", "prompt_injection", "social_engineering",
                                    "gradual_escalation", "edge_cases", "benign"}
    for c in d["categories"].values():
        assert {"count", "share", "target", "status"} <= set(c)
        assert isinstance(c["count"], int) and 0.0 <= c["share"] <= 1.0
        assert c["target"] is None or (len(c["target"]) == 2 and c["target"][0] <= c["target"][1])
        assert c["status"] in {"under", "within", "over", "untargeted"}
    assert isinstance(d["edge_case_share"], float)
    assert {"use_case", "minimum", "recommended", "status"} <= set(d["size"])
    assert d["size"]["use_case"] == "iterative" and d["size"]["minimum"] == 20
    assert d["size"]["recommended"] == [50, 100] and d["size"]["status"] == "below_minimum"
    assert d["gaps"]
    for g in d["gaps"]:
        assert {"category", "subcategory", "harm", "needed", "suggested_prompts"} <= set(g)
        assert isinstance(g["category"], str) and isinstance(g["needed"], int) and g["needed"] > 0
        assert g["subcategory"] is None or isinstance(g["subcategory"], str)
        assert g["harm"] is None or isinstance(g["harm"], str)
        assert all(isinstance(p, str) for p in g["suggested_prompts"])
    assert [s["row"] for s in d["suggested_categories"]] == [10, 11]
    for s in d["suggested_categories"]:
        assert isinstance(s["category"], str) and 0.0 <= s["confidence"] <= 1.0
    assert "values_words" not in d["lengths"]["prompt"]


def test_no_suggestions_without_the_flag():
    d = _json(["stats", str(DATA / "mixed.jsonl"), "--format", "json", "--no-refusal"])
    assert "suggested_categories" not in d
    assert d["size"]["use_case"] == "initial"


def test_refusal_summary_when_available():
    d = _json(["stats", str(DATA / "edges.jsonl"), "--format", "json"])
    ref = d["refusal"]
    if not ref["available"]:
        pytest.skip(f"refusal module not available: {ref['reason']}")
    assert ref["judged"] == 25
    assert sum(ref["chosen"]["kinds"].values()) == 25


def test_text_output():
    result = runner.invoke(app, ["stats", str(DATA / "mixed.jsonl"), "--no-refusal"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "12 pairs" in out and "below_minimum" in out
    assert "'jailbreaking'×1" in out and "(uncategorised)" in out
    assert "social_engineering" in out and "joint plan: add" in out


def test_gaps_command():
    d = _json(["gaps", str(DATA / "mixed.jsonl"), "--format", "json", "--use-case", "iterative"])
    cats = {g["category"]: g["needed"] for g in d["gaps"] if g["kind"] == "category"}
    assert cats == {"social_engineering": 1, "gradual_escalation": 1, "edge_cases": 1, "benign": 1}
    assert d["gap_summary"]["plan"]["final_rows"] >= 50
    text = runner.invoke(app, ["gaps", str(DATA / "edges.jsonl")], env={"COLUMNS": "160"})
    assert text.exit_code == 0 and "deception" in text.stdout


def test_taxonomy_typo_is_a_clean_error():
    result = runner.invoke(app, ["stats", str(DATA / "mixed.jsonl"), "--taxonomy",
                                 str(DATA / "taxonomy_typo.yaml")])
    assert result.exit_code == 2
    assert "aliasses" in result.output and "did you mean 'aliases'" in result.output
    assert "Traceback" not in result.output


def test_custom_taxonomy_option():
    d = _json(["stats", str(DATA / "mixed.jsonl"), "--format", "json", "--no-refusal",
               "--taxonomy", str(DATA / "taxonomy_custom.yaml")])
    assert set(d["categories"]) == {"harmful", "tricky", "benign"}
    assert d["size"]["use_case"] == "small"


def test_bad_use_case_is_rejected():
    result = runner.invoke(app, ["stats", str(DATA / "mixed.jsonl"), "--use-case", "huge"])
    assert result.exit_code == 2


def test_report_option_writes_file(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["stats", str(DATA / "mixed.jsonl"), "--report", str(out),
                                 "--format", "json", "--no-refusal"])
    assert result.exit_code == 0, result.output
    assert out.exists() and out.read_text().startswith("<!doctype html>")


def test_use_case_from_a_custom_taxonomy_and_typo_hint():
    d = _json(["stats", str(DATA / "mixed.jsonl"), "--format", "json", "--no-refusal",
               "--taxonomy", str(DATA / "taxonomy_custom.yaml"), "--use-case", "small"])
    assert d["size"]["minimum"] == 2
    result = runner.invoke(app, ["stats", str(DATA / "mixed.jsonl"), "--use-case", "inital"])
    assert result.exit_code == 2 and "did you mean 'initial'" in result.output
