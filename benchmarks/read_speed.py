"""Reading N pairs of JSONL into the dataset model vs the stdlib ``json.loads``-per-line loop.

    python benchmarks/read_speed.py [--rows 1000000] [--file PATH]

Each reader runs in its own child process (same run, same file, page cache warmed first) so peak RSS
is measured per reader. Prints the ratio prefcraft / baseline (target ≤ 1.0) and prefcraft's peak RSS
(target < 3 GB).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))

BASELINE = """
import json, time, resource, sys
t = time.perf_counter()
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
dt = time.perf_counter() - t
print(len(rows), dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
PREFCRAFT = """
import time, resource, sys
import prefcraft
t = time.perf_counter()
ds = prefcraft.load(sys.argv[1])
dt = time.perf_counter() - t
print(len(ds), dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run(code: str, path: str) -> tuple[int, float, float]:
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]) / 1024 / 1024  # rows, seconds, GiB


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--file")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    path = args.file
    tmp = None
    if path is None:
        from _synth import write_jsonl

        tmp = tempfile.mkdtemp()
        path = os.path.join(tmp, "pairs.jsonl")
        t = time.perf_counter()
        write_jsonl(path, args.rows)
        print(f"wrote {args.rows:,} pairs ({os.path.getsize(path) / 1e9:.2f} GB) in {time.perf_counter() - t:.1f}s")
    with open(path, "rb") as fh:  # warm the page cache for both readers
        while fh.read(1 << 24):
            pass
    best_b = best_p = float("inf")
    for _ in range(args.repeat):
        nb, tb, rss_b = run(BASELINE, path)
        np_, tp, rss_p = run(PREFCRAFT, path)
        assert nb == np_, (nb, np_)
        best_b, best_p = min(best_b, tb), min(best_p, tp)
    print(f"baseline json.loads loop : {best_b:7.2f} s   peak RSS {rss_b:5.2f} GiB")
    print(f"prefcraft.load           : {best_p:7.2f} s   peak RSS {rss_p:5.2f} GiB")
    print(f"ratio prefcraft/baseline : {best_p / best_b:7.2f}  (target <= 1.0; peak RSS target < 3 GB)")
    if tmp:
        os.remove(path)
        os.rmdir(tmp)


if __name__ == "__main__":
    main()
