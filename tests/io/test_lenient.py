"""--lenient on 1,000 lines with 3 bad ones keeps exactly 997 and quarantines 3 with reasons."""

from __future__ import annotations

import json

import orjson
from typer.testing import CliRunner

import prefcraft
from prefcraft.cli import app


def _write(path, bad_at=(10, 500, 999)):
    lines = []
    for i in range(1000):
        if i == bad_at[0]:
            lines.append('{"prompt": "broken", "chosen": "x" "rejected": "y"}')
        elif i == bad_at[1]:
            lines.append(json.dumps({"prompt": f"prompt {i}", "choosen": "c", "rejected": "r"}))
        elif i == bad_at[2]:
            lines.append(json.dumps({"prompt": f"prompt {i}", "chosen": 7, "rejected": "r"}))
        else:
            lines.append(json.dumps({"prompt": f"prompt {i}", "chosen": f"chosen {i}", "rejected": f"rejected {i}"}))
    path.write_text("\n".join(lines) + "\n")


def test_lenient_convert_keeps_997_and_quarantines_3(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.parquet"
    _write(src)
    result = CliRunner().invoke(app, ["convert", str(src), str(out), "--lenient"])
    assert result.exit_code == 0, result.output
    assert "wrote 997 pairs" in result.stdout
    assert "quarantined 3 bad record(s)" in result.stdout
    ds = prefcraft.load(out)
    assert len(ds) == 997
    assert {p.prompt_text for p in ds} == {f"prompt {i}" for i in range(1000)} - {"prompt 10", "prompt 500", "prompt 999"}
    q = [orjson.loads(l) for l in (tmp_path / "out.parquet.quarantine.jsonl").read_bytes().splitlines()]
    assert [(r["line"], r["check"]) for r in q] == [(11, "bad-json"), (501, "missing-field"), (1000, "wrong-type")]
    assert all(r["reason"] and r["raw"] for r in q)
    assert "did you mean 'choosen'" in q[1]["reason"]


def test_quarantine_path_option(tmp_path):
    src, out, q = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "bad" / "q.jsonl"
    _write(src)
    result = CliRunner().invoke(app, ["convert", str(src), str(out), "--lenient", "--quarantine", str(q)])
    assert result.exit_code == 0
    assert len(q.read_text().splitlines()) == 3


def test_quarantine_without_lenient_is_a_usage_error(tmp_path):
    src = tmp_path / "in.jsonl"
    _write(src)
    result = CliRunner().invoke(app, ["convert", str(src), str(tmp_path / "o.jsonl"), "--quarantine", "q.jsonl"])
    assert result.exit_code == 2
    assert "--quarantine needs --lenient" in result.stderr


def test_strict_stops_at_first_bad_record(tmp_path):
    src = tmp_path / "in.jsonl"
    _write(src)
    result = CliRunner().invoke(app, ["info", str(src)])
    assert result.exit_code == 2
    assert f"{src}:11: not valid JSON" in " ".join(result.stderr.split())


def test_python_api_lenient_keeps_problems(tmp_path):
    src = tmp_path / "in.jsonl"
    _write(src)
    ds = prefcraft.load(src, lenient=True)
    assert len(ds) == 997
    assert [p.row for p in ds.problems] == [10, 500, 999]
    # row keeps the original record index, so later findings point at the right record
    assert ds.frame.get_column("row").to_list()[9:12] == [9, 11, 12]
