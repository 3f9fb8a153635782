"""Train the kind model of the default ``rules`` refusal engine (``kind_model.npz``) and the ``embed``
engine's head (``embed_head.npz``).

Data (see docs/refusal.md, "Provenance"):

* the human-labelled XSTest v2 completions (``xstest/model_completions/*.csv`` under the shared
  external-data folder; prompts CC-BY-4.0, completions under the model providers' output terms; labels by
  two human annotators): full compliance / full refusal / partial refusal;
* the project's own labelled replies: ``tests/data/refusal/responses_train.jsonl`` (1,819 replies by eight
  writers who saw neither the code nor the evaluation sets, one brief each: a Task-API assistant's register,
  general assistants, hard cases, confusable wording, short plain answers, contrastive done/declined pairs,
  offers vs alternatives) and the ``tune``/``check``/``fresh`` splits of ``rubric_labels.jsonl``, with all
  four kinds (clarification included).

PyRIT's refusal set and the rubric set's ``blind*`` splits are never trained on (they are held-out checks).

The model: multinomial logistic regression (L2, ``C``) over the dense cue features of
:mod:`prefcraft.refusal.features` and an L2-normalised binary bag of clause features
(:func:`prefcraft.refusal.sentences.bag_features`; vocabulary = features seen in at least ``MIN_COUNT``
training replies), the bag scaled by ``BAG_SCALE``.

Usage::

    python scripts/train_refusal_model.py             # writes src/prefcraft/refusal/kind_model.npz
    python scripts/train_refusal_model.py --cv        # held-out report (by XSTest model file, by writer)
    python scripts/train_refusal_model.py --embed [--cv]   # the embed engine's head (embed_head.npz)

Needs numpy + polars + scikit-learn + scipy (the ``test`` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from prefcraft.refusal import features as F  # noqa: E402
from prefcraft.refusal import kind_model as KM  # noqa: E402
from prefcraft.refusal import sentences as S  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("PREFCRAFT_EXTERNAL_DATA", ROOT.parent / "shared/data/external"))
OWN = [ROOT / "tests/data/refusal/responses_train.jsonl", ROOT / "tests/data/refusal/rubric_labels.jsonl"]
OWN_SPLITS = {None, "tune", "check", "fresh"}  # rubric_labels rows of these splits; the blind ones stay out
XSTEST_LABELS = {"1_full_compliance": 0, "2_full_refusal": 1, "3_partial_refusal": 2}
C = 1.0
BAG_SCALE = 6.0
MIN_COUNT = 2
OWN_WEIGHT = 1.0


@dataclass
class Part:
    """One group of training rows (an XSTest model file or one writer's replies)."""

    name: str
    prompts: list[str]
    responses: list[str]
    y: np.ndarray  # index into kind_model.CLASSES
    weight: float = 1.0
    X: np.ndarray | None = None
    bags: list[list[str]] | None = None

    def featurise(self) -> Part:
        if self.X is None:
            self.X = F.extract(self.prompts, self.responses, bag=False)[1]
            self.bags = S.bag_features(self.responses)
        return self


def load_xstest(data: Path) -> dict[str, Part]:
    out = {}
    for path in sorted((data / "xstest" / "model_completions").glob("xstest_v2_completions_*.csv")):
        model = path.stem.removeprefix("xstest_v2_completions_")
        df = pl.read_csv(path)
        y = np.array([XSTEST_LABELS[v] for v in df["final_label"].to_list()])
        prompts, responses = df["prompt"].to_list(), df["completion"].fill_null("").to_list()
        out[model] = Part(model, prompts, responses, _clarifications(prompts, responses, y))
    if not out:
        raise SystemExit(f"no XSTest completion files under {data}/xstest/model_completions")
    return out


def _clarifications(prompts: list[str], responses: list[str], y: np.ndarray) -> np.ndarray:
    """XSTest has no clarification label: a reply it calls full compliance that asks the user for context
    ("Could you please provide more context or clarify…?", short, no steps) is a clarification here."""
    df = F.frame(prompts, responses, bag=False)
    b = lambda c: df[c].to_numpy().astype(bool)  # noqa: E731
    asks = (b("clarify_ask") & b("question_any") & (df["_len"].to_numpy() < 900) & (df["_items"].to_numpy() < 2)
            & ~b("heres") & ~b("steps"))
    return np.where((y == 0) & asks, KM.CLASSES.index("clarification"), y)


def load_own(paths: list[Path] = OWN) -> dict[str, Part]:
    """Own labelled replies, one part per writer (``writer`` field; rubric rows form one part)."""
    groups: dict[str, list[dict]] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split") not in OWN_SPLITS or row["kind"] not in KM.CLASSES:
                continue
            groups.setdefault(row.get("writer", "rubric"), []).append(row)
    return {name: Part(name, [r["prompt"] for r in rows], [r["response"] for r in rows],
                       np.array([KM.CLASSES.index(r["kind"]) for r in rows]), OWN_WEIGHT)
            for name, rows in groups.items()}


def _bag_matrix(bags: list[list[str]], index: dict[str, int]):
    from scipy import sparse

    rows, cols = [], []
    for i, feats in enumerate(bags):
        idx = sorted({index[f] for f in feats if f in index})
        rows.extend([i] * len(idx))
        cols.extend(idx)
    M = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(bags), len(index)))
    norm = np.sqrt(np.maximum(np.asarray(M.sum(axis=1)).ravel(), 1))
    return sparse.diags(1 / norm) @ M


def design(parts: list[Part], index: dict[str, int], extra: list[np.ndarray] | None = None):
    from scipy import sparse

    dense = [p.X if extra is None else np.concatenate([e, p.X], axis=1) for p, e in
             zip(parts, extra or [None] * len(parts))]
    return sparse.hstack([sparse.csr_matrix(np.concatenate(dense)),
                          BAG_SCALE * _bag_matrix([b for p in parts for b in p.bags], index)]).tocsr()


def fit(parts: list[Part], extra: list[np.ndarray] | None = None) -> dict:
    """Train on ``parts`` (featurised); returns a model dict in the form :func:`kind_model.load` gives.
    ``extra``: per part, dense columns to put before the cue features (the embed engine's embeddings)."""
    from sklearn.linear_model import LogisticRegression

    for p in parts:
        p.featurise()
    counts = Counter(f for p in parts for b in p.bags for f in b)
    vocab = sorted(f for f, c in counts.items() if c >= MIN_COUNT)
    index = {v: i for i, v in enumerate(vocab)}
    Z = design(parts, index, extra)
    y = np.concatenate([p.y for p in parts])
    w = np.concatenate([np.full(len(p.y), p.weight) for p in parts])
    lr = LogisticRegression(C=C, max_iter=5000).fit(Z, y, sample_weight=w)
    coef = np.zeros((len(KM.CLASSES), Z.shape[1]))
    coef[lr.classes_] = lr.coef_
    b = np.full(len(KM.CLASSES), -30.0)  # a class absent from the training rows is never predicted
    b[lr.classes_] = lr.intercept_
    d = Z.shape[1] - len(vocab)
    return {"features": list(F.FEATURE_NAMES), "W_dense": coef[:, :d].T.astype(np.float32).astype(np.float64),
            "vocab": vocab, "index": index, "W": (BAG_SCALE * coef[:, d:].T).astype(np.float32).astype(np.float64),
            "b": b.astype(np.float32).astype(np.float64)}


def predict(model: dict, part: Part, extra: np.ndarray | None = None) -> np.ndarray:
    """Class probabilities of ``part`` under ``model`` (bag scores computed the way inference does)."""
    part.featurise()
    _, scores = S.analyse(part.responses, bag=model)
    X = part.X if extra is None else np.concatenate([extra, part.X], axis=1)
    return KM.probs(X, scores, model)


def held_out(xs: dict[str, Part], own: dict[str, Part], embed: dict[str, np.ndarray] | None = None) -> None:
    everything = {**xs, **own}
    for name, part in everything.items():
        train = [p for n, p in everything.items() if n != name]
        extra = None if embed is None else [embed[p.name] for p in train]
        model = fit(train, extra)
        pred = KM.decide(predict(model, part, None if embed is None else embed[name]))
        y = part.y
        if name in xs:  # XSTest has no clarification label: a clarification does not decline
            pred, y = np.where(pred == 3, 0, pred), np.where(y == 3, 0, y)
        acc = float((pred == y).mean())
        pb, yb = np.isin(pred, (1, 2)), np.isin(y, (1, 2))
        f1 = 2 * (pb & yb).sum() / max(pb.sum() + yb.sum(), 1)
        print(f"held-out {name:14s} n={len(y):4d}  {'3' if name in xs else '4'}-way acc {acc:.3f}  "
              f"refusal F1 {f1:.3f}")


def provenance(parts: list[Part]) -> str:
    return json.dumps({
        "script": "scripts/train_refusal_model.py",
        "rows": {p.name: len(p.y) for p in parts},
        "data": ["xstest/model_completions/xstest_v2_completions_<model>.csv (human final_label)",
                 "tests/data/refusal/responses_train.jsonl (project-written, writers ta/tb/tc/td/te/tf/tg/th)",
                 "tests/data/refusal/rubric_labels.jsonl splits tune/check/fresh (project-written)"],
        "C": C, "bag_scale": BAG_SCALE, "min_count": MIN_COUNT, "own_weight": OWN_WEIGHT,
    })


def save(model: dict, path: Path, prov: str, **extra: np.ndarray) -> None:
    np.savez_compressed(path, classes=np.array(KM.CLASSES), features=np.array(model["features"]),
                        W_dense=model["W_dense"].astype(np.float32), vocab=np.array(model["vocab"]),
                        W=model["W"].astype(np.float32), b=model["b"].astype(np.float32),
                        provenance=np.array(prov), **extra)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=ROOT / "src/prefcraft/refusal" / KM.MODEL_FILE)
    ap.add_argument("--cv", action="store_true", help="held-out report only (writes nothing)")
    ap.add_argument("--embed", action="store_true", help="train the embed engine's head instead")
    args = ap.parse_args()
    xs, own = load_xstest(args.data), load_own()
    parts = list(xs.values()) + list(own.values())
    embed = None
    if args.embed:
        from prefcraft.refusal import embed as E

        embed = {p.name: E.encode(p.responses) for p in parts}
    if args.cv:
        return held_out(xs, own, embed)
    model = fit(parts, None if embed is None else [embed[p.name] for p in parts])
    if embed is None:
        save(model, args.out, provenance(parts))
    else:
        from prefcraft.refusal import embed as E

        out = args.out.with_name(E.HEAD_FILE)
        save(model, out, provenance(parts), embed_dim=np.array(E.EMBED_DIM))
        args.out = out
    print(f"wrote {args.out} ({sum(len(p.y) for p in parts)} rows; vocabulary {len(model['vocab'])})")


if __name__ == "__main__":
    main()
