"""The built-in taxonomy, alias resolution, and clear errors for typos in user taxonomy files."""

from __future__ import annotations

from pathlib import Path

import pytest

from prefcraft.errors import InputError
from prefcraft.taxonomy import load_taxonomy, normalise_name, parse_taxonomy

DATA = Path(__file__).parent.parent / "data" / "stats"

SUBCATEGORIES = {
    "direct_harm": ["violence_threats", "harassment_bullying", "privacy_violations", "illegal_activities"],
    "prompt_injection": ["role_override", "instruction_injection", "system_prompt_extraction",
                         "permission_escalation"],
    "social_engineering": ["emotional_manipulation", "authority_impersonation", "fictional_framing",
                           "urgency_fabrication"],
    "gradual_escalation": ["information_gathering", "capability_building", "boundary_testing"],
    "edge_cases": ["needs_clarification"],
    "benign": [],
}


def test_builtin_axes_and_ids():
    tax = load_taxonomy()
    assert tax.category_ids == list(SUBCATEGORIES)
    assert {c.id: [s.id for s in c.subcategories] for c in tax.categories} == SUBCATEGORIES
    assert tax.harm_ids == ["stalking", "harassment", "deception", "privacy_violation", "self_harm"]
    assert tax.seed_categories == list(SUBCATEGORIES)[:5]


def test_builtin_is_cached():
    assert load_taxonomy() is load_taxonomy()


def test_targets_and_sizes():
    tax = load_taxonomy()
    assert tax.targets == {
        "direct_harm": (0.25, 0.35), "prompt_injection": (0.15, 0.25),
        "social_engineering": (0.15, 0.20), "gradual_escalation": (0.10, 0.15),
        "edge_cases": (0.20, 0.30), "benign": (0.10, 0.20),
    }
    assert tax.category("benign").basis == "all"
    assert tax.minimum_sizes == {"initial": 100, "domain": 50, "iterative": 20}
    assert tax.recommended_sizes == {"initial": (200, 300), "domain": (100, 150), "iterative": (50, 100)}
    assert tax.default_use_case == "initial"


@pytest.mark.parametrize("name,expected", [
    ("direct_harm", "direct_harm"), ("Direct Harm", "direct_harm"), ("direct-harm", "direct_harm"),
    (" DIRECT_HARM ", "direct_harm"), ("injection", "prompt_injection"), ("Jailbreak", "prompt_injection"),
    ("Social Engineering", "social_engineering"), ("edge case", "edge_cases"), ("Edge-Cases", "edge_cases"),
    ("escalation", "gradual_escalation"), ("Benign", "benign"), ("jailbreaking", None), ("", None),
    (None, None),
])
def test_resolve_category(name, expected):
    assert load_taxonomy().resolve_category(name) == expected


def test_resolve_subcategory_and_harm():
    tax = load_taxonomy()
    assert tax.resolve_subcategory("Role override") == "role_override"
    assert tax.resolve_subcategory("you are now") == "role_override"
    assert tax.resolve_subcategory("role_override", category="direct_harm") is None
    assert tax.parent_of("fictional_framing") == "social_engineering"
    assert tax.resolve_harm("Self-Harm") == "self_harm"
    assert tax.resolve_harm("privacy") == "privacy_violation"
    assert tax.resolve_harm("spam") is None


def test_every_entry_has_description_examples_and_known_hazard_codes():
    tax = load_taxonomy()
    for cat in tax.categories:
        assert cat.description
        assert cat.all_examples(), cat.id
        for sub in cat.subcategories:
            assert sub.description and len(sub.examples) >= 3, sub.id
    for harm in tax.harms:
        assert harm.description and harm.hazards.llama_guard, harm.id
    assert tax.harm("self_harm").hazards.llama_guard == ["S11"]
    assert tax.harm("privacy_violation").hazards.ailuminate == ["prv"]


def test_examples_prefer_the_requested_harm():
    tax = load_taxonomy()
    ex = tax.examples("direct_harm", harm="deception")
    assert ex and all("name" in e or "fake" in e for e in ex[:2])


def test_normalise_name():
    assert normalise_name("Prompt  Injection!") == "prompt_injection"


def test_custom_taxonomy_file():
    tax = load_taxonomy(DATA / "taxonomy_custom.yaml")
    assert tax.name == "tiny"
    assert tax.resolve_category("Harmful request") == "harmful"
    assert tax.seed_categories == ["harmful", "tricky"]
    assert tax.use_case("small").minimum == 2


def test_typo_file_names_file_key_path_and_fix():
    with pytest.raises(InputError) as err:
        load_taxonomy(DATA / "taxonomy_typo.yaml")
    msg = str(err.value)
    assert "taxonomy_typo.yaml" in msg
    assert "categories[0](direct_harm).aliasses" in msg
    assert "did you mean 'aliases'" in msg


BASE = """
categories:
  - id: a
    seed: true
    target: [0.4, 0.8]
    aliases: [alpha]
  - id: b
    seed: true
    target: [0.2, 0.6]
harms:
  - id: stalking
"""


@pytest.mark.parametrize("text,needles", [
    (BASE.replace("[0.4, 0.8]", "[0.8, 0.4]"),
     ["categories[0](a).target", "lower bound 0.8 is greater than its upper bound 0.4", "[0.4, 0.8]"]),
    (BASE.replace("[0.4, 0.8]", "[40, 80]"), ["categories[0](a).target", "write 0.25 for 25 %"]),
    (BASE.replace("seed: true\n    target: [0.2, 0.6]", "seed: yes please\n    target: [0.2, 0.6]"),
     ["categories[1](b).seed", "boolean"]),
    (BASE.replace("aliases: [alpha]", "aliases: [alpha, b]"),
     ["categories[1](b)", "'b' is already used by categories[0](a)"]),
    (BASE.replace("- id: b", "- id: a"), ["'a' is already used"]),
    (BASE.replace("aliases: [alpha]", "aliases: [alpha]\n    subcategories:\n      - id: s\n        harms: [stalkng]"),
     ["categories[0](a).subcategories[0](s).harms[0]", "harm 'stalkng' does not exist",
      "did you mean 'stalking'"]),
    (BASE + "edge_case_category: edges\n", ["edge_case_category", "'edges' does not exist"]),
    (BASE.replace("id: b", "id: Bee"), ["snake_case", "did you mean 'bee'"]),
    (BASE.replace("[0.2, 0.6]", "[0.7, 0.9]"), ["add up to 1.10 > 1"]),
    (BASE + "use_cases:\n  x: {minimum: 5, recommended: [10, 2]}\n", ["use_cases.x.recommended"]),
    (BASE + "wibble: 1\n", ["unknown key 'wibble'", "allowed keys"]),
    ("categories: [\n", ["my.yaml:", "not valid YAML"]),
    ("- just a list\n", ["expected a YAML mapping"]),
])
def test_typos_fail_clearly(text, needles):
    with pytest.raises(InputError) as err:
        parse_taxonomy(text, source="my.yaml")
    msg = str(err.value)
    assert msg.startswith("my.yaml")
    for needle in needles:
        assert needle in msg, msg


def test_missing_file():
    with pytest.raises(InputError, match="taxonomy file not found"):
        load_taxonomy("/nonexistent/tax.yaml")


def test_top_level_subcategories_attach_to_their_category():
    tax = parse_taxonomy(BASE + "subcategories:\n  - {id: s1, category: a, aliases: [first]}\n"
                                "  - {id: s2, category: b}\n", source="my.yaml")
    assert [s.id for s in tax.category("a").subcategories] == ["s1"]
    assert tax.parent_of("s2") == "b" and tax.resolve_subcategory("First") == "s1"
    assert tax.edge_case_category is None and tax.benign_category is None  # none defined


def test_subcategory_pointing_nowhere():
    with pytest.raises(InputError) as err:
        parse_taxonomy(BASE + "subcategories:\n  - {id: s1, category: aa}\n", source="my.yaml")
    msg = str(err.value)
    assert "subcategories[0](s1).category: category 'aa' does not exist — did you mean 'a'?" in msg
