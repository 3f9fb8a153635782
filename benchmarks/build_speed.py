"""Timings of `prefcraft build`: the default 300 pairs (target < 5 s on 2 cores, interpreter start-up
excluded) and 10,000 pairs with a progress bar.

    python benchmarks/build_speed.py [--large 10000] [--seed 0]

Everything runs in this process, so interpreter start-up is excluded; the first 300-pair build
includes loading the language data and warming the refusal judgment (what a fresh `prefcraft build`
pays), the second shows the steady state. The 10k build prints how many pairs had to be accepted
above the strict near-duplicate threshold (the language data's limit at that size).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--large", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    t0 = time.perf_counter()
    from prefcraft.generate import build_dataset

    ds = build_dataset(size=300, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        ds.save(os.path.join(tmp, "pairs.jsonl"))
    cold = time.perf_counter() - t0
    t1 = time.perf_counter()
    build_dataset(size=300, seed=args.seed + 1)
    warm = time.perf_counter() - t1
    print(f"300 pairs, first build incl. data load + judge warm-up + save: {cold:.2f} s (target < 5 s)")
    print(f"300 pairs, second build:                                      {warm:.2f} s")
    print(f"cpu count visible: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")

    with Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
        task = bar.add_task("build", total=args.large)
        t2 = time.perf_counter()
        big, report = build_dataset(size=args.large, seed=args.seed, return_report=True,
                                    progress=lambda n: bar.update(task, completed=n))
        big_s = time.perf_counter() - t2
    relaxed = sum(report.relaxed.values())
    print(f"{args.large:,} pairs requested, {len(big):,} built in {big_s:.1f} s "
          f"({len(big) / big_s:,.0f} pairs/s); shortfall {report.shortfall or 'none'}")
    print(f"  accepted above the strict near-duplicate threshold (padded/relaxed): {relaxed:,} "
          f"({100 * relaxed / max(1, len(big)):.1f} %) by category {report.relaxed}")
    print(f"  gate: kept {report.gate.kept:,}, regenerated {report.gate.dropped:,}")
    return 0 if cold < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
