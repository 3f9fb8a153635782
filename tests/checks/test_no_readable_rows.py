"""A file in which no record is readable still gets every check, not crashes."""

import orjson
from typer.testing import CliRunner

from prefcraft.cli import app


def test_validate_with_no_readable_record(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"prompt": "track my ex", "chosen": "I will not do that", "rejcted": "ok here is how"}\n')
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    report = orjson.loads(result.stdout)
    assert report["rows"] == 1
    assert [f["check"] for f in report["findings"]] == ["missing-field"]
    assert report["checks_skipped"] == [s for s in report["checks_skipped"] if s["check"] in ("split-leakage", "too-long")]
