"""What users see from the CLI shell: help, version, python -m, info/convert output and errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
from typer.testing import CliRunner

import prefcraft
from prefcraft.cli import app

GOOD = Path(__file__).parent / "data" / "io" / "good"
SAMPLE = Path(prefcraft.__file__).parent / "data" / "task_api_sample.jsonl"
runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"prefcraft {prefcraft.__version__}"


def test_help_lists_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("convert", "info"):
        assert command in result.stdout


def test_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "prefcraft", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("prefcraft ")


def test_info_json_on_shipped_sample():
    result = runner.invoke(app, ["info", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    info = orjson.loads(result.stdout)
    assert info["rows"] == 6
    assert info["row_formats"] == {"conversational": 6}
    assert info["multi_turn"] == 1
    assert info["counts"]["category"]["direct_harm"] == 1
    assert set(info) >= {"path", "source_format", "rows", "fields", "aliases", "notes", "counts", "lengths"}


def test_info_text_reports_aliases():
    result = runner.invoke(app, ["info", str(GOOD / "aliases.jsonl")])
    assert result.exit_code == 0
    assert "question → prompt" in result.stdout
    assert "chosen_response → chosen" in result.stdout


def test_convert_reports_aliases_on_stderr(tmp_path):
    result = runner.invoke(app, ["convert", str(GOOD / "aliases.jsonl"), str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0
    assert "note: field 'question' read as 'prompt'" in result.stderr
    quiet = runner.invoke(app, ["convert", str(GOOD / "aliases.jsonl"), str(tmp_path / "o2.jsonl"), "--quiet"])
    assert quiet.stderr == "" and quiet.stdout == ""


def test_convert_every_format_pair_keeps_every_field(tmp_path):
    src = GOOD / "standard.jsonl"
    original = list(prefcraft.load(src).records())
    for ext in ("json", "csv", "tsv", "parquet", "jsonl"):
        out = tmp_path / f"o.{ext}"
        result = runner.invoke(app, ["convert", str(src), str(out)])
        assert result.exit_code == 0, result.output
        assert list(prefcraft.load(out).records()) == original


def test_convert_row_format_and_ids(tmp_path):
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["convert", str(GOOD / "standard.tsv"), str(out), "--row-format", "conversational", "--with-ids"])
    assert result.exit_code == 0
    rows = [orjson.loads(l) for l in out.read_bytes().splitlines()]
    assert rows[0]["prompt"][0]["role"] == "user"
    assert rows[0]["id"] == prefcraft.load(GOOD / "standard.tsv").ids()[0]


def test_usage_errors_exit_2(tmp_path):
    bad_ext = runner.invoke(app, ["convert", str(GOOD / "standard.jsonl"), str(tmp_path / "o.xlsx")])
    assert bad_ext.exit_code == 2
    assert "cannot tell the output format from the extension '.xlsx'" in bad_ext.stderr
    assert not (tmp_path / "o.xlsx").exists()
    bad_fmt = runner.invoke(app, ["info", str(GOOD / "standard.jsonl"), "--input-format", "xml"])
    assert bad_fmt.exit_code == 2 and "unknown input format 'xml'" in bad_fmt.stderr
    missing = runner.invoke(app, ["info", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    row_fmt = runner.invoke(app, ["convert", str(GOOD / "standard.jsonl"), str(tmp_path / "o.jsonl"), "--row-format", "chatml"])
    assert row_fmt.exit_code == 2 and "--row-format must be" in row_fmt.stderr


def test_parquet_refuses_mixed_formats(tmp_path):
    ds = prefcraft.Dataset.concat([prefcraft.load(GOOD / "standard.jsonl"), prefcraft.load(GOOD / "multiturn.jsonl")])
    ds.save(str(tmp_path / "in.jsonl"))
    result = runner.invoke(app, ["convert", str(tmp_path / "in.jsonl"), str(tmp_path / "o.parquet")])
    assert result.exit_code == 2
    assert "--row-format" in result.stderr
    assert not (tmp_path / "o.parquet").exists()


def test_atomic_write_keeps_previous_file_on_failure(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_text("previous content\n")
    ds = prefcraft.load(GOOD / "standard.jsonl")

    class Boom(Exception):
        pass

    from prefcraft.io.writers import atomic_write

    try:
        with atomic_write(out) as fh:
            fh.write(b"half")
            raise Boom
    except Boom:
        pass
    assert out.read_text() == "previous content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["o.jsonl"]  # no temp file left behind
    ds.save(str(out))
    assert len(prefcraft.load(out)) == 3


def test_convert_json_report(tmp_path):
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["convert", str(GOOD / "aliases.jsonl"), str(out), "--format", "json"])
    assert result.exit_code == 0
    report = orjson.loads(result.stdout)
    assert report["written"] == 1 and report["quarantined"] == 0 and report["quarantine"] is None
    assert report["aliases"]["question"] == "prompt"
    assert result.stderr == ""


def test_polars_and_pandas_roundtrip():
    ds = prefcraft.load(GOOD / "standard.jsonl")
    pdf = ds.to_pandas()
    assert list(pdf.columns[:3]) == ["prompt", "chosen", "rejected"]
    assert prefcraft.Dataset.from_pandas(pdf).ids() == ds.ids()
    import polars as pl

    assert prefcraft.Dataset.from_polars(pl.DataFrame(list(ds.records()))).ids() == ds.ids()


def test_written_files_get_the_usual_mode(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "o.jsonl"
        prefcraft.load(GOOD / "standard.jsonl").save(str(out))
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        os.chmod(out, 0o600)
        prefcraft.load(GOOD / "standard.jsonl").save(str(out))
        assert stat.S_IMODE(out.stat().st_mode) == 0o600  # an existing file keeps its mode
    finally:
        os.umask(old)
