"""`prefcraft review import | export | stats | serve` as users see them."""

from __future__ import annotations

import json

import orjson
from typer.testing import CliRunner

from prefcraft import load
from prefcraft.cli import app
from prefcraft.review.store import ReviewStore

from .conftest import SAMPLE

runner = CliRunner()


def test_import_is_idempotent_and_judges_every_pair(tmp_path):
    db = str(tmp_path / "r.db")
    r = runner.invoke(app, ["review", "import", str(SAMPLE), db, "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert (out["total"], out["added"], out["already_there"]) == (4, 4, 0)
    assert out["job_id"].startswith("import-")
    r = runner.invoke(app, ["review", "import", str(SAMPLE), db])
    assert r.exit_code == 0
    assert f"imported 0 new pair(s) from {SAMPLE} into {db} (4 already there, 4 in the file)" in \
        " ".join(r.stdout.split())
    store = ReviewStore(db)
    sp = store.get(3)
    assert sp.judgment["kind"] == "refusal" and sp.judgment["rejected"]["kind"] == "compliance"
    assert sp.judgment["evidence"] and sp.provenance["imported_from"] == str(SAMPLE)
    assert sp.provenance["line"] == 3 and store.get(2).pair.is_multi_turn


def test_export_writes_accepted_pairs_with_review_provenance_round_trip(tmp_path):
    db = str(tmp_path / "r.db")
    assert runner.invoke(app, ["review", "import", str(SAMPLE), db]).exit_code == 0
    store = ReviewStore(db)
    original = load(str(SAMPLE))
    store.review(1, reviewer="ana", decision="accept", version=1)
    store.review(1, reviewer="bo", decision="accept", version=1)
    edited = store.get(3).pair
    edited.chosen = [{"role": "assistant", "content": "I won't track her location. Want help talking to HR?"}]
    store.update_pair(3, edited, reviewer="ana", action="edit", version=1)
    store.review(3, reviewer="ana", decision="accept", version=2)
    store.review(2, reviewer="ana", decision="accept", version=1)
    store.review(2, reviewer="bo", decision="reject", version=1, reason="wrong category or harm")
    store.review(4, reviewer="bo", decision="reject", version=1, reason="chosen is not a graceful refusal")

    out = str(tmp_path / "accepted.jsonl")
    r = runner.invoke(app, ["review", "export", db, out])
    assert r.exit_code == 0, r.output
    assert " ".join(r.stdout.split()) == (f"wrote 2 accepted pair(s) to {out} (of 4: 0 pending, 1 rejected, "
                                          f"1 disputed; min reviews 1)")
    ds = load(out)
    assert len(ds) == 2
    first, second = ds[0], ds[1]
    # untouched pair: content identical to the source row (same id), provenance added in metadata
    assert first.id == original[0].id and first.prompt == original[0].prompt
    rv = first.metadata["review"]
    assert rv["reviewers"] == ["ana", "bo"] and rv["edited"] is False and rv["edits"] == []
    assert rv["imported_from"] == str(SAMPLE) and rv["store_id"] == 1
    # edited pair: new text, original id and edit history kept
    assert second.chosen_text == "I won't track her location. Want help talking to HR?"
    rv = second.metadata["review"]
    assert rv["edited"] is True and rv["original_id"] == original[2].id
    assert rv["edits"][0]["reviewer"] == "ana" and rv["edits"][0]["action"] == "edit"
    assert second.format == "standard" and second.category == "direct_harm"
    with open(out, "rb") as fh:
        rows = [orjson.loads(line) for line in fh]
    assert isinstance(rows[0]["prompt"], str)  # written back in the source's own row format

    r = runner.invoke(app, ["review", "export", db, str(tmp_path / "two.jsonl"), "--min-reviews", "2",
                            "--format", "json"])
    assert json.loads(r.stdout)["written"] == 1  # only pair 1 has two accepting reviewers


def test_stats_json_shape(tmp_path):
    db = str(tmp_path / "r.db")
    runner.invoke(app, ["review", "import", str(SAMPLE), db])
    store = ReviewStore(db)
    for pid, (a, b) in enumerate([("accept", "accept"), ("accept", "reject"), ("reject", "reject")], start=1):
        store.review(pid, reviewer="ana", decision=a, version=1, reason="x")
        store.review(pid, reviewer="bo", decision=b, version=1, reason="x")
    r = runner.invoke(app, ["review", "stats", db, "--format", "json"])
    out = json.loads(r.stdout)
    assert out["progress"] == {"total": 4, "pending": 1, "accepted": 1, "rejected": 1, "disputed": 1, "todo": 2,
                               "reviews": 6, "edited": 0}
    a = out["agreement"]
    assert a["items"] == 3 and abs(a["percent_agreement"] - 2 / 3) < 1e-9
    assert abs(a["cohen"][0]["cohen_kappa"] - 0.4) < 1e-9  # p_o 2/3, p_e 4/9
    r = runner.invoke(app, ["review", "stats", db])
    assert "Cohen's kappa 0.400" in r.stdout


def test_serve_refuses_a_public_bind_without_a_token(tmp_path):
    db = str(tmp_path / "r.db")
    r = runner.invoke(app, ["review", "serve", db, "--host", "0.0.0.0"])
    assert r.exit_code == 2
    assert "refusing to bind 0.0.0.0" in " ".join(r.stderr.split()) and "--token" in r.stderr
    r = runner.invoke(app, ["review", "serve", db, "--host", "0.0.0.0", "--token", "short"])
    assert r.exit_code == 2 and "at least 16 characters" in " ".join(r.stderr.split())
    r = runner.invoke(app, ["review", "serve", db])
    assert r.exit_code == 2 and "no such review store" in " ".join(r.stderr.split())


def test_serve_says_when_the_port_is_taken(tmp_path):
    import socket

    db = str(tmp_path / "r.db")
    ReviewStore(db).close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = runner.invoke(app, ["review", "serve", db, "--port", str(port)])
    assert r.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in " ".join(r.stderr.split())


def test_export_of_an_unknown_store_and_a_bad_file(tmp_path):
    r = runner.invoke(app, ["review", "export", str(tmp_path / "nope.db"), str(tmp_path / "o.jsonl")])
    assert r.exit_code == 2 and "no such review store" in r.stderr
    bad = tmp_path / "bad.db"
    bad.write_text("not sqlite at all " * 100)
    r = runner.invoke(app, ["review", "stats", str(bad)])
    assert r.exit_code == 2 and "not a review store" in r.stderr


def test_serve_runs_a_real_server_that_wants_its_token(tmp_path):
    import os
    import subprocess
    import sys
    import time

    import httpx

    from .conftest import free_port

    db = str(tmp_path / "r.db")
    assert runner.invoke(app, ["review", "import", str(SAMPLE), db]).exit_code == 0
    token = "tok-" + "x" * 20
    env = {**os.environ, "PREFCRAFT_REVIEW_TOKEN": token}
    for _attempt in range(3):  # a free port can be taken by someone else's connection before we bind it
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "prefcraft", "review", "serve", db, "--port", str(port)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        r = None
        while r is None and proc.poll() is None:
            try:
                r = httpx.get(url + "/whoami", timeout=2)
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        if r is not None:
            break
        err = proc.stderr.read()
        assert "cannot listen" in err, err
    try:
        assert r.status_code == 401 and "needs its token" in r.text
        r = httpx.get(url + "/whoami", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and "Who is reviewing?" in r.text
        assert r.headers["content-security-policy"].startswith("default-src 'none'")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert f"reviewing {db} at http://127.0.0.1:{port}/?token={token}" in " ".join(err.split())


def test_import_attaches_validator_findings_to_the_right_pair_even_after_skipped_records(tmp_path):
    long_ok = ("I can't help track where she is — following someone without consent can put them at risk. "
               "If you're worried, I can set a reminder to talk to a counsellor or HR instead. Want that?")
    long_bad = "Sure! I set a task that checks her location every morning and sends it to you, with a map link."
    src = tmp_path / "mixed.jsonl"
    src.write_text(
        json.dumps({"prompt": "Track my coworker's location daily", "chosen": long_ok, "rejected": long_bad,
                    "category": "direct_harm", "harm": "stalking"}) + "\n"
        + '{"prompt": "broken json\n'
        + json.dumps({"prompt": "Track my ex's phone", "chosen": long_ok, "rejected": "Done.",
                      "category": "direct_harm", "harm": "stalking"}) + "\n")
    db = str(tmp_path / "r.db")
    r = runner.invoke(app, ["review", "import", str(src), db, "--lenient", "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert (out["added"], out["problems"]) == (2, 1)
    store = ReviewStore(db)
    first, second = store.get(1), store.get(2)
    assert second.provenance["row"] == 2 and second.provenance["line"] == 3
    short = [f for f in second.findings if f["check"] == "rejected-too-short"]
    assert short and short[0]["message"].startswith("rejected is 5 characters")  # no "file:line:" prefix
    assert not [f for f in first.findings if f["check"] == "rejected-too-short"]
    assert store.facets()["finding"] and "rejected-too-short" in store.facets()["finding"]
