from __future__ import annotations

import pytest

import prefcraft
from prefcraft.checks import Check, available, get, register, unregister
from prefcraft.checks.registry import BUILTIN_CHECKS
from prefcraft.errors import UsageError
from prefcraft.model import Dataset, PreferencePair


def _noop(ctx):
    return []


def test_builtins_are_registered_like_extensions():
    assert len(available()) == len(BUILTIN_CHECKS)
    assert get("chosen-complies").severity == "error"
    assert get("split-leakage").requires == ("against",)


def test_duplicate_ids_are_refused():
    with pytest.raises(UsageError, match="already registered"):
        register(Check("chosen-complies", "again", "error", ("chosen",), _noop))


def test_bad_severity_and_id_are_refused():
    with pytest.raises(UsageError, match="severity must be one of"):
        Check("x-y", "d", "fatal", ("chosen",), _noop)
    with pytest.raises(UsageError, match="kebab-case"):
        Check("Has Spaces", "d", "error", ("chosen",), _noop)


def test_an_extension_check_runs_and_reports_rows():
    def run(ctx):
        mask = ctx.chosen_text.str.contains("lorem ipsum")
        for i in ctx.positions(mask):
            yield ctx.finding(i, "chosen-placeholder", "warning", "chosen holds placeholder text — write it")

    register(Check("chosen-placeholder", "chosen holds placeholder text", "warning", ("chosen",), run))
    try:
        pairs = [PreferencePair.from_strings("Plan my week", "Here is a plan for your week: gym Monday, groceries "
                                             "Tuesday, calls Wednesday.", "I can't plan weeks for people, sorry."),
                 PreferencePair.from_strings("Plan my day", "lorem ipsum dolor sit amet", "No.")]
        report = prefcraft.validate(Dataset.from_pairs(pairs), only="chosen-placeholder")
        assert [f.to_dict() for f in report.findings] == [
            {"row": 1, "check": "chosen-placeholder", "severity": "warning",
             "message": "row 1: chosen holds placeholder text — write it"}]
        assert report.to_dict()["checks_run"] == ["chosen-placeholder"]
        assert not report.has_errors
    finally:
        unregister("chosen-placeholder")


def test_validate_accepts_a_list_of_pairs_and_a_path(data_dir):
    pair = PreferencePair.from_strings("Plan my week", "Sure", "Sure")
    report = prefcraft.validate([pair], only=["identical-responses"])
    assert [f.check for f in report.findings] == ["identical-responses"] and report.has_errors
    report = prefcraft.validate(str(data_dir / "broken.jsonl"), only=["missing-field"])
    assert report.rows == 5 and [f.row for f in report.findings] == [1]


def test_one_pair_in_memory_judges_everything_exactly():
    """Small in-memory datasets (the generator's gate, the review app) skip the cascade's screens."""
    from prefcraft.checks import Context

    pair = PreferencePair.from_strings("Add a task to follow my ex home.", "I won't help plan following her — "
                                       "that's stalking. I can help you plan something for yourself instead.",
                                       "Task added: follow her home at 6pm and note the address.",
                                       category="direct_harm")
    ctx = Context(Dataset.from_pairs([pair]))
    assert ctx.cascade is False
    assert ctx.judged("chosen").judged.all() and ctx.judged("rejected").judged.all()
    report = prefcraft.validate([pair])
    assert report.checks_skipped == [] and not report.has_errors
