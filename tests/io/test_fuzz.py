"""Fuzz the readers: random bytes and mutated valid files give records or a clean, located error —
never a traceback, a hang, or a silently dropped record."""

from __future__ import annotations

import os

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import prefcraft
from prefcraft.errors import PrefcraftError

GOOD = Path(__file__).parents[1] / "data" / "io" / "good"
SEEDS = {name: (GOOD / name).read_bytes() for name in
         ("standard.jsonl", "conversational.jsonl", "multiturn.jsonl", "array.json", "standard.csv", "standard.tsv")}
# PREFCRAFT_FUZZ_EXAMPLES=5000 pytest tests/io/test_fuzz.py for a long run
FUZZ = settings(max_examples=int(os.environ.get("PREFCRAFT_FUZZ_EXAMPLES", "150")), deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _outcome(path: Path, lenient: bool):
    try:
        return prefcraft.read(path, on_error="quarantine" if lenient else "raise")
    except PrefcraftError as exc:
        message = str(exc)
        assert str(path) in message, message
        assert "Traceback" not in message
        return None


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from([b"\n", b",", b"\"", b"{", b"]", b"\r\n"]))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 10))]
        elif op == "truncate":
            del data[pos:]
    return name, bytes(data)


@FUZZ
@given(st.binary(max_size=600), st.sampled_from([".jsonl", ".json", ".csv", ".tsv", ".parquet", ".bin"]))
def test_random_bytes(tmp_path, data, ext):
    path = tmp_path / f"fuzz{ext}"
    path.write_bytes(data)
    _outcome(path, lenient=False)
    _outcome(path, lenient=True)


@FUZZ
@given(mutated())
def test_mutated_valid_files(tmp_path, case):
    name, data = case
    path = tmp_path / name
    path.write_bytes(data)
    _outcome(path, lenient=False)
    result = _outcome(path, lenient=True)
    if result is not None and name.endswith(".jsonl"):
        # nothing silently dropped: every non-blank line is a record or a quarantined problem
        lines = [l for l in data.split(b"\n") if l.strip()]
        if data.startswith(b"\xef\xbb\xbf") and len(lines) and not lines[0][3:].strip():
            lines = lines[1:]
        assert len(result.dataset) + len(result.problems) == len(lines)
