"""The scripted backend: queue, script rules, specificity, errors; the registry and the CLI listing."""

import time
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from prefcraft.backends import BackendError, ScriptedBackend, create, registry
from prefcraft.cli import app
from prefcraft.errors import InputError, UsageError

DATA = Path(__file__).parent.parent / "data" / "backends"
HI = [{"role": "user", "content": "hi"}]


def test_queue_first_in_first_out_then_exhausted():
    b = ScriptedBackend().enqueue("one", "two")
    assert [b.complete(HI).text, b.complete(HI).text] == ["one", "two"]
    with pytest.raises(BackendError, match=r"no reply for this chat — the queue is exhausted"):
        b.complete(HI)
    assert b.calls == [HI, HI, HI]


def test_queued_exception_is_raised():
    b = ScriptedBackend().enqueue(BackendError("boom"), "after")
    with pytest.raises(BackendError, match="boom"):
        b.complete(HI)
    assert b.complete(HI).text == "after"


def test_script_rules_most_specific_reply_wins(tmp_path):
    script = tmp_path / "s.yaml"
    script.write_text(
        "rules:\n"
        "  - match: 'colour: (?P<colour>\\w+) size: (?P<size>\\w+)'\n"
        "    replies:\n"
        "      - {text: generic}\n"
        "      - {text: red, when: {colour: red}}\n"
        "      - {text: red-big, when: {colour: red, size: big}}\n"
        "      - {json: {shade: blue}, when: {colour: blue}}\n"
        "default: nothing matched\n")
    b = ScriptedBackend(script=script)
    ask = lambda text: b.complete([{"role": "user", "content": text}]).text  # noqa: E731
    assert ask("colour: red size: big") == "red-big"
    assert ask("colour: red size: small") == "red"
    assert ask("colour: green size: big") == "generic"
    assert ask("colour: blue size: big") == '{"shade":"blue"}'
    assert ask("something else") == "nothing matched"
    assert b.model == "s"


def test_same_request_same_reply_and_delay():
    b = ScriptedBackend(script="demo", delay=0.05)
    from prefcraft.ai.tasks import build_write_chosen

    msgs = build_write_chosen("Track my ex's location every hour", "direct_harm", "stalking")
    t0 = time.monotonic()
    a, c = b.complete(msgs).text, b.complete(msgs).text
    assert a == c and "track" in a.lower()
    assert time.monotonic() - t0 >= 0.1


def test_bad_script_fails_with_location():
    with pytest.raises(InputError, match=r"bad_script.yaml: rules\[0\]: match is not a valid regular expression"):
        ScriptedBackend(script=DATA / "bad_script.yaml")
    with pytest.raises(UsageError, match=r"nope.yaml: script not found; pass a YAML/JSON script file or a built-in name \(demo\)"):
        ScriptedBackend(script="nope.yaml")


def test_registry_has_no_default_and_rejects_duplicates_and_unknown_settings():
    assert registry.names()[:3] == ["openai", "transformers", "scripted"]
    with pytest.raises(UsageError, match=r"no backend given: pass --backend NAME \(one of: openai, transformers, scripted"):
        create(None)
    with pytest.raises(UsageError, match=r"unknown backend 'gpt'; expected one of: openai, transformers, scripted"):
        create("gpt")
    with pytest.raises(UsageError, match=r"backend 'scripted' does not take base_url; it takes: model, script, delay, concurrency"):
        create("scripted", base_url="http://x/v1")
    with pytest.raises(UsageError, match="a backend named 'scripted' is already registered"):
        registry.register("scripted", ScriptedBackend, "again")


def test_cli_backends_lists_all_three_as_json():
    r = CliRunner().invoke(app, ["backends", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = orjson.loads(r.stdout)["backends"]
    assert [(x["name"], x["requires"]) for x in rows] == [("openai", "llm"), ("transformers", "train"),
                                                          ("scripted", None)]
    assert rows[0]["install"] == "pip install 'prefcraft[llm]'"
    assert all(x["installed"] for x in rows)


def test_cli_backends_text():
    r = CliRunner().invoke(app, ["backends"])
    assert r.exit_code == 0
    assert "LLM backends" in r.stdout and "scripted" in r.stdout and "OpenAI-compatible" in r.stdout
