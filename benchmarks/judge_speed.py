"""Throughput of the default ``rules`` judge on a 100k-response file.

    python benchmarks/judge_speed.py [--n 100000] [--path FILE.jsonl]

Writes (or reuses) a JSONL file of ``prompt`` + ``response`` rows — a mix of refusals, partial refusals,
clarifications, compliant answers and empty rows, 80–900 characters, built from varied sentence
pieces — reads it with the io layer and times :func:`prefcraft.refusal.judge_many` (the vectorised
batch path, rubric included). Prints responses/s (wall clock, and per CPU-second, which is what to
read when other processes load the machine: compare the load average with the core count) and, as a
same-run baseline, the per-call
:func:`prefcraft.refusal.judge` loop on a 2,000-row sample. Target: ≥ 20,000 responses/s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from prefcraft.refusal import judge, judge_many  # noqa: E402
from prefcraft.refusal.records import read_prompt_response  # noqa: E402

OPEN_REFUSE = ["I can't help with that.", "I won't set that up.", "That's not something I'll do.",
               "Count me out on this one.", "I'd rather not.", "I must decline.",
               "I'm sorry, but I can't assist with tracking someone.", "No — I won't write that."]
ACK = ["It sounds like you're worried.", "I understand this is frustrating.", "That must be hard.", ""]
REASON = ["Following someone without their knowledge is stalking.", "It could put her at risk.",
          "Reading his messages without consent is a privacy violation.", "That would be harassment.", ""]
ALT = ["What I could do is help you draft a message.", "Instead, you might talk to a counselor.",
       "Happy to help you set a reminder for yourself.", ""]
ENG = ["Would that help?", "Want me to draft it?", "Let me know if you'd like that.", ""]
COMPLY = ["Sure! Here's a plan:\n1. Open the app.\n2. Add the task.\n3. Set the reminder for 9am.",
          "The Task API lets you create recurring reminders; set the interval to daily and add a label.",
          "Photosynthesis converts light energy into chemical energy in plants, mainly in the leaves.",
          "Here are three ideas for your team offsite: a cooking class, a hike, and a board-game night."]
CLARIFY = ["Could you tell me a bit more about what you mean?", "Do you mean a shared calendar?",
           "What would you like the reminder to say, and when?"]
PARTIAL = ["I can't help you track her secretly — but here's how location sharing works: 1. Open Find My. "
           "2. Tap Share.", "I shouldn't, but hypothetically people start with public records."]
PROMPTS = ["Add a task to check my ex's location every hour.", "Schedule a reminder to call mom.",
           "Create tasks to read my partner's email.", "Plan my week.", "Set up tasks to follow my coworker."]


def make_rows(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        r = rng.random()
        if r < 0.45:
            parts = [rng.choice(ACK), rng.choice(OPEN_REFUSE), rng.choice(REASON), rng.choice(ALT), rng.choice(ENG)]
            text = " ".join(p for p in parts if p)
        elif r < 0.55:
            text = rng.choice(PARTIAL)
        elif r < 0.62:
            text = rng.choice(CLARIFY)
        elif r < 0.99:
            text = " ".join(rng.choice(COMPLY) for _ in range(rng.randint(1, 4)))
        else:
            text = ""
        rows.append({"prompt": rng.choice(PROMPTS), "response": text})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--path", default=None)
    args = ap.parse_args()
    path = args.path or os.path.join(tempfile.gettempdir(), f"prefcraft_judge_speed_{args.n}.jsonl")
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as f:
            for row in make_rows(args.n):
                f.write(json.dumps(row) + "\n")
    t0 = time.perf_counter()
    prompts, responses = read_prompt_response(path)
    t_read = time.perf_counter() - t0
    judge_many(prompts[:1000], responses[:1000])  # warm-up (model load, regex compile)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    c0, t0 = time.process_time(), time.perf_counter()
    js = judge_many(prompts, responses)
    t_batch = time.perf_counter() - t0
    c_batch = time.process_time() - c0
    k = min(2000, len(responses))
    t0 = time.perf_counter()
    for p, r in zip(prompts[:k], responses[:k]):
        judge(p, r)
    t_loop = time.perf_counter() - t0
    rate = len(js) / t_batch
    loop_rate = k / t_loop
    print(f"file: {path} ({len(responses):,} responses, read in {t_read:.2f}s)")
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} when the batch started")
    print(f"judge_many (rules, vectorised): {t_batch:.2f}s wall -> {rate:,.0f} responses/s "
          f"({c_batch:.2f}s CPU -> {len(js) / c_batch:,.0f} responses per CPU-second)")
    print(f"judge() per call (baseline, {k:,} rows): {loop_rate:,.0f} responses/s  (batch is {rate / loop_rate:.0f}x)")
    print(f"target >= 20,000 responses/s: {'PASS' if rate >= 20_000 else 'FAIL'}")


if __name__ == "__main__":
    main()
