"""Shared results (``Context.memo``) and the background prefetch used on large inputs."""

from __future__ import annotations

import threading
import time

import pytest

from prefcraft.checks import runner, validate
from prefcraft.checks.context import Context
from prefcraft.io import read
from prefcraft.model import Dataset


def _ctx() -> Context:
    return Context(Dataset.from_records([{"prompt": "p", "chosen": "c" * 60, "rejected": "r" * 60}]))


def test_memo_computes_once_across_threads():
    ctx, calls, gate = _ctx(), [], threading.Event()

    def slow():
        calls.append(1)
        gate.wait(5)
        return 42

    results = []
    threads = [threading.Thread(target=lambda: results.append(ctx.memo("k", slow))) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    gate.set()
    for t in threads:
        t.join(5)
    assert results == [42] * 4 and calls == [1]


def test_memo_hands_a_failure_to_every_caller():
    ctx = _ctx()

    def boom():
        raise ValueError("broken input")

    for _ in range(2):
        with pytest.raises(ValueError, match="broken input"):
            ctx.memo("k", boom)


def test_prefetch_gives_the_same_findings_as_running_in_order(data_dir, monkeypatch):
    ds = read(data_dir / "labelled.jsonl", on_error="collect").dataset
    only = ["duplicate-prompt", "near-duplicate-prompt", "rejected-is-refusal"]
    monkeypatch.setattr(runner, "PREFETCH_MIN", 10**9)
    in_order = validate(ds, only=only)
    monkeypatch.setattr(runner, "PREFETCH_MIN", 0)
    started = []
    real = Context.prefetch
    monkeypatch.setattr(Context, "prefetch", lambda self, jobs: started.append(len(jobs)) or real(self, jobs))
    prefetched = validate(ds, only=only)
    assert started == [1]  # near-duplicate-prompt's search ran in the background
    assert [f.to_dict() for f in prefetched.findings] == [f.to_dict() for f in in_order.findings]
    assert any(f.check == "near-duplicate-prompt" for f in in_order.findings)
