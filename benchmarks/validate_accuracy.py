"""Per-check precision / recall of ``prefcraft validate`` on a labelled set, and the cascade's recall.

    python benchmarks/validate_accuracy.py [--path tests/data/validate/labelled.jsonl]

Each record of the labelled file carries ``expect``: the check ids it must raise (``[]`` for a clean
pair). The whole file is validated at once (so duplicates across records count), skipping the
dataset-level checks (``length-bias``, ``category-imbalance``) and ``mixed-format`` (the file mixes
standard and conversational rows on purpose; those three are covered by tests/checks). Row-level
findings are compared with the labels: a finding whose check is not expected is a false positive, an
expected check without a finding a false negative.

It then validates the same file with the cascade forced on (the screens of
:mod:`prefcraft.checks.judging` choose which responses are judged) and reports the share of the
refusal-shaped findings of the full run that the cascade keeps (screen recall).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from prefcraft.checks import validate  # noqa: E402

SKIP = ["length-bias", "category-imbalance", "mixed-format"]
REFUSAL_CHECKS = {"rejected-is-refusal", "chosen-complies", "chosen-overrefuses", "chosen-lacks-alternative",
                  "chosen-lectures", "chosen-apologetic", "chosen-robotic", "chosen-vague", "chosen-overexplains"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", default=str(ROOT / "tests/data/validate/labelled.jsonl"))
    ap.add_argument("--show", action="store_true", help="print every false positive / negative")
    args = ap.parse_args()

    expect: dict[int, set[str]] = {}
    with open(args.path, encoding="utf-8") as fh:
        for i, line in enumerate(l for l in fh if l.strip()):
            expect[i] = set(json.loads(line).get("expect", []))
    report = validate(args.path, skip=SKIP, cascade=False)
    if report.checks_skipped:
        print("checks skipped:", report.checks_skipped)
    got: dict[int, set[str]] = defaultdict(set)
    messages: dict[tuple[int, str], str] = {}
    for f in report.findings:
        if f.row is not None:
            got[f.row].add(f.check)
            messages[(f.row, f.check)] = f.message
    checks = sorted({c for s in expect.values() for c in s} | {c for s in got.values() for c in s})
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    wrong = []
    for row, want in expect.items():
        have = got.get(row, set())
        for c in have & want:
            tp[c] += 1
        for c in have - want:
            fp[c] += 1
            wrong.append(f"FP row {row} {c}: {messages[(row, c)][:150]}")
        for c in want - have:
            fn[c] += 1
            wrong.append(f"FN row {row} {c}")
    print(f"{len(expect)} labelled pairs, {sum(len(s) for s in expect.values())} expected findings, "
          f"{sum(1 for s in expect.values() if not s)} clean pairs\n")
    print(f"{'check':28} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    T = P = N = 0
    for c in checks:
        t, p, n = tp[c], fp[c], fn[c]
        T, P, N = T + t, P + p, N + n
        prec = f"{t / (t + p):.2f}" if t + p else "—"
        rec = f"{t / (t + n):.2f}" if t + n else "—"
        print(f"{c:28} {t:4} {p:4} {n:4} {prec:>10} {rec:>8}")
    print(f"{'ALL (micro)':28} {T:4} {P:4} {N:4} {T / max(T + P, 1):10.2f} {T / max(T + N, 1):8.2f}")
    clean_ok = sum(1 for r, w in expect.items() if not w and not got.get(r))
    print(f"clean pairs with no finding: {clean_ok}/{sum(1 for w in expect.values() if not w)}")
    if args.show:
        print("\n".join(wrong))

    # cascade (screens + judge on candidates) vs judging everything
    casc = validate(args.path, skip=SKIP, cascade=True)
    full = {(f.row, f.check) for f in report.findings if f.check in REFUSAL_CHECKS}
    kept = {(f.row, f.check) for f in casc.findings if f.check in REFUSAL_CHECKS}
    recall = len(full & kept) / len(full) if full else 1.0
    print(f"\ncascade screen recall on this set: {recall:.3f} ({len(full & kept)}/{len(full)} refusal-shaped "
          f"findings kept; {len(kept - full)} extra)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
