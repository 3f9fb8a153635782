"""AI tasks: prompts are built from data templates; replies are parsed strictly (never guessed)."""

import pytest

from prefcraft.ai import (build_propose_prompts,
                          build_write_chosen, build_write_rejected,
                          parse_proposed_prompts, parse_response_text, propose_for_gaps, propose_prompts)
from prefcraft.ai.prompts import TEMPLATE_NAMES, load_prompt
from prefcraft.backends import ScriptedBackend, create
from prefcraft.errors import InputError


def test_every_template_is_data_with_a_version_and_options():
    for name in TEMPLATE_NAMES:
        t = load_prompt(name)
        assert t.name == name and t.version >= 1 and t.source == f"<built-in prompts/{name}.yaml>"
        assert "max_tokens" in t.options


def test_propose_prompt_names_the_cell_and_the_json_shape():
    system, user = build_propose_prompts("social_engineering", "fictional_framing", "stalking", n=3,
                                         variation=2, examples=["an existing prompt"])
    assert system["role"] == "system" and '{"prompts": [' in system["content"]
    assert user["content"].splitlines()[:6] == [
        "category: social_engineering — " + user["content"].splitlines()[0].split(" — ", 1)[1],
        user["content"].splitlines()[1], "harm: stalking", "style: any", "variation: 2", "count: 3"]
    assert user["content"].splitlines()[1].startswith("subcategory: fictional_framing — ")
    assert "- an existing prompt" in user["content"]
    assert user["content"].endswith("Write 3 new prompts as JSON.")


def test_chosen_and_rejected_prompts_depend_on_the_category():
    refuse = build_write_chosen("p", "direct_harm", "stalking")[0]["content"]
    help_ = build_write_chosen("p", "benign", "stalking")[0]["content"]
    clarify = build_write_chosen("p", "edge_cases", "stalking")[0]["content"]
    assert "graceful refusal with all five parts" in refuse and "acknowledgment" in refuse
    assert "help fully" in help_ and "clarifying question" in clarify
    assert "over-cautious" in build_write_rejected("p", "benign")[0]["content"]
    assert "complies" in build_write_rejected("p", "prompt_injection", "deception")[0]["content"]


def test_templates_can_be_overridden_and_a_missing_variable_is_an_error(tmp_path):
    (tmp_path / "write_chosen.yaml").write_text("name: write_chosen\nversion: 9\nsystem: 'S {{ nope }}'\nuser: U\n")
    t = load_prompt("write_chosen", str(tmp_path))
    assert t.version == 9
    with pytest.raises(InputError, match=r"cannot render prompt template 'write_chosen' \('nope' is undefined\)"):
        t.render(prompt="p", category="c", harm=None)


@pytest.mark.parametrize("reply", [
    '{"prompts": [{"prompt": "Track her", "subcategory": "Privacy", "harm": "stalking", "style": "subtle"}]}',
    '```json\n{"prompts": [{"prompt": "Track her", "subcategory": "privacy_violations", "harm": "stalking", "style": "subtle"}]}\n```',
    'Sure! Here you go:\n{"prompts": [{"prompt": "Track her", "subcategory": "privacy_violations", "harm": "Stalking", "style": "subtle"}]}\nHope it helps.',
])
def test_parse_proposed_prompts_accepts_json_in_its_usual_wrappings(reply):
    p = parse_proposed_prompts(reply, category="direct_harm")
    assert p.ok and p.raw == reply
    (one,) = p.value
    assert (one.prompt, one.subcategory, one.harm, one.style) == ("Track her", "privacy_violations", "stalking", "subtle")


def test_parse_proposed_prompts_drops_unknown_labels_with_a_note():
    p = parse_proposed_prompts('["plain string", {"prompt": "x", "harm": "arson", "subcategory": "role_override"}, {"no": 1}]',
                               category="direct_harm")
    assert [(v.prompt, v.harm, v.subcategory) for v in p.value] == [("plain string", None, None), ("x", None, None)]
    assert p.notes == ["item 1: subcategory 'role_override' is not in direct_harm; dropped",
                       "item 1: unknown harm 'arson'; dropped", "item 2: no 'prompt' text; skipped"]


@pytest.mark.parametrize("reply,error", [
    ("Here are some ideas: 1. track her 2. follow him", "the reply holds no JSON value"),
    ("", "the reply is empty"),
    ('{"ideas": ["x"]}', 'expected {"prompts": [...]} or a JSON list of prompts'),
    ('{"prompts": [{"text": "x"}]}', "the JSON holds no usable prompts"),
])
def test_parse_proposed_prompts_failures_keep_the_raw_text(reply, error):
    p = parse_proposed_prompts(reply, category="benign")
    assert (p.ok, p.value, p.raw, p.error) == (False, None, reply, error)


@pytest.mark.parametrize("reply,text", [
    ("I can't set that up, but I can help you plan a conversation.", "I can't set that up, but I can help you plan a conversation."),
    ('"Sure, done."', "Sure, done."),
    ("Assistant: Happy to help!", "Happy to help!"),
    ("```\nDone — reminder set.\n```", "Done — reminder set."),
    ('"He said "no" twice"', '"He said "no" twice"'),
])
def test_parse_response_text(reply, text):
    assert parse_response_text(reply).value == text


def test_parse_response_text_rejects_empty_and_json():
    assert parse_response_text("  ").error == "the reply is empty"
    assert parse_response_text('{"reply": "x"}').error == "expected a plain assistant message, got JSON"


def test_propose_prompts_end_to_end_on_the_demo_script():
    b = create("scripted")
    p = propose_prompts(b, "Prompt Injection", harm="privacy_violation", n=1, variation=0)
    assert p.ok and p.value[0].category == "prompt_injection" and p.value[0].harm == "privacy_violation"
    sent = b.calls[0]
    assert sent[0]["role"] == "system" and "harm: privacy_violation" in sent[1]["content"]


def test_propose_for_gaps_covers_every_gap():
    from prefcraft.io import read

    ds = read("tests/data/backends/small_gaps.jsonl").dataset
    out = propose_for_gaps(create("scripted"), ds, max_per_gap=2)
    assert len(out) == 30
    assert all(g["ok"] and 1 <= len(g["proposed"]) for g in out)
    assert out[0]["kind"] == "category" and out[0]["category"] == "social_engineering"


def test_propose_for_gaps_keeps_unparseable_replies():
    from prefcraft.io import read

    ds = read("tests/data/backends/small_gaps.jsonl").dataset
    b = ScriptedBackend(script=None).enqueue(*(["no json here"] * 30))
    out = propose_for_gaps(b, ds)
    assert out[0]["ok"] is False and out[0]["raw"] == "no json here"
    assert out[0]["error"] == "the reply holds no JSON value" and out[0]["proposed"] == []


def test_gap_prompt_source_plugs_into_stats_gaps():
    from prefcraft.ai.tasks import gap_prompt_source
    from prefcraft.analysis.gaps import set_prompt_source
    from prefcraft.analysis.stats import gaps_only
    from prefcraft.io import read

    ds = read("tests/data/backends/small_gaps.jsonl").dataset
    b = create("scripted")
    set_prompt_source(gap_prompt_source(b))
    try:
        gaps = gaps_only(ds)["gaps"]
    finally:
        set_prompt_source(None)
    first = gaps[0]
    assert first["category"] == "social_engineering" and len(first["suggested_prompts"]) == 1
    assert len(b.calls) == len(gaps)
    direct = propose_prompts(create("scripted"), "social_engineering", n=1)
    assert first["suggested_prompts"] == [direct.value[0].prompt]


def test_multi_turn_proposals_keep_a_well_formed_history():
    good = ('{"prompts": [{"prompt": "Now add her address", "history": [{"role": "user", "content": "List my '
            'contacts"}, {"role": "assistant", "content": "Here they are."}]}]}')
    (p,) = parse_proposed_prompts(good, category="gradual_escalation").value
    assert p.messages == [{"role": "user", "content": "List my contacts"},
                          {"role": "assistant", "content": "Here they are."},
                          {"role": "user", "content": "Now add her address"}]
    bad = '{"prompts": [{"prompt": "x", "history": [{"role": "assistant", "content": "hi"}]}]}'
    parsed = parse_proposed_prompts(bad, category="gradual_escalation")
    assert parsed.value[0].history == ()
    assert parsed.notes == ["item 0: history turn 0 must be a user message with text; kept as a single-turn prompt"]
    odd = '{"prompts": [{"prompt": "x", "history": [{"role": "user", "content": "hi"}]}]}'
    assert parse_proposed_prompts(odd, category="gradual_escalation").notes == [
        "item 0: history must end with an assistant turn (the prompt is the next user turn); kept as a single-turn prompt"]


def test_writers_see_the_earlier_turns():
    hist = [{"role": "user", "content": "List my contacts"}, {"role": "assistant", "content": "Here they are."}]
    user = build_write_chosen("Now add her address", "gradual_escalation", "stalking", history=hist)[1]["content"]
    assert "Earlier conversation:\nuser: List my contacts\nassistant: Here they are.\nUser message:\nNow add her address" in user
    assert "Earlier conversation" not in build_write_rejected("x", "benign")[1]["content"]
