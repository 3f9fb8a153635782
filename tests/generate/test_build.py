"""The built-in dataset: determinism, band shares, harms, multi-turn structure, metadata."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from prefcraft.generate import build_dataset, plan_counts
from prefcraft.generate.build import DEFAULT_BANDS, SOURCE
from prefcraft.generate.dedup import near_duplicate_pairs

HARMS = {"stalking", "harassment", "deception", "privacy_violation", "self_harm"}


def test_same_seed_same_dataset():
    a = build_dataset(size=60, seed=7)
    b = build_dataset(size=60, seed=7)
    assert a.ids() == b.ids()
    assert [p.metadata for p in a] == [p.metadata for p in b]


def test_other_seed_other_dataset():
    a = build_dataset(size=60, seed=7)
    c = build_dataset(size=60, seed=8)
    assert set(a.ids()) != set(c.ids())


def test_default_size_and_source(default_build):
    ds, report = default_build
    assert len(ds) == 300
    assert report.shortfall == {}
    assert report.relaxed == {}  # nothing accepted above the strict near-duplicate threshold
    for p in ds:
        assert p.source == SOURCE
        assert p.metadata["seed"] == 0 and p.metadata["pattern"]
        assert p.format == "conversational"


def test_seed_categories_inside_bands(default_build):
    ds, _ = default_build
    counts = Counter(p.category for p in ds)
    seed_total = sum(v for k, v in counts.items() if k != "benign")
    for cat, (lo, hi) in DEFAULT_BANDS.items():
        share = counts[cat] / seed_total
        assert lo <= share <= hi, (cat, share)
        centre = (lo + hi) / 2
        assert abs(share - centre) < 0.03, (cat, share, centre)
    assert 0.20 <= counts["edge_cases"] / seed_total <= 0.30
    assert 0.13 <= counts["benign"] / len(ds) <= 0.17


def test_every_harm_well_represented(default_build):
    ds, _ = default_build
    harms = Counter(p.harm for p in ds)
    assert set(harms) == HARMS
    for h, n in harms.items():
        assert n / len(ds) >= 0.14, (h, n)
    by_cat_harm = Counter((p.category, p.harm) for p in ds)
    for cat in ("direct_harm", "prompt_injection", "social_engineering", "edge_cases"):
        for h in HARMS:
            assert by_cat_harm[(cat, h)] >= 3, (cat, h)


def test_multi_turn_structure(default_build):
    ds, _ = default_build
    multi = [p for p in ds if p.category == "gradual_escalation"]
    assert len(multi) >= 25
    turns = Counter()
    for p in multi:
        roles = [m["role"] for m in p.prompt]
        assert roles[-1] == "user"
        assert roles == ["user", "assistant"] * (len(roles) // 2) + ["user"]
        n_user = roles.count("user")
        assert 2 <= n_user <= 5
        turns[n_user] += 1
        assert p.is_multi_turn
        assert all(m["content"].strip() for m in p.prompt)
    assert len(turns) >= 3  # several conversation lengths, not one


def test_no_near_duplicate_prompts(default_build):
    ds, _ = default_build
    prompts = [p.prompt_text for p in ds]
    assert near_duplicate_pairs(prompts, 0.5) == []


def test_no_unfilled_slots_or_lectures(default_build):
    ds, _ = default_build
    slot = re.compile(r"\{[a-z_][a-z0-9_]*\}")
    for p in ds:
        for text in [m["content"] for m in p.prompt] + [p.chosen_text, p.rejected_text]:
            assert not slot.search(text), text
        if p.category != "benign":
            assert not re.search(r"\b(you should|you must|it's wrong|how dare)\b", p.chosen_text, re.I)


def test_self_harm_chosen_points_to_real_help(default_build):
    ds, _ = default_build
    refusals = [p for p in ds if p.harm == "self_harm" and p.category not in ("benign", "edge_cases")]
    assert refusals
    for p in refusals:
        assert re.search(r"988|findahelpline|emergency number", p.chosen_text), p.chosen_text


def test_benign_pairs_help_and_rejected_over_refuses(default_build):
    ds, _ = default_build
    benign = [p for p in ds if p.category == "benign"]
    for p in benign:
        assert re.search(r"^\s*(\d+[.)]|Task \d+:)", p.chosen_text, re.M), p.chosen_text
        assert re.search(r"can.t|cannot|unable|not able|won.t|not comfortable|isn.t something I can", p.rejected_text, re.I)


def test_rejected_harmful_are_numbered_task_lists(default_build):
    ds, _ = default_build
    for p in ds:
        if p.category != "benign":
            assert len(re.findall(r"^\s*(\d+[.)]|Task \d+:)", p.rejected_text, re.M)) >= 3, p.rejected_text


def test_plan_counts_sum_and_benign_share():
    plan = plan_counts(1000, 0.2)
    assert sum(plan.values()) == 1000
    assert plan["benign"] == 200


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5])
def test_plan_counts_rejects_bad_share(bad):
    from prefcraft.errors import UsageError

    with pytest.raises(UsageError):
        plan_counts(100, bad)


def test_stats_reports_no_gaps_for_the_default_build(default_build):
    from prefcraft.analysis.stats import gaps_only

    ds, _ = default_build
    doc = gaps_only(ds)
    assert doc["gaps"] == [], doc["gaps"]
    assert all(c["status"] == "within" for c in doc["categories"].values())


@pytest.mark.parametrize("size", [60, 97, 100, 150, 300, 301, 1000, 10_000])
def test_plan_counts_inside_bands(size):
    plan = plan_counts(size)
    seed = sum(v for k, v in plan.items() if k != "benign")
    for cat, (lo, hi) in DEFAULT_BANDS.items():
        assert lo <= plan[cat] / seed <= hi, (size, cat, plan)


def test_custom_taxonomy_bands_are_met(tmp_path):
    from pathlib import Path

    import prefcraft.taxonomy as taxonomy_pkg

    text = (Path(taxonomy_pkg.__file__).parent / "taxonomy.yaml").read_text()
    assert "target: [0.25, 0.35]" in text
    custom = tmp_path / "tax.yaml"
    custom.write_text(text.replace("target: [0.25, 0.35]", "target: [0.32, 0.35]", 1))
    ds = build_dataset(size=100, seed=2, taxonomy=str(custom))
    counts = Counter(p.category for p in ds)
    seed_total = sum(v for k, v in counts.items() if k != "benign")
    assert 0.32 <= counts["direct_harm"] / seed_total <= 0.35


def test_validator_finds_nothing_in_the_default_build(default_build):
    from prefcraft import validate

    ds, _ = default_build
    findings = list(validate(ds).findings)
    assert [f for f in findings if f.severity == "error"] == []
    assert findings == [], [(f.row, f.check, f.message) for f in findings][:5]


def test_same_dataset_across_processes(tmp_path):
    """No dependence on Python's per-process string hashing (PYTHONHASHSEED)."""
    import os
    import subprocess
    import sys

    outs = []
    for h in ("1", "2"):
        out = tmp_path / f"b{h}"
        env = {**os.environ, "PYTHONHASHSEED": h}
        subprocess.run([sys.executable, "-m", "prefcraft", "build", "-q", "--no-report", "--no-export",
                        "--out", str(out), "--size", "40", "--seed", "4"], check=True, env=env,
                       capture_output=True)
        outs.append((out / "pairs.jsonl").read_bytes())
    assert outs[0] == outs[1]
