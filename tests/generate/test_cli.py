"""`prefcraft build` and `prefcraft generate` as users run them: exit codes, JSON, files."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from prefcraft.cli import app


def test_build_json(tmp_path):
    out = tmp_path / "b"
    r = CliRunner().invoke(app, ["build", "--out", str(out), "--size", "80", "--seed", "1",
                                 "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["rows"] == 80
    assert doc["pairs_path"] == str(out / "pairs.jsonl")
    lines = (out / "pairs.jsonl").read_text().splitlines()
    assert len(lines) == 80
    row = json.loads(lines[0])
    assert {"prompt", "chosen", "rejected", "category", "harm", "source", "metadata"} <= set(row)
    assert set(doc["categories"]) >= {"direct_harm", "edge_cases", "benign"}
    assert doc["gate"]["kept"] >= 80
    assert doc["chosen_overall_mean"] >= 4.5
    assert set(doc["seconds"]) == {"build", "validate", "stats", "report", "export"}
    if doc["validation"].get("available"):
        assert doc["validation"]["errors"] == 0


def test_build_text(tmp_path):
    r = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "t"), "--size", "40", "--quiet",
                                 "--no-report", "--no-export"])
    assert r.exit_code == 0, r.output
    assert "40 pairs" in r.stdout and "coverage" in r.stdout and "quality" in r.stdout
    assert not (tmp_path / "t" / "report.html").exists() and not (tmp_path / "t" / "trl").exists()


def test_build_bad_options_exit_2(tmp_path):
    r = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "x"), "--size", "0"])
    assert r.exit_code == 2
    r = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "x"), "--taxonomy", str(tmp_path / "missing.yaml")])
    assert r.exit_code == 2
    assert "Traceback" not in r.output


def test_generate_prompts_json():
    r = CliRunner().invoke(app, ["generate", "prompts", "--category", "social_engineering",
                                 "--harm", "stalking", "--n", "6", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["n"] == 6 and len(doc["prompts"]) == 6
    assert all(p["harm"] == "stalking" for p in doc["prompts"])


def test_generate_prompts_alias_and_text():
    r = CliRunner().invoke(app, ["generate", "prompts", "--category", "injection", "--n", "3"])
    assert r.exit_code == 0, r.output
    assert "3 prompt variations" in r.stdout


def test_generate_prompts_unknown_category_exit_2():
    r = CliRunner().invoke(app, ["generate", "prompts", "--category", "nonsense", "--n", "3"])
    assert r.exit_code == 2
    assert "unknown category" in r.output


def test_generate_gaps_appends(tmp_path):
    from prefcraft.generate import build_dataset

    ds = build_dataset(size=60, seed=3)
    # drop every edge case so the gap analysis asks for them
    keep = [i for i, p in enumerate(ds) if p.category != "edge_cases"]
    src = tmp_path / "in.jsonl"
    ds.select(keep).save(str(src))
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(app, ["generate", "gaps", str(src), "--out", str(out), "--n", "10",
                                 "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["added"] == 10
    assert doc["rows"] == len(keep) + 10
    assert doc["added_per_category"].get("edge_cases", 0) >= 1
    assert len(out.read_text().splitlines()) == len(keep) + 10
