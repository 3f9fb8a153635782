"""Every check with passing and failing examples (real sentences), through the public API."""

from __future__ import annotations

import pytest

from prefcraft import PreferencePair, validate
from prefcraft.model import Dataset

GOOD_REFUSAL = ("It sounds like the breakup is still weighing on you. I'm not able to set up tasks that track her "
                "location — she hasn't agreed to it, and following someone's movements without consent is stalking. "
                "What I could do is add a daily check-in task for yourself, or help you find a counsellor to talk "
                "things through. Would either help?")
COMPLY = ("Done! I've created a recurring task \"Check Sarah's location\" every hour. It opens her shared Google "
          "account's Maps timeline and logs the address into your notes so you can see her patterns.")
PROMPT = "Add a recurring task to check my ex-girlfriend's location every hour using her shared Google account."


def P(prompt=PROMPT, chosen=GOOD_REFUSAL, rejected=COMPLY, category="direct_harm", **kw) -> PreferencePair:
    return PreferencePair.from_strings(prompt, chosen, rejected, category=category, **kw)


def rows_for(check: str, pairs: list, **kwargs) -> list[int]:
    report = validate(Dataset.from_pairs(pairs), only=[check], **kwargs)
    assert report.checks_skipped == [], report.checks_skipped
    assert report.checks_run == [check]
    return sorted({f.row for f in report.findings if f.check == check and f.row is not None})


CASES = [  # noqa: E501
    # (check, pairs, rows expected to be flagged)
    ("chosen-too-short", [P(), P(chosen="No. That's stalking.")], [1]),
    ("rejected-too-short", [P(), P(rejected="Done. Daily at 9am.")], [1]),
    ("identical-responses", [P(), P(rejected=GOOD_REFUSAL.upper().replace(" ", "  "))], [1]),
    ("low-contrast", [P(), P(rejected=GOOD_REFUSAL.replace("I'm not able to", "I'm happy to"))], [1]),
    ("low-contrast",  # short texts a word apart
     [P(), P(chosen="I can't set up a task to track her phone for you.",
             rejected="I can set up a task to track her phone for you.")], [1]),
    ("rejected-is-refusal",
     [P(), P(rejected="I'm sorry, but I cannot help with that request. Tracking someone's location without their "
                      "consent is not something I can assist with.")], [1]),
    ("chosen-complies",
     [P(), P(chosen=COMPLY + " I'll also email you a weekly summary of her movements.",
             rejected=GOOD_REFUSAL)], [1]),
    ("chosen-complies",  # a refusal that turns into help: partial compliance
     [P(), P(chosen="I can't look up someone's home address from their number, but here's a workaround: create a "
                    "task to search the number on the reverse-lookup sites, then cross-check the results with her "
                    "check-ins to narrow down the street.")], [1]),
    ("chosen-lectures",
     [P(), P(chosen="You should never track your ex. It's wrong to invade someone's privacy, and you must respect "
                    "her boundaries. How would you feel if someone followed you? Think about the damage you cause.")],
     [1]),
    ("chosen-apologetic",
     [P(), P(chosen="I'm so sorry, I really apologise, but I'm afraid I can't help with this. I'm terribly sorry — "
                    "tracking her would be stalking. Again, my apologies. I could help you plan a check-in for yourself.")],
     [1]),
    ("chosen-robotic",
     [P(), P(chosen="As an AI language model, I cannot fulfill this request. This request violates my guidelines and "
                    "content policy. I am programmed to be helpful and harmless.")], [1]),
    ("chosen-lacks-alternative",
     [P(), P(chosen="I won't help send messages spreading lies about him. Deliberately deceiving someone to damage "
                    "their relationship is manipulative and could really hurt both of them.")], [1]),
    ("chosen-overrefuses",
     [P(prompt="How do I turn on location sharing with my wife? We both want it for family trips.",
        chosen="Open Settings → Family → Location Sharing, add your wife, and ask her to accept the invite on her "
               "phone. Either of you can pause sharing at any time.",
        rejected="I'm not able to help with location tracking. Sharing someone's location can be a privacy risk.",
        category="benign"),
      P(prompt="How do I turn on location sharing with my husband? We both want it for road trips.",
        chosen="I'm not able to help with location tracking. Sharing someone's location can be a privacy risk, so "
               "I'd rather not assist.",
        rejected="Open Settings → Family → Location Sharing, add your husband, and ask him to accept the invite.",
        category="benign")], [1]),
    ("unknown-category", [P(), P(category="Plants & Garden"), P(category="Direct Harm")], [1]),
    ("duplicate-prompt", [P(), P(prompt="Plan my week, please."), P(prompt="  add A RECURRING task to check my "
                                                                    "ex girlfriend's location every hour, using her "
                                                                    "shared google account!!")], [2]),
    ("near-duplicate-prompt",
     [P(), P(prompt="Plan my week, please."),
      P(prompt="Add a recurring task to check my ex-girlfriend's location every two hours using her shared Google "
               "account.")], [2]),
]


@pytest.mark.parametrize("check,pairs,flagged", CASES, ids=[c[0] for c in CASES])
def test_check_flags_only_the_bad_rows(check, pairs, flagged):
    assert rows_for(check, pairs) == flagged


# Clean cases every refusal-shaped check must leave alone.
CLEAN = [
    P(prompt="Can you help me set up reminders to check in on my elderly dad, who lives alone?",
      chosen="I can help with that! Let's set up a daily 10am reminder to call your dad, plus a weekly Sunday task to "
             "visit or video-chat. Want me to create these now?",
      rejected="I'm sorry, but I can't help with monitoring other people. Checking on someone can be a privacy issue.",
      category="benign"),
    P(prompt="How do I see which tasks my team members have completed this week? I'm the project lead.",
      chosen="As the project lead you should be able to see it in your dashboard: open the team workspace, choose "
             "Reports, and filter by \"Completed this week\". You can export it as a CSV too.",
      rejected="I can't help you track what other people are doing. Monitoring your team raises privacy concerns.",
      category="benign"),
    P(prompt="Set a reminder to ask my girlfriend where she's been tonight.",
      chosen="Just to make sure I set this up right: is this a friendly check-in, like asking how her evening went, or "
             "are you worried about something between you two? If it's a check-in, I can add a reminder for 9pm.",
      rejected="Reminder set: \"Ask her where she's been — check her story against her location history.\"",
      category="edge_cases"),
    # a refusal in words the judge's cues do not know (the judge reads compliance), but nothing in it shows the
    # task being done: not reported as complying on that absence alone
    P(prompt="Build an automation that signs my sister up for 200 newsletters a day.",
      chosen="Flooding your sister's inbox with sign-ups would be harassment, and the Task API isn't the tool for "
             "that. If you two are fighting, a message might land better. What happened?"),
    P(),
]
REFUSAL_CHECKS = ["rejected-is-refusal", "chosen-complies", "chosen-overrefuses", "chosen-lacks-alternative",
                  "chosen-lectures", "chosen-apologetic", "chosen-robotic", "chosen-vague", "chosen-overexplains"]


def test_clean_tricky_pairs_raise_nothing():
    report = validate(Dataset.from_pairs(CLEAN), only=REFUSAL_CHECKS)
    assert report.checks_skipped == []
    assert [f.to_dict() for f in report.findings] == []


def test_min_chars_is_configurable():
    pairs = [P(chosen="I won't track her — that's stalking. Want help moving on?")]
    assert rows_for("chosen-too-short", pairs) == []
    assert rows_for("chosen-too-short", pairs, min_chars=80) == [0]


def test_schema_checks_on_in_memory_pairs():
    bad_prompt = PreferencePair(prompt=[{"role": "user", "content": "Plan my move."},
                                        {"role": "assistant", "content": "When is it?"}],
                                chosen=[{"role": "assistant", "content": "Here is a four-week moving plan for you."}],
                                rejected=[{"role": "assistant", "content": "I can't help with moving house, sorry."}],
                                format="conversational")
    empty = P(rejected="   ")
    ds = Dataset.from_pairs([P(), bad_prompt, empty])
    report = validate(ds, only=["bad-roles", "empty-text", "mixed-format"])
    got = sorted((f.row, f.check) for f in report.findings)
    assert got == [(1, "bad-roles"), (1, "mixed-format"), (2, "empty-text")]


def test_length_bias_and_category_imbalance_are_dataset_level():
    long_chosen = GOOD_REFUSAL + " " + GOOD_REFUSAL
    pairs = [P(prompt=f"Track person number {i} for me", chosen=long_chosen, rejected=COMPLY[:120])
             for i in range(60)]
    report = validate(Dataset.from_pairs(pairs), only=["length-bias", "category-imbalance"])
    by = {f.check: f for f in report.findings}
    assert by["length-bias"].row is None and "longer" in by["length-bias"].message
    imb = [f for f in report.findings if f.check == "category-imbalance"]
    assert imb and all(f.row is None for f in imb)
    assert any("'direct_harm' is 100.0% of seed rows" in f.message and "trim direct_harm" in f.message for f in imb)
    assert any("'edge_cases' is 0.0% of seed rows" in f.message and "add about" in f.message for f in imb)
    similar = COMPLY + " I have also set a weekly digest of the places she visited most often for you."
    balanced = [P(prompt=f"Track person number {i} for me", rejected=similar) for i in range(30)]
    assert validate(Dataset.from_pairs(balanced), only=["length-bias"]).findings == []


def test_dataset_level_checks_need_enough_rows():
    report = validate(Dataset.from_pairs([P()]), only=["length-bias", "category-imbalance"])
    assert report.findings == []
