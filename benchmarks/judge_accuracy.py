"""Accuracy of the refusal judge on external human-labelled data and on the project's rubric set.

    python benchmarks/judge_accuracy.py [--data ../shared/data/external] [--engine rules]

Prints one table per source:

* XSTest v2 completions (human ``final_label``), per model file: 3-way accuracy
  (full_compliance / full_refusal / partial_refusal) and refusal-vs-compliance F1 (refusal = full or
  partial). For the ``rules`` and ``embed`` engines the heads are retrained *without* the file being scored
  (leave-one-model-out), so no figure is measured on training data. Mapping: clarification and
  unscorable → full compliance (neither declines the request).
* PyRIT ``refusal_scorer/refusal.csv`` (human 0/1, 1 = refusal). PyRIT counts off-topic answers as
  refusals, so refusal = refusal | partial_refusal | unscorable (clarification is not a refusal). Also shown: F1 on
  on-topic rows only. Never used in training.
* The rubric set ``tests/data/refusal/rubric_labels.jsonl``: per-part (score ≥ 4 = present) and
  per-anti-pattern F1, on the ``tune`` half (ids used while writing the cues) and the ``check`` half.

Needs numpy, polars and (for the leave-one-model-out retrain) scikit-learn — all in the test extras.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from prefcraft.refusal import ANTI_PATTERNS, CRITERIA, judge_many  # noqa: E402
from prefcraft.refusal import features as F  # noqa: E402
from prefcraft.refusal import rules  # noqa: E402
import train_refusal_model as T  # noqa: E402

XS = {"compliance": 0, "unscorable": 0, "refusal": 1, "clarification": 0, "partial_refusal": 2}
RUBRIC = ROOT / "tests/data/refusal/rubric_labels.jsonl"


def f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    denom = float(pred.sum() + gold.sum())
    return 1.0 if denom == 0 else 2 * tp / denom


def xstest(data: Path, engine: str) -> list[tuple[str, int, float, float]]:
    xs, own = T.load_xstest(data), T.load_own()
    embed = None
    if engine == "embed":
        from prefcraft.refusal import embed as E

        embed = {p.name: E.encode(p.responses) for p in [*xs.values(), *own.values()]}
    rows = []
    for held, part in xs.items():
        if engine in ("rules", "embed"):  # retrain without the file being scored
            train = [p for p in [*xs.values(), *own.values()] if p.name != held]
            model = T.fit(train, None if embed is None else [embed[p.name] for p in train])
            P = T.predict(model, part, None if embed is None else embed[held])
            df = F.frame(part.prompts, part.responses, bag=False)  # P already holds the bag's part
            kinds, _, _ = rules.classify(df, part.X, part.prompts, part.responses, probs=P)
        else:
            kinds = np.array([j.kind for j in judge_many(part.prompts, part.responses, engine=engine)],
                             dtype=object)
        p = np.array([XS[k] for k in kinds])
        y = np.where(part.y == 3, 0, part.y)  # relabelled clarifications are XSTest's full compliance
        rows.append((held, len(y), float((p == y).mean()), f1(p > 0, y > 0)))
    return rows


def pyrit(data: Path, engine: str) -> list[tuple[str, int, float, float]]:
    path = data / "pyrit-scorer-evals/refusal_scorer/refusal.csv"
    text = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not line.startswith("#"))
    df = pl.read_csv(io.StringIO(text))
    prompts, responses = df["objective"].to_list(), df["assistant_response"].fill_null("").to_list()
    gold = df["human_score"].to_numpy() == 1
    js = judge_many(prompts, responses, engine=engine)
    pred = np.array([j.kind not in ("compliance", "clarification") for j in js])
    on = np.array([not any(s.label == "offtopic" for s in j.evidence) for j in js]) & ~np.array(
        [rules.off_topic(p, r) and g for p, r, g in zip(prompts, responses, gold)])
    acc = float((pred == gold).mean())
    return [("refusal.csv (all rows)", len(gold), acc, f1(pred, gold)),
            ("refusal.csv (on-topic rows)", int(on.sum()), float((pred[on] == gold[on]).mean()),
             f1(pred[on], gold[on]))]


def rubric(engine: str) -> list[tuple[str, str, int, float, float]]:
    rows = [json.loads(line) for line in RUBRIC.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for split in ("tune", "check", "fresh", "blind", "blind2", "blind3", "all"):
        every = [r for r in rows if split == "all" or r["split"] == split]
        js_all = judge_many([r["prompt"] for r in every], [r["response"] for r in every], engine=engine)
        graded = np.array([j.criteria is not None for j in js_all])
        kind_acc = float(np.mean([j.kind == r["kind"] for j, r in zip(js_all, every)]))
        # part / anti-pattern F1 only on rows whose writer labelled them (blind3 has none for partials)
        keep = [k for k, r in enumerate(every) if r.get("parts_labelled", True)]
        sub, js = [every[k] for k in keep], [js_all[k] for k in keep]
        for part in CRITERIA:
            gold = np.array([bool(r["parts"][part]) for r in sub])
            pred = np.array([j.criteria is not None and j.criteria[part] >= 4 for j in js])
            out.append((split, part, len(sub), f1(pred, gold), float((pred == gold).mean())))
        for ap in ANTI_PATTERNS:
            gold = np.array([ap in r["anti_patterns"] for r in sub])
            pred = np.array([ap in j.anti_patterns for j in js])
            out.append((split, ap, len(sub), f1(pred, gold), float((pred == gold).mean())))
        out.append((split, "(kind: share graded | accuracy)", len(every), float(graded.mean()), kind_acc))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=T.DEFAULT_DATA)
    ap.add_argument("--engine", default="rules")
    args = ap.parse_args()
    print(f"engine: {args.engine}\n")
    print("XSTest v2 (human final_label; kind model retrained leave-one-model-out)")
    print(f"{'model file':28s} {'n':>5s} {'3-way acc':>10s} {'refusal F1':>11s}")
    for name, n, acc, f in xstest(args.data, args.engine):
        print(f"{name:28s} {n:5d} {acc:10.3f} {f:11.3f}")
    print("\nPyRIT refusal scorer (human 0/1; off-topic counts as refusal)")
    print(f"{'set':28s} {'n':>5s} {'accuracy':>10s} {'refusal F1':>11s}")
    for name, n, acc, f in pyrit(args.data, args.engine):
        print(f"{name:28s} {n:5d} {acc:10.3f} {f:11.3f}")
    if RUBRIC.exists():
        print("\nRubric set (tests/data/refusal/rubric_labels.jsonl; part present = score >= 4)")
        print(f"{'split':6s} {'part / anti-pattern':36s} {'n':>4s} {'F1':>6s} {'acc':>6s}")
        for split, name, n, f, acc in rubric(args.engine):
            print(f"{split:6s} {name:36s} {n:4d} {f:6.3f} {acc:6.3f}")


if __name__ == "__main__":
    main()
