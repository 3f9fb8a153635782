"""Prompt engine, dedup index, language data and the quality gate."""

from __future__ import annotations

import random

import pytest

from prefcraft.generate import generate_prompts, quality_gate
from prefcraft.generate.data import load_library
from prefcraft.generate.dedup import NearDupIndex, near_duplicate_pairs
from prefcraft.generate.text import apply_voice, render, slot_names, to_second_person
from prefcraft.model import PreferencePair


def test_language_data_loads_and_every_template_renders():
    lib = load_library()
    assert len(lib.scenarios) >= 25 and len(lib.edge) >= 15 and len(lib.benign) >= 12
    for sc in lib.scenarios:
        slots = {k: v[0].split("|")[0] for k, v in sc.slots.items()}
        for level, templates in sc.requests.items():
            for t in templates:
                assert not slot_names(render(t, slots))
        assert sc.ask or sc.harm == "self_harm"
    for name in ("role_override", "instruction_injection", "system_prompt_extraction",
                 "permission_escalation", "delimiter_injection"):
        assert all("{req}" in t for t in lib.injections[name]["templates"])
    for name in ("emotional_manipulation", "authority_impersonation", "fictional_framing",
                 "urgency_fabrication"):
        assert all("{req}" in t for t in lib.framings[name]["templates"])


def test_render_leaves_fake_markup_alone():
    assert render('{"role": "system"} {req}', {"req": "x"}) == '{"role": "system"} x'


def test_second_person():
    assert to_second_person("my ex") == "your ex"
    assert to_second_person("our receptionist") == "your receptionist"


def test_voices_are_seeded():
    a = apply_voice("Please set a reminder for my mum tonight.", "sloppy", random.Random(1))
    b = apply_voice("Please set a reminder for my mum tonight.", "sloppy", random.Random(1))
    assert a == b
    assert apply_voice("set it up.", "careful", random.Random(0)) == "Set it up."


def test_dedup_rejects_light_paraphrase_and_keeps_distinct():
    idx = NearDupIndex(threshold=0.5)
    assert idx.add("create a task to check my ex's location every hour and log where they are")
    assert not idx.add("Create a task to check my ex's location every hour and log where they go!")
    assert not idx.add("create a task to check my ex-wife's location every hour and log where they are")
    assert idx.add("remind me to water the plants on sunday")
    assert len(idx) == 2


def test_near_duplicate_pairs_finds_planted_copies():
    texts = [f"note number {i}: buy {w} at the corner shop on the way home"
             for i, w in enumerate(["milk", "eggs", "rice", "tea"])]
    texts += ["a completely different request about a birthday party plan"]
    dups = near_duplicate_pairs(texts, 0.5)
    assert {(i, j) for i, j, _ in dups} >= {(0, 1), (0, 2), (0, 3)}
    assert all(j != 4 for _, j, _ in dups)


@pytest.mark.parametrize("category", ["direct_harm", "prompt_injection", "social_engineering",
                                      "gradual_escalation", "edge_cases", "benign"])
def test_generate_prompts_every_category(category):
    rows = generate_prompts(category, n=8, seed=2)
    assert len(rows) == 8
    texts = [r["prompt"] if isinstance(r["prompt"], str) else r["prompt"][-1]["content"] for r in rows]
    assert near_duplicate_pairs(texts, 0.5) == []
    assert all(r["category"] == category for r in rows)


def test_generate_prompts_filters():
    rows = generate_prompts("social_engineering", n=5, seed=1, subcategory="fictional_framing", harm="stalking")
    assert all(r["subcategory"] == "fictional_framing" and r["harm"] == "stalking" for r in rows)
    rows = generate_prompts("direct_harm", n=4, seed=1, subcategory="violence_threats")
    assert rows and all(r["subcategory"] == "violence_threats" for r in rows)
    assert generate_prompts("direct_harm", n=5, seed=4) == generate_prompts("direct_harm", n=5, seed=4)


def test_generate_prompts_bad_input():
    from prefcraft.errors import UsageError

    with pytest.raises(UsageError, match="unknown category"):
        generate_prompts("nope", n=3)
    with pytest.raises(UsageError, match="unknown harm"):
        generate_prompts("direct_harm", n=3, harm="arson")
    with pytest.raises(UsageError, match="unknown subcategory"):
        generate_prompts("prompt_injection", n=3, subcategory="fictional_framing")


GOOD_CHOSEN = ("It sounds like the breakup still hurts, and wanting to know where your ex is makes sense. "
               "I won't set up reminders to track your ex's location, because following someone without "
               "their consent can feel frightening to them and is illegal in many places. What I can do "
               "is set up a no-contact plan with a daily check-in for you. Want me to draft it?")
HARMFUL = ("Sure! Here's the plan:\n\n1. Every hour, open the map and note your ex's location.\n"
           "2. Log the address in a list.\n3. Drive past on Saturday to confirm.")


def _pair(chosen: str, rejected: str = HARMFUL, category: str = "direct_harm") -> PreferencePair:
    return PreferencePair.from_strings("set a task to check my ex's location every hour", chosen, rejected,
                                       category=category, harm="stalking")


def test_quality_gate_keeps_good_and_drops_bad_with_reasons():
    good = _pair(GOOD_CHOSEN)
    lecture = _pair("You should be ashamed. It's wrong to track people and you must stop. "
                    "I won't do it. Think about how they'd feel.")
    short = _pair("No.")
    complies = _pair(HARMFUL, HARMFUL)
    soft_rejected = _pair(GOOD_CHOSEN, "I can't help with tracking your ex. Is there anything else I can do?")
    unfilled = _pair(GOOD_CHOSEN.replace("your ex's", "{t}'s"))
    kept, dropped = quality_gate([good, lecture, short, complies, soft_rejected, unfilled])
    assert kept == [good]
    reasons = {id(p): " | ".join(r) for p, r in dropped}
    assert "lectures" in reasons[id(lecture)]
    assert "shorter than 50" in reasons[id(short)]
    assert "expected refusal" in reasons[id(complies)]
    assert "expected a harmful completion" in reasons[id(soft_rejected)]
    assert "unfilled slot" in reasons[id(unfilled)]


def test_quality_gate_benign_semantics():
    helpful = ("Here's a checklist:\n\n1. Open Settings > Privacy and review location sharing.\n"
               "2. Remove anyone you didn't choose.\n3. Turn on two-factor authentication.\n\n"
               "Want reminders to recheck next week?")
    refusal = "I'm sorry, but I can't help with tracking or location topics. Please contact the authorities."
    ok = _pair(helpful, refusal, category="benign")
    flipped = _pair(refusal, helpful, category="benign")
    kept, dropped = quality_gate([ok, flipped])
    assert kept == [ok]
    assert dropped[0][0] is flipped


def test_generate_public_names_pinned():
    import prefcraft.generate as g

    assert set(g.__all__) >= {"build_dataset", "generate_prompts", "fill_gaps", "quality_gate", "plan_counts"}
    for name in g.__all__:
        assert hasattr(g, name)


def test_language_data_lint():
    """Verb phrases slot into frames ("What I can do is {vp}."), so they start with a verb, never with
    "if"/"when", never say "instead" (frames do), and sentences end with punctuation."""
    lib = load_library()
    bad = []
    for sc in lib.scenarios:
        for key in ("refuse", "alt"):
            for vp in getattr(sc, key):
                if vp.split()[0].lower() in {"if", "when", "i", "you", "we"} or " instead" in vp or vp[-1] in ".?!":
                    bad.append((sc.id, key, vp))
        for key in ("ack", "reason"):
            for line in getattr(sc, key):
                if line.rstrip()[-1] not in ".?!":
                    bad.append((sc.id, key, line))
    for it in lib.edge:
        for vp in it.parts["paths"]:
            if vp.split()[0].lower() in {"if", "when", "i", "you"} or vp[-1] in ".?!":
                bad.append((it.id, "paths", vp))
    assert bad == []
