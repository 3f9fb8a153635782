"""Exact counts, shares, statuses and gaps on small hand-built datasets (tests/data/stats)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import prefcraft
from prefcraft.analysis.gaps import find_gaps, set_prompt_source, suggest_prompts, taxonomy_examples
from prefcraft.analysis.stats import dataset_stats, gaps_only
from prefcraft.taxonomy import load_taxonomy

DATA = Path(__file__).parent.parent / "data" / "stats"


@pytest.fixture(scope="module")
def edges():
    return dataset_stats(prefcraft.load(str(DATA / "edges.jsonl")), refusal=False)


@pytest.fixture(scope="module")
def mixed():
    return dataset_stats(prefcraft.load(str(DATA / "mixed.jsonl")), use_case="iterative",
                         refusal=False, suggest_categories=True)


def test_edges_every_band_met_exactly_at_its_edges(edges):
    cats = edges["categories"]
    assert edges["rows"] == 25 and edges["seed_rows"] == 20
    assert {k: v["count"] for k, v in cats.items()} == {
        "direct_harm": 5, "prompt_injection": 5, "social_engineering": 4,
        "gradual_escalation": 2, "edge_cases": 4, "benign": 5}
    assert cats["direct_harm"]["share"] == pytest.approx(0.25)       # lower edge
    assert cats["prompt_injection"]["share"] == pytest.approx(0.25)  # upper edge
    assert cats["social_engineering"]["share"] == pytest.approx(0.20)  # upper edge
    assert cats["gradual_escalation"]["share"] == pytest.approx(0.10)  # lower edge
    assert cats["edge_cases"]["share"] == pytest.approx(0.20)         # lower edge
    assert cats["benign"]["share"] == pytest.approx(0.20)             # upper edge, of all rows
    assert {v["status"] for v in cats.values()} == {"within"}
    assert edges["edge_case_share"] == pytest.approx(0.20)
    assert [g for g in edges["gaps"] if g["kind"] == "category"] == []


def test_edges_size_and_subcategories(edges):
    assert edges["size"] == {"use_case": "initial", "minimum": 100, "recommended": [200, 300],
                             "status": "below_minimum", "needed_for_minimum": 75,
                             "needed_for_recommended": 175}
    sub = edges["subcategories"]["direct_harm"]["subcategories"]
    assert sub["violence_threats"] == {"count": 5, "share": 1.0}
    gaps = {(g["kind"], g["category"], g["subcategory"]): g["needed"] for g in edges["gaps"]}
    # 5 direct_harm rows, 4 subcategories: each wants >= 0.5/4 = 12.5 % of the category:
    # smallest n with n / (5 + n) >= 1/8 is 1
    assert gaps[("subcategory", "direct_harm", "harassment_bullying")] == 1
    assert ("subcategory", "direct_harm", "violence_threats") not in gaps
    assert ("subcategory", "edge_cases", "needs_clarification") not in gaps


def test_edges_matrix_and_harms(edges):
    m = edges["matrix"]
    assert m["columns"] == ["stalking", "harassment", "deception", "privacy_violation", "self_harm", "none"]
    assert m["counts"][m["rows"].index("prompt_injection")] == [5, 0, 0, 0, 0, 0]
    assert m["counts"][m["rows"].index("benign")] == [0, 0, 0, 0, 5, 0]
    h = edges["harms"]
    assert h["labelled"] == 25
    assert h["harms"]["stalking"] == {"count": 9, "share": 0.36, "target": [0.1, 0.4], "status": "within"}
    assert h["harms"]["deception"]["status"] == "under"
    harm_gaps = [g for g in edges["gaps"] if g["kind"] == "harm"]
    # deception: smallest n with n / (25 + n) >= 0.10 is 3 (3/28 = 0.107; 2/27 = 0.074)
    assert [(g["harm"], g["needed"]) for g in harm_gaps] == [("deception", 3)]
    assert harm_gaps[0]["category"] == "direct_harm"  # listed there, rarest there (0)


def test_mixed_aliases_unknown_and_uncategorised(mixed):
    cats = mixed["categories"]
    assert mixed["rows"] == 12 and mixed["seed_rows"] == 7
    assert {k: v["count"] for k, v in cats.items()} == {
        "direct_harm": 3, "prompt_injection": 2, "social_engineering": 1,
        "gradual_escalation": 0, "edge_cases": 1, "benign": 1}
    assert {k: v["status"] for k, v in cats.items()} == {
        "direct_harm": "over", "prompt_injection": "over", "social_engineering": "under",
        "gradual_escalation": "under", "edge_cases": "under", "benign": "under"}
    assert cats["direct_harm"]["share"] == pytest.approx(3 / 7)
    assert cats["benign"]["share"] == pytest.approx(1 / 12)
    assert mixed["unknown_categories"] == {"count": 2, "values": {"jailbreaking": 1, "spam": 1},
                                           "rows": [8, 9]}
    assert mixed["uncategorised"] == {"count": 2, "rows": [10, 11]}
    assert mixed["size"]["status"] == "below_minimum"
    assert mixed["size"]["needed_for_recommended"] == 38


def test_mixed_needed_numbers(mixed):
    cat_gaps = {g["category"]: g["needed"] for g in mixed["gaps"] if g["kind"] == "category"}
    # social_engineering 1/7 -> 2/8 >= .15; gradual 0/7 -> 1/8 >= .10; edge 1/7 -> 2/8 >= .20;
    # benign 1/12 -> 2/13 >= .10 (benign is a share of all rows)
    assert cat_gaps == {"social_engineering": 1, "gradual_escalation": 1, "edge_cases": 1, "benign": 1}
    for g in mixed["gaps"]:
        assert g["suggested_prompts"] and all(isinstance(p, str) and p for p in g["suggested_prompts"])
        assert len(g["suggested_prompts"]) <= max(1, min(g["needed"], 5))


def test_mixed_subcategory_aliases(mixed):
    pi = mixed["subcategories"]["prompt_injection"]
    assert pi["subcategories"]["role_override"]["count"] == 1      # "you are now" alias
    assert pi["subcategories"]["instruction_injection"]["count"] == 1
    assert mixed["subcategories"]["direct_harm"]["subcategories"]["harassment_bullying"]["count"] == 1
    assert mixed["harms"]["harms"]["self_harm"]["count"] == 1      # "self-harm"


def test_suggestions_for_every_missing_category(mixed):
    sugg = mixed["suggested_categories"]
    assert [s["row"] for s in sugg] == [10, 11]
    tax = load_taxonomy()
    for s in sugg:
        assert s["category"] in tax.category_ids and 0.0 <= s["confidence"] <= 1.0
    assert sugg[0]["category"] == "gradual_escalation"


def test_joint_plan_meets_every_band():
    ds = prefcraft.load(str(DATA / "mixed.jsonl"))
    tax = load_taxonomy()
    out = gaps_only(ds, tax, use_case="iterative")
    p = out["gap_summary"]["plan"]
    final = {k: v["count"] + p["per_category"].get(k, 0) for k, v in out["categories"].items()}
    assert p["final_rows"] == 12 + p["total_to_add"] >= 50
    assert sum(final.values()) + 4 == p["final_rows"]  # 4 unknown/uncategorised rows stay
    seed_total = sum(final[c] for c in tax.seed_categories)
    for c in tax.seed_categories:
        lo, hi = tax.targets[c]
        assert Fraction(str(lo)) <= Fraction(final[c], seed_total) <= Fraction(str(hi)), c
    lo, hi = tax.targets["benign"]
    assert Fraction(str(lo)) <= Fraction(final["benign"], p["final_rows"]) <= Fraction(str(hi))


def test_prompt_source_is_switchable():
    tax = load_taxonomy()
    default = suggest_prompts(tax, "direct_harm", "privacy_violations", "stalking", n=3)
    assert len(default) == 3 and len(set(default)) == 3 and all(isinstance(p, str) and p for p in default)
    set_prompt_source(taxonomy_examples)
    try:
        assert suggest_prompts(tax, "edge_cases", harm="self_harm", n=1) == [
            "Remind me to pick up my prescription refill — and how many of these can I take at once?"]
    finally:
        set_prompt_source(None)
    set_prompt_source(lambda tax, c, s, h, n: [f"{c}/{s}/{h}"] * n)
    try:
        assert suggest_prompts(tax, "benign", None, "stalking", 2) == ["benign/None/stalking"] * 2
    finally:
        set_prompt_source(None)


def test_custom_taxonomy_stats():
    tax = load_taxonomy(DATA / "taxonomy_custom.yaml")
    ds = prefcraft.Dataset.from_records([
        {"prompt": "a", "chosen": "b", "rejected": "c", "category": "bad"},
        {"prompt": "a2", "chosen": "b", "rejected": "c", "category": "Harmful request"},
        {"prompt": "a3", "chosen": "b", "rejected": "c", "category": "tricky"},
    ])
    out = dataset_stats(ds, tax, refusal=False)
    assert out["categories"]["harmful"]["count"] == 2
    assert out["categories"]["harmful"]["status"] == "within"   # 2/3 in [0.5, 0.8]
    assert out["edge_case_share"] == pytest.approx(1 / 3)
    assert out["size"]["use_case"] == "small" and out["size"]["status"] == "below_recommended"
    gaps = find_gaps(out, tax, with_prompts=False)
    # 'threats' is the only subcategory of harmful (k=1): it wants >= 50 % of the category;
    # smallest n with n / (2 + n) >= 0.5 is 2
    assert [(g["kind"], g["subcategory"], g["needed"]) for g in gaps] == [("subcategory", "threats", 2)]


TINY = """
categories:
  - id: bad
    seed: true
    target: [0.6, 1.0]
  - id: ok
    seed: true
    target: [0.0, 0.4]
edge_case_category: null
benign_category: null
"""


def test_taxonomy_without_examples_or_use_cases():
    from prefcraft.errors import InputError
    from prefcraft.taxonomy import parse_taxonomy

    tax = parse_taxonomy(TINY, source="tiny.yaml")
    ds = prefcraft.load(str(DATA / "mixed.jsonl"))
    out = dataset_stats(ds, tax, refusal=False)
    assert out["categories"]["bad"] == {"count": 0, "share": 0.0, "share_of": "seed",
                                        "target": [0.6, 1.0], "status": "under"}
    assert out["size"]["use_case"] is None and out["edge_case_share"] == 0.0
    assert out["gap_summary"]["plan"] == {"final_rows": 13, "total_to_add": 1,
                                          "per_category": {"bad": 1, "ok": 0}}
    with pytest.raises(InputError, match="cannot suggest categories"):
        dataset_stats(ds, tax, refusal=False, suggest_categories=True)
