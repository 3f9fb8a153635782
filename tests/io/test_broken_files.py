"""Every broken file gives one located paragraph with a fix, exit code 2, and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from prefcraft.cli import app

BROKEN = Path(__file__).parents[1] / "data" / "io" / "broken"

# file → (location that must appear, phrase of the explanation or fix)
CASES = {
    "array_in_jsonl.jsonl": (":1:", "expected a JSON object"),
    "bad_json_line3.jsonl": (":3:", "not valid JSON"),
    "bad_role.jsonl": (":1:", "did you mean 'assistant'"),
    "binary_junk.jsonl": (":1:", "looks binary"),
    "empty_cell.csv": (":3:", "empty cell"),
    "empty_chosen.jsonl": (":2:", "empty string"),
    "empty_message_content.jsonl": (":1:", "empty content"),
    "empty_message_list.jsonl": (":1:", "empty list"),
    "jsonl_named_json.json": ("jsonl_named_json.json: ", "--input-format jsonl"),
    "latin1.csv": (":2:", "iconv"),
    "latin1.jsonl": (":1:", "iconv"),
    "message_missing_role.jsonl": (":1:", "needs string 'role' and 'content'"),
    "missing_chosen.jsonl": (":2:", "add a 'chosen' field"),
    "missing_column.csv": (":2:", "add a 'rejected' field"),
    "misspelt_choosen.jsonl": (":1:", "did you mean 'choosen'? Rename the key 'choosen' to 'chosen'"),
    "misspelt_promt.jsonl": (":1:", "Rename the key 'promt' to 'prompt'"),
    "misspelt_rejcted.jsonl": (":3:", "Rename the key 'rejcted' to 'rejected'"),
    "mixed_row_formats.jsonl": (":1:", "record mixes formats"),
    "not_array.json": ("not_array.json: ", "expected an array of records"),
    "not_really.parquet": ("not_really.parquet: ", "not a readable Parquet file"),
    "nul_bytes.tsv": (":2:", "NUL bytes"),
    "null_chosen.jsonl": (":1:", "is null — give it the text"),
    "ragged.csv": (":3:", "quote cells"),
    "record_not_object.jsonl": (":2:", "expected a JSON object"),
    "single_message_not_list.jsonl": (":1:", "wrap it in a list"),
    "trailing_comma.json": ("trailing_comma.json: ", "trailing comma is not allowed"),
    "trailing_comma_jsonl.jsonl": (":1:", "trailing comma"),
    "truncated.json": ("truncated.json: ", "unexpected end of data"),
    "truncated.jsonl": (":2:", "looks truncated"),
    "unknown_extension.dat": ("unknown_extension.dat: ", "--input-format"),
    "utf16.jsonl": (":1:", "UTF-16"),
    "whitespace_prompt.jsonl": (":1:", "empty string"),
    "wrapper_without_list.json": ("wrapper_without_list.json: ", "{\"data\": [...]}"),
    "wrong_type_category.jsonl": (":1:", "expected a string or null"),
    "wrong_type_chosen_number.jsonl": (":2:", "is a number (42)"),
    "wrong_type_metadata.jsonl": (":1:", "expected a JSON object"),
    "wrong_type_prompt_object.jsonl": (":1:", "is an object with keys text"),
    "wrong_type_tags.jsonl": (":1:", "comma-separated string"),
}


def test_every_broken_file_has_a_case():
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(CASES)
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("command", ["info", "convert"])
def test_broken_file_cli(name, command, tmp_path):
    where, phrase = CASES[name]
    args = [command, str(BROKEN / name)] + ([str(tmp_path / "out.jsonl")] if command == "convert" else [])
    result = CliRunner().invoke(app, args)
    err = " ".join(result.stderr.split())
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output + result.stderr
    assert err.startswith("error: ")
    assert f"{name}{where}" in err or where in err, err
    assert phrase in err, err
    assert err.count("\n") == 0  # one paragraph
    assert not list(tmp_path.iterdir()), "nothing may be written for bad input"


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.endswith(".jsonl")))
def test_lenient_jsonl_keeps_good_records(name, tmp_path):
    """--lenient never raises on a JSONL file: good records kept, the rest quarantined with reasons."""
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["convert", str(BROKEN / name), str(out), "--lenient"])
    assert result.exit_code == 0, result.output
    lines = [l for l in (BROKEN / name).read_bytes().split(b"\n") if l.strip()]
    kept = out.read_bytes().splitlines() if out.exists() else []
    q = tmp_path / "out.jsonl.quarantine.jsonl"
    quarantined = q.read_bytes().splitlines() if q.exists() else []
    assert len(kept) + len(quarantined) == len(lines)
    assert quarantined, "every file here has at least one bad record"
