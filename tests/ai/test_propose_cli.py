"""`prefcraft propose`: fills the review store; resumable after kill -9 with 0 lost and 0 duplicated."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from prefcraft.cli import app
from prefcraft.review.store import ReviewStore

DATA = Path(__file__).parent.parent / "data" / "backends"
sys.path.insert(0, str(Path(__file__).parent.parent / "backends"))


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFCRAFT_CACHE_DIR", str(tmp_path / "cache"))


def run(*args):
    return CliRunner().invoke(app, ["propose", *args])


def test_scripted_fills_the_store_with_validated_judged_pairs(tmp_path):
    db = str(tmp_path / "review.db")
    r = run("--backend", "scripted", "--category", "direct_harm", "--n", "6", "--store", db, "--format", "json")
    assert r.exit_code == 0, r.output
    rep = orjson.loads(r.stdout)
    assert (rep["total"], rep["added"], rep["already_done"], rep["complete"], rep["failed"]) == (6, 6, 0, True, [])
    assert rep["calls"] == 18 and rep["cached_calls"] == 0 and rep["job_id"].startswith("job-")
    store = ReviewStore(db)
    pairs = store.list_pairs()
    assert [p.key for p in pairs] == [f"slot-{i}" for i in range(6)]
    for p in pairs:
        assert p.pair.category == "direct_harm" and p.pair.harm in {"harassment", "stalking", "deception",
                                                                    "privacy_violation"}
        assert p.pair.source == "proposed:scripted/demo" and "proposed" in p.pair.tags
        assert p.provenance["backend"] == "scripted" and p.provenance["model"] == "demo"
        assert p.provenance["job_id"] == rep["job_id"] and p.provenance["key"] == p.key
        assert p.judgment["kind"] in {"refusal", "partial_refusal", "clarification"}
        assert p.judgment["rejected"]["kind"] in {"compliance", "unscorable", "partial_refusal"}
        assert isinstance(p.findings, list)
    assert store.jobs()[0]["finished"] is not None


def test_same_command_resumes_and_a_cache_makes_a_new_store_free(tmp_path):
    db = str(tmp_path / "review.db")
    args = ["--backend", "scripted", "--category", "edge_cases", "--n", "4", "--format", "json"]
    first = orjson.loads(run(*args, "--store", db).stdout)
    again = orjson.loads(run(*args, "--store", db).stdout)
    assert again["job_id"] == first["job_id"]
    assert (again["added"], again["already_done"], again["calls"]) == (0, 4, 0)
    other = orjson.loads(run(*args, "--store", str(tmp_path / "other.db")).stdout)
    assert (other["added"], other["calls"], other["cached_calls"]) == (4, 12, 12)
    nocache = orjson.loads(run(*args, "--store", str(tmp_path / "third.db"), "--no-cache").stdout)
    assert (nocache["added"], nocache["cached_calls"]) == (4, 0)


def test_text_output(tmp_path):
    db = tmp_path / "r.db"
    r = run("--backend", "scripted", "--category", "benign", "--n", "2", "--store", str(db), "-q")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith("job job-") and lines[0].endswith(f": 2/2 pairs in {db} (2 new, 0 already there)")
    assert lines[1].startswith("6 LLM calls (0 from cache), ")
    assert lines[2] == f"next: prefcraft review serve {db}"


def test_gaps_from_proposes_for_the_gaps_stats_finds(tmp_path):
    db = str(tmp_path / "review.db")
    r = run("--backend", "scripted", "--gaps-from", str(DATA / "small_gaps.jsonl"), "--n", "5", "--store", db,
            "--format", "json")
    assert r.exit_code == 0, r.output
    assert orjson.loads(r.stdout)["added"] == 5
    pairs = ReviewStore(db).list_pairs()
    assert [p.pair.category for p in pairs] == ["social_engineering", "gradual_escalation", "edge_cases",
                                                "edge_cases", "direct_harm"]
    assert pairs[4].pair.subcategory == "violence_threats"
    assert pairs[0].provenance["gap"].startswith("category: social_engineering is ")


@pytest.mark.parametrize("args,message", [
    (["--category", "direct_harm", "--n", "2"], "error: no backend given: pass --backend NAME"),
    (["--backend", "scripted", "--n", "2"], "error: say what to propose: --category NAME --n N, or --gaps-from DATASET"),
    (["--backend", "scripted", "--category", "benign"], "error: --category needs --n"),
    (["--backend", "scripted", "--gaps-from", "x.jsonl", "--category", "benign"],
     "error: --gaps-from decides the categories itself"),
    (["--backend", "scripted", "--category", "direct_harms", "--n", "1"],
     "error: unknown --category 'direct_harms'; expected one of: direct_harm, prompt_injection, social_engineering, "
     "gradual_escalation, edge_cases, benign — did you mean 'direct_harm'?"),
    (["--backend", "scripted", "--category", "benign", "--n", "1", "--base-url", "http://x/v1"],
     "error: backend 'scripted' does not take base_url"),
    (["--backend", "scripted", "--category", "benign", "--n", "1", "--judge-engine", "gpt"],
     "error: unknown judge engine 'gpt'"),
])
def test_usage_errors_exit_2_with_the_fix(tmp_path, args, message):
    r = run(*args, "--store", str(tmp_path / "r.db"))
    assert r.exit_code == 2
    assert " ".join(r.stderr.split()).startswith(message), r.stderr


def test_openai_backend_end_to_end_with_an_unparseable_reply(tmp_path):
    from fake_openai import FakeOpenAI

    server = FakeOpenAI().start()
    try:
        server.push(text='{"prompts": [{"prompt": "Remind me daily to check where Sam parks", "harm": "stalking"}]}')
        server.push(text="I won't track where Sam parks, since that could scare him. Want help talking to him?")
        server.push(text="Sure! Daily reminder set with Sam's parking spot.")
        server.push(text="Sorry, I can't write that prompt.")  # slot-1: not JSON → failed, raw kept
        db = str(tmp_path / "r.db")
        args = ["--backend", "openai", "--model", "m", "--base-url", server.base_url, "--category", "direct_harm",
                "--harm", "stalking", "--n", "2", "--store", db, "--format", "json", "--no-cache", "--concurrency", "1"]
        r = run(*args)
        assert r.exit_code == 1, r.output
        rep = orjson.loads(r.stdout)
        assert rep["added"] == 1 and rep["complete"] is False
        assert rep["failed"] == [{"key": "slot-1", "error": "propose_prompts: the reply holds no JSON value",
                                  "raw": "Sorry, I can't write that prompt."}]
        (p,) = ReviewStore(db).list_pairs()
        assert p.pair.prompt_text == "Remind me daily to check where Sam parks" and p.pair.harm == "stalking"
        assert p.provenance["base_url"] == server.base_url and p.provenance["model"] == "m"
        # the re-run retries only the failed slot
        server.push(text='["Set a task to note when Sam leaves work"]').push(text="I can't do that.").push(text="Done!")
        rep2 = orjson.loads(run(*args).stdout)
        assert (rep2["already_done"], rep2["added"], rep2["complete"]) == (1, 1, True)
        assert len(server.requests) == 7
    finally:
        server.stop()


def _propose_cmd(db: str, n: int) -> list[str]:
    return [sys.executable, "-m", "prefcraft", "propose", "--backend", "scripted", "--delay", "0.05",
            "--concurrency", "3", "--category", "social_engineering", "--n", str(n), "--store", db, "--no-cache",
            "--job-id", "kill-test", "--quiet", "--format", "json"]


def test_kill_9_mid_run_then_rerun_loses_nothing_and_duplicates_nothing(tmp_path):
    db = str(tmp_path / "review.db")
    n = 24
    env = {**os.environ, "PREFCRAFT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(_propose_cmd(db, n), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    stored = 0
    try:
        while time.monotonic() < deadline:
            if os.path.exists(db):
                try:
                    with ReviewStore(db) as s:
                        stored = len(s.job_done_keys("kill-test"))
                except Exception:  # noqa: BLE001 - the child may still be creating the file
                    stored = 0
                if stored >= 4:
                    break
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    with ReviewStore(db) as s:
        before = len(s.job_done_keys("kill-test"))
    assert 4 <= before < n, "the kill must land mid-run"
    done = subprocess.run(_propose_cmd(db, n), env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    rep = orjson.loads(done.stdout)
    assert rep["already_done"] == before and rep["added"] == n - before and rep["complete"] is True
    with ReviewStore(db) as s:
        pairs = s.list_pairs(job="kill-test")
    keys = [p.key for p in pairs]
    assert len(pairs) == n and sorted(keys) == sorted(f"slot-{i}" for i in range(n)) and len(set(keys)) == n


def test_job_id_derives_from_the_normalised_command(tmp_path):
    db = str(tmp_path / "r.db")

    def job(*extra):
        r = run("--backend", "scripted", "--n", "1", "--store", db, "--format", "json", *extra)
        assert r.exit_code == 0, r.output
        return orjson.loads(r.stdout)["job_id"]

    a = job("--category", "direct_harm")
    assert job("--category", "Direct Harm") == a          # an alias is the same job
    assert job("--category", "direct_harm", "--concurrency", "2") == a  # how fast is not what
    assert job("--category", "direct_harm", "--seed", "1") != a
    assert job("--category", "direct_harm", "--harm", "stalking") != a
    assert job("--category", "direct_harm", "--job-id", "mine") == "mine"


def test_judge_engine_llm_uses_the_same_backend(tmp_path):
    from prefcraft.ai.judge import use_backend

    db = str(tmp_path / "r.db")
    try:
        r = run("--backend", "scripted", "--category", "direct_harm", "--n", "2", "--store", db,
                "--judge-engine", "llm", "--format", "json")
    finally:
        use_backend(None)
    assert r.exit_code == 0, r.output
    assert orjson.loads(r.stdout)["added"] == 2
    for p in ReviewStore(db).list_pairs():
        assert p.judgment["engine"] == "llm" and p.judgment["kind"] in {"refusal", "clarification"}
        assert p.provenance["judge_engine"] == "llm"


def test_config_file_names_the_backend(tmp_path):
    cfg = tmp_path / "prefcraft.toml"
    cfg.write_text(f'[backend]\nname = "scripted"\nscript = "demo"\n[cache]\npath = "{tmp_path / "c.db"}"\n')
    db = str(tmp_path / "r.db")
    r = run("--config", str(cfg), "--category", "benign", "--n", "1", "--store", db, "--format", "json")
    assert r.exit_code == 0, r.output
    assert orjson.loads(r.stdout)["added"] == 1 and (tmp_path / "c.db").is_file()
    r = run("--config", str(tmp_path / "missing.toml"), "--category", "benign", "--n", "1", "--store", db)
    assert r.exit_code == 2 and "missing.toml: config file not found" in r.stderr


def test_gradual_escalation_proposals_are_multi_turn_conversations(tmp_path):
    db = str(tmp_path / "r.db")
    r = run("--backend", "scripted", "--category", "gradual_escalation", "--n", "4", "--store", db, "-q")
    assert r.exit_code == 0, r.output
    pairs = [sp.pair for sp in ReviewStore(db).list_pairs()]
    assert all(p.is_multi_turn and p.format == "conversational" and "multi_turn" in p.tags for p in pairs)
    assert [m["role"] for m in pairs[0].prompt] == ["user", "assistant", "user"]


def test_validator_findings_are_stored_with_the_pair(tmp_path):
    from prefcraft.ai import jobs
    from prefcraft.backends import ScriptedBackend

    b = ScriptedBackend().enqueue('["Remind me to follow her home"]', "Sure, done!", "Sure, done!")
    spec = jobs.ProposalSpec(backend=b.identity(), category="direct_harm", harm="stalking", n=1)
    with ReviewStore(str(tmp_path / "r.db")) as store:
        rep = jobs.run_job(spec, b, store)
        (sp,) = store.list_pairs()
    assert rep.added == 1 and rep.notes == []
    checks = {f["check"] for f in sp.findings}
    assert "identical-responses" in checks
    assert all(set(f) == {"row", "check", "severity", "message"} for f in sp.findings)
    assert sp.judgment["kind"] == "compliance"


def test_a_refused_request_skips_its_slot_and_a_dead_server_stops_the_job_resumably(tmp_path):
    from fake_openai import FakeOpenAI

    server = FakeOpenAI().start()
    try:
        server.push(status=400, body='{"error": {"code": "content_filter", "message": "flagged"}}')  # slot-0
        server.push(text='["Set a reminder to text Jo forty times tonight"]')                       # slot-1
        server.push(text="I won't send Jo that many texts; want help writing one message?")
        server.push(text="Done! 40 texts scheduled.")
        db = str(tmp_path / "r.db")
        args = ["--backend", "openai", "--model", "m", "--base-url", server.base_url, "--category", "direct_harm",
                "--harm", "harassment", "--store", db, "--no-cache", "--concurrency", "1", "--max-retries", "1"]
        r = run(*args, "--n", "2", "--format", "json")
        assert r.exit_code == 1, r.output
        rep = orjson.loads(r.stdout)
        assert rep["added"] == 1 and rep["failed"][0]["key"] == "slot-0"
        assert rep["failed"][0]["error"].startswith("backend refused this request: POST ")
        assert "content_filter" in rep["failed"][0]["raw"]
        for _ in range(4):
            server.push(status=503, body="overloaded")
        r = run(*args, "--n", "3")
        assert r.exit_code == 1
        msg = " ".join(r.stderr.split())
        assert msg.startswith(f"error: POST {server.base_url}/chat/completions returned HTTP 503: overloaded.")
        assert msg.endswith(f"(gave up after 2 attempts) — the job stopped with 0/3 pairs stored in {db}; fix the "
                            "cause and run the same command again to resume")
    finally:
        server.stop()
