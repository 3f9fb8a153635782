"""The HTML report: written, self-contained (nothing to fetch), with the plots and tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import prefcraft
from prefcraft.analysis.stats import dataset_stats

pytest.importorskip("matplotlib")

from prefcraft.analysis.report import render_report, write_report  # noqa: E402

DATA = Path(__file__).parent.parent / "data" / "stats"


@pytest.fixture(scope="module")
def html_text(tmp_path_factory):
    ds = prefcraft.load(str(DATA / "mixed.jsonl"))
    d = dataset_stats(ds, suggest_categories=True)
    path = tmp_path_factory.mktemp("report") / "report.html"
    assert write_report(d, str(path), title="mixed <test>") == str(path)
    return path.read_text(encoding="utf-8")


def test_self_contained(html_text):
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html_text, flags=re.I)
    assert refs, "expected inline images"
    assert all(r.startswith("data:") for r in refs), [r[:40] for r in refs if not r.startswith("data:")]
    assert not re.search(r"https?://", html_text)
    assert "<script" not in html_text.lower()
    assert "@import" not in html_text and "url(" not in html_text


def test_contents(html_text):
    assert html_text.count('src="data:image/png;base64,') >= 3  # bands, heat-map, lengths
    assert "mixed &lt;test&gt;" in html_text                      # titles are escaped
    for heading in ("Categories against their bands", "Category × harm", "Lengths", "Quality",
                    "Gaps and prompts to add", "Suggested categories"):
        assert heading in html_text
    assert "jailbreaking" in html_text


def test_render_without_refusal():
    ds = prefcraft.load(str(DATA / "edges.jsonl"))
    text = render_report(dataset_stats(ds, refusal=False))
    assert "Refusal quality not available" in text
