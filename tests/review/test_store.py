"""The review store: migrations, idempotent proposals, optimistic concurrency, status and agreement."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from prefcraft.errors import InputError, UsageError
from prefcraft.model import PreferencePair
from prefcraft.review.agreement import agreement, cohen_kappa, fleiss_kappa, percent_agreement
from prefcraft.review.store import LATEST_VERSION, ConflictError, ReviewStore, migrations


def _pair(i: int = 0, **kw) -> PreferencePair:
    return PreferencePair.from_strings(f"Find where my ex lives now ({i})", "I can't help locate her.",
                                       "Sure, search the county records.", category=kw.pop("category", "stalking"),
                                       harm=kw.pop("harm", "physical"), **kw)


def _add(store: ReviewStore, i: int, job: str = "job-1", findings=None) -> int:
    return store.add_proposal(_pair(i), job_id=job, key=f"slot-{i}", provenance={"backend": "scripted"},
                              findings=findings or [], judgment={"kind": "refusal"})


@pytest.fixture
def store(tmp_path):
    s = ReviewStore(tmp_path / "review.db")
    s.start_job("job-1", {"category": "stalking", "n": 5}, 5)
    yield s
    s.close()


def test_new_store_is_at_latest_schema_with_wal_and_foreign_keys(tmp_path):
    s = ReviewStore(tmp_path / "r.db")
    assert s.schema_version() == LATEST_VERSION == len(migrations()) >= 2
    conn = sqlite3.connect(tmp_path / "r.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s._conn().execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert [n for n, _, _ in migrations()] == list(range(1, LATEST_VERSION + 1))


def test_migrating_a_version_1_store_keeps_its_data_and_backfills(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)  # a file as a prefcraft with only migration 0001 made it
    conn.executescript("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (0);")
    conn.executescript(migrations()[0][2] + "; UPDATE schema_version SET version = 1;")
    conn.execute("INSERT INTO jobs (id, spec, total, created) VALUES ('j', '{}', 1, 'now')")
    conn.execute(
        "INSERT INTO pairs (job_id, key, pair_id, original_id, prompt, chosen, rejected, findings, provenance, "
        "created, updated) VALUES ('j', 'slot-0', 'x', 'x', ?, ?, ?, ?, '{}', 'now', 'now')",
        ('[{"role":"user","content":"p"}]', '[{"role":"assistant","content":"c"}]',
         '[{"role":"assistant","content":"r"}]',
         '[{"check":"length","severity":"warning","message":"short"},{"check":"dup","severity":"error","message":"d"}]'))
    for reviewer, decision in (("ana", "accept"), ("bo", "reject"), ("bo", "accept"), ("cy", "reject")):
        conn.execute("INSERT INTO reviews (pair, reviewer, decision, version, created) VALUES (1, ?, ?, ?, 'now')",
                     (reviewer, decision, 1 if reviewer != "cy" else 0))  # cy judged an older version
    conn.commit()
    conn.close()

    s = ReviewStore(path)
    assert s.schema_version() == LATEST_VERSION
    assert s.job_done_keys("j") == {"slot-0"}
    assert s.facets()["finding"] == ["dup", "length"]  # 0002 backfilled finding_checks from findings JSON
    assert [p.id for p in s.list_pairs(finding="length")] == [1]
    assert s.get(1).pair.prompt_text == "p"
    sp = s.get(1, min_reviews=2)  # 0003 backfilled the tallies: latest decision per reviewer, current version
    assert (sp.accepts, sp.rejects, sp.status) == (2, 0, "accepted")
    assert s.progress(min_reviews=2)["accepted"] == 1


def test_a_store_from_a_newer_prefcraft_is_refused(tmp_path):
    s = ReviewStore(tmp_path / "r.db")
    s._conn().execute("UPDATE schema_version SET version = 99")
    s.close()
    with pytest.raises(InputError, match="schema version 99 is newer"):
        ReviewStore(tmp_path / "r.db")


def test_not_a_sqlite_file_is_an_input_error(tmp_path):
    bad = tmp_path / "data.jsonl"
    bad.write_text('{"prompt": "p"}\n' * 200)
    with pytest.raises(InputError, match="not a review store"):
        ReviewStore(bad)


def test_add_proposal_is_idempotent_per_job_and_key(store):
    first = _add(store, 0)
    assert isinstance(first, int)
    assert _add(store, 0) is None  # the retry after kill -9
    store.start_job("job-1", {"category": "stalking", "n": 5}, 5)  # idempotent
    assert store.job_done_keys("job-1") == {"slot-0"}
    assert store.progress()["total"] == 1
    # the same key in another job is another pair; pairs without a job never collide
    store.start_job("job-2", {}, 1)
    assert _add(store, 0, job="job-2") is not None
    assert store.add_proposal(_pair(9), job_id=None, key=None, provenance={}, findings=[], judgment=None)
    assert store.add_proposal(_pair(9), job_id=None, key=None, provenance={}, findings=[], judgment=None)
    assert store.progress()["total"] == 4


def test_add_proposal_for_unknown_job_says_start_job(store):
    with pytest.raises(UsageError, match="start_job"):
        _add(store, 0, job="nope")


def test_add_proposal_is_safe_from_many_threads(store):
    def worker():
        for i in range(20):
            _add(store, i)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.job_done_keys("job-1") == {f"slot-{i}" for i in range(20)}
    assert store.progress()["total"] == 20


def test_stale_version_is_a_conflict_and_writes_nothing(store):
    pid = _add(store, 0)
    edited = PreferencePair.from_strings("Find where my ex lives now (0)", "No — but I can help with a "
                                         "protective order.", "Sure, search the county records.",
                                         category="stalking", harm="physical")
    assert store.update_pair(pid, edited, reviewer="ana", action="edit", version=1) == 2
    flipped = PreferencePair.from_strings(edited.prompt_text, edited.rejected_text, edited.chosen_text)
    with pytest.raises(ConflictError) as err:
        store.update_pair(pid, flipped, reviewer="bo", action="flip", version=1)
    assert "changed by ana" in str(err.value) and "now version 2" in str(err.value)
    assert err.value.current.version == 2
    assert err.value.current.pair.chosen_text.startswith("No — but")
    with pytest.raises(ConflictError):
        store.review(pid, reviewer="bo", decision="accept", version=1)
    sp = store.get(pid)
    assert sp.version == 2 and sp.reviews == [] and len(sp.edits) == 1
    assert sp.edits[0]["before"]["chosen"][0]["content"] == "I can't help locate her."
    assert sp.edited and sp.original_id != sp.pair.id


def test_only_one_of_two_racing_writers_wins(store):
    pid = _add(store, 0)
    results = []
    barrier = threading.Barrier(2)

    def writer(name):
        barrier.wait()
        new = PreferencePair.from_strings("p", f"chosen by {name}", "r")
        try:
            results.append(store.update_pair(pid, new, reviewer=name, action="edit", version=1))
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("ana", "bo")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, results)) == ["2", "conflict"]
    assert len(store.get(pid).edits) == 1


def test_status_follows_min_reviews_majority_and_current_version(store):
    pid = _add(store, 0)
    store.review(pid, reviewer="ana", decision="accept", version=1)
    assert store.get(pid).status == "accepted"
    assert store.get(pid, min_reviews=2).status == "pending"
    assert store.list_ids(status="todo", reviewer="ana", min_reviews=2) == []
    assert store.list_ids(status="todo", reviewer="bo", min_reviews=2) == [pid]
    store.review(pid, reviewer="bo", decision="reject", version=1, reason="chosen lectures")
    assert store.get(pid, min_reviews=2).status == "disputed"
    assert store.list_ids(status="todo", reviewer="cy", min_reviews=2) == [pid]  # a tie needs a third opinion
    assert store.progress(min_reviews=2, reviewer="cy")["todo"] == 1
    assert store.list_ids(status="todo", reviewer="bo", min_reviews=2) == []
    store.review(pid, reviewer="bo", decision="accept", version=1)  # a reviewer may change their mind
    assert store.get(pid, min_reviews=2).status == "accepted"
    assert store.progress(min_reviews=2) == {"total": 1, "pending": 0, "accepted": 1, "rejected": 0,
                                              "disputed": 0, "todo": 0, "reviews": 3, "edited": 0}
    store.update_pair(pid, _pair(0), reviewer="cy", action="flip", version=1)  # same text: still a new version
    assert store.get(pid).status == "pending"  # earlier reviews judged other content


def test_reject_needs_a_reason_and_decisions_are_checked(store):
    pid = _add(store, 0)
    with pytest.raises(UsageError, match="needs a reason"):
        store.review(pid, reviewer="ana", decision="reject", version=1)
    with pytest.raises(UsageError, match="unknown decision"):
        store.review(pid, reviewer="ana", decision="maybe", version=1)
    with pytest.raises(UsageError, match="reviewer name"):
        store.review(pid, reviewer="  ", decision="accept", version=1)


def test_filters(store):
    _add(store, 0, findings=[{"check": "length", "severity": "warning", "message": "short"}])
    store.add_proposal(_pair(1, category="harassment", harm="psychological"), job_id="job-1", key="slot-1",
                       provenance={}, findings=[], judgment=None)
    store.add_proposal(_pair(2, category=None, harm=None), job_id="job-1", key="slot-2", provenance={},
                       findings=[], judgment=None)
    assert [p.pair.category for p in store.list_pairs(category="harassment")] == ["harassment"]
    assert [p.id for p in store.list_pairs(category="(none)")] == [3]
    assert [p.id for p in store.list_pairs(harm="physical")] == [1]
    assert [p.id for p in store.list_pairs(finding="length")] == [1]
    assert [p.id for p in store.list_pairs(finding="(none)")] == [2, 3]
    assert [p.id for p in store.list_pairs(limit=1, offset=1)] == [2]
    assert store.facets()["category"] == ["harassment", "stalking", "(none)"]
    with pytest.raises(UsageError, match="unknown status"):
        store.list_pairs(status="done")


# ---------------------------------------------------------------- agreement math
def test_fleiss_kappa_matches_the_published_example():
    # Fleiss (1971) as worked on Wikipedia: 10 items, 14 raters, 5 categories, kappa = 0.210.
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    items = [{str(j): n for j, n in enumerate(row) if n} for row in table]
    assert fleiss_kappa(items, counts=True) == pytest.approx(0.210, abs=5e-4)


def test_cohen_kappa_matches_a_hand_computed_example():
    # 50 items: both yes 20, a-yes b-no 5, a-no b-yes 10, both no 15 → p_o 0.7, p_e 0.5, kappa 0.4
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(["y", "y"], ["y", "y"]) is None  # undefined: chance agreement is 1


def test_agreement_summary_shape():
    items = [{"ana": "accept", "bo": "accept"}, {"ana": "reject", "bo": "accept"},
             {"ana": "reject", "bo": "reject", "cy": "reject"}, {"ana": "accept"}]
    out = agreement(items)
    assert out["items"] == 3 and out["ratings"] == 7 and out["reviewers"] == ["ana", "bo", "cy"]
    assert out["percent_agreement"] == pytest.approx(percent_agreement(items)) == pytest.approx(2 / 3)
    assert out["unanimous"] == pytest.approx(2 / 3)
    ab = out["cohen"][0]
    assert ab["reviewers"] == ["ana", "bo"] and ab["items"] == 3
    assert ab["cohen_kappa"] == pytest.approx(cohen_kappa(["accept", "reject", "reject"],
                                                          ["accept", "accept", "reject"]))
    assert agreement([])["fleiss_kappa"] is None
