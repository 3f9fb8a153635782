"""Missing optional extras fail with the exact pip command, before any work."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import prefcraft
from prefcraft.analysis.stats import diversity
from prefcraft.cli import app
from prefcraft.errors import MissingExtraError

DATA = Path(__file__).parent.parent / "data" / "stats"


def test_report_without_matplotlib(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["stats", str(DATA / "mixed.jsonl"), "--report", str(out)])
    assert result.exit_code == 2
    assert "pip install 'prefcraft[report]'" in result.output
    assert not out.exists()


def test_embed_without_sentence_transformers(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'prefcraft\[embed\]'"):
        diversity(["a prompt"], embed=True)


def test_diversity_numbers():
    d = diversity(["remind me to call mum", "remind me to call dad", "remind me to call mum"])
    assert d["prompts"] == 3 and d["unique_prompts"] == 2
    # unigrams: 15 tokens, 6 distinct; bigrams: 12, 5 distinct
    assert d["distinct_1"] == round(6 / 15, 4) and d["distinct_2"] == round(5 / 12, 4)
    assert d["top_openings"] == [{"opening": "remind me to", "count": 3}]
    assert d["embedding_spread"] is None


def test_empty_dataset():
    from prefcraft.analysis.stats import dataset_stats

    d = dataset_stats(prefcraft.Dataset(), suggest_categories=True)
    assert d["rows"] == 0 and d["suggested_categories"] == []
    assert {c["status"] for c in d["categories"].values()} == {"under"}
    assert d["gap_summary"]["plan"]["final_rows"] == 200
