"""Train the sentence-role model of the refusal rubric and write ``sentence_model.npz``.

Data: ``tests/data/refusal/sentences.jsonl`` — sentences and clauses of assistant replies, each labelled
with one role of :data:`prefcraft.refusal.sentences.ROLES`, written for this project (no external text).
Features: :func:`prefcraft.refusal.sentences.text_features` (words, word pairs, first one/two words);
those seen at least twice form the vocabulary. Model: multinomial L2 logistic regression, balanced
class weights.

    python scripts/train_sentence_model.py            # train on everything, write the weights
    python scripts/train_sentence_model.py --cv       # 5-fold per-role F1, writes nothing

Needs numpy + scikit-learn (the ``embed`` / ``test`` extras).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from prefcraft.refusal.sentences import ROLES, text_features  # noqa: E402

DATA = ROOT / "tests/data/refusal/sentences.jsonl"
OUT = ROOT / "src/prefcraft/refusal/sentence_model.npz"
C = 5.0
MIN_COUNT = 2


def load(path: Path) -> tuple[list[list[str]], np.ndarray]:
    feats, y = [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        if rec["role"] not in ROLES:
            raise SystemExit(f"{path}:{n}: unknown role {rec['role']!r}; expected one of {', '.join(ROLES)}")
        feats.append(text_features(rec["text"]))
        y.append(ROLES.index(rec["role"]))
    return feats, np.array(y)


def matrix(feats: list[list[str]], vocab: dict[str, int]):
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for i, fs in enumerate(feats):
        for f in fs:
            j = vocab.get(f)
            if j is not None:
                rows.append(i)
                cols.append(j)
    return csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(feats), len(vocab)))


def fit(feats: list[list[str]], y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for fs in feats for f in fs)
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= MIN_COUNT))}
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
    clf.fit(matrix(feats, vocab), y)
    W = np.zeros((len(vocab), len(ROLES)), dtype=np.float32)
    b = np.full(len(ROLES), -30.0, dtype=np.float32)  # a role absent from the data is never predicted
    W[:, clf.classes_] = clf.coef_.T
    b[clf.classes_] = clf.intercept_
    return {"vocab": list(vocab), "W": W, "b": b}


def predict(model: dict, feats: list[list[str]]) -> np.ndarray:
    index = {f: i for i, f in enumerate(model["vocab"])}
    X = matrix(feats, index)
    return np.asarray(X @ model["W"] + model["b"]).argmax(axis=1)


def cv(feats: list[list[str]], y: np.ndarray, folds: int = 5) -> None:
    from sklearn.model_selection import StratifiedKFold

    pred = np.zeros_like(y)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
        model = fit([feats[i] for i in train], y[train])
        pred[test] = predict(model, [feats[i] for i in test])
    print(f"{folds}-fold accuracy {np.mean(pred == y):.3f} on {len(y)} clauses")
    for k, role in enumerate(ROLES):
        tp = int(((pred == k) & (y == k)).sum())
        denom = int((pred == k).sum() + (y == k).sum())
        if denom:
            print(f"  {role:20s} n={int((y == k).sum()):4d}  F1 {2 * tp / denom:.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cv", action="store_true")
    args = ap.parse_args()
    feats, y = load(args.data)
    if args.cv:
        cv(feats, y)
        return 0
    model = fit(feats, y)
    np.savez_compressed(args.out, vocab=np.array(model["vocab"]), roles=np.array(ROLES), W=model["W"], b=model["b"])
    print(f"wrote {args.out} ({len(model['vocab'])} features x {len(ROLES)} roles, {len(y)} clauses)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
