"""The kind model: one multinomial logistic model that reads a response and gives the probability of each
of :data:`CLASSES` (compliance, refusal, partial refusal, clarification).

Its inputs are
* the dense cue features of :mod:`prefcraft.refusal.features` (:data:`~prefcraft.refusal.features.FEATURE_NAMES`:
  phrase cues, shape, the clause-role model's readings), and
* a bag of clause features: every word, word pair and clause opening that occurs in any clause of the
  response (the features of :func:`prefcraft.refusal.sentences.text_features`), as an L2-normalised binary
  vector over the model's vocabulary. This is what lets it learn wordings no cue lists ("that one stays off
  my list", "Who's Tyler, and does he know about this list?").

Weights ship as ``kind_model.npz``, trained by ``scripts/train_refusal_model.py`` (provenance inside the
file and in docs/refusal.md). The bag part is scored while the clause frame is built
(:func:`prefcraft.refusal.sentences.analyse`), so the clauses are split and hashed once per batch.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache
from importlib import resources

import numpy as np

MODEL_FILE = "kind_model.npz"
CLASSES: tuple[str, ...] = ("compliance", "refusal", "partial_refusal", "clarification")
BAG_COLUMNS: tuple[str, ...] = tuple("_k_" + c for c in CLASSES)


@lru_cache(maxsize=2)
def load(name: str = MODEL_FILE) -> dict:
    """``{"features", "W_dense", "vocab", "index", "W", "b", "provenance"}`` (``W`` = the bag weights,
    already scaled; ``index`` maps a vocabulary string to its row). ``name``: the weights file in the
    package (the ``embed`` engine's head has the same layout, with the embedding's columns first in
    ``W_dense``)."""
    from prefcraft.refusal.features import FEATURE_NAMES

    raw = resources.files("prefcraft.refusal").joinpath(name).read_bytes()
    with np.load(io.BytesIO(raw), allow_pickle=False) as z:
        model = {k: z[k] for k in z.files}
    classes = tuple(str(c) for c in model["classes"])
    features = [str(f) for f in model["features"]]
    if classes != CLASSES or features != list(FEATURE_NAMES):  # pragma: no cover - stale weights
        flag = " --embed" if name != MODEL_FILE else ""
        raise RuntimeError(f"{name} was trained on other classes or cue features than this code has; "
                           f"retrain it with 'python scripts/train_refusal_model.py{flag}'")
    vocab = [str(v) for v in model["vocab"]]
    if model["W_dense"].shape[0] < len(features):  # pragma: no cover - stale weights
        raise RuntimeError(f"{name} has fewer dense weights than cue features; retrain it")
    return {"features": features, "W_dense": model["W_dense"].astype(np.float64), "vocab": vocab,
            "index": {v: i for i, v in enumerate(vocab)}, "W": model["W"].astype(np.float64),
            "b": model["b"].astype(np.float64), "provenance": json.loads(str(model["provenance"]))}


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def probs(X: np.ndarray, bag_scores: np.ndarray, model: dict | None = None) -> np.ndarray:
    """Class probabilities (``n × CLASSES``) from the dense features and the precomputed bag scores."""
    m = model or load()
    return softmax(X.astype(np.float64) @ m["W_dense"] + bag_scores + m["b"])


def decide(P: np.ndarray) -> np.ndarray:
    """The kind (index into :data:`CLASSES`) for each row of class probabilities: the reply *declines* when
    P(refusal) + P(partial) beats P(compliance) and P(clarification); a declining reply is a partial refusal
    when P(partial) > P(refusal). (The unscorable step of :func:`prefcraft.refusal.rules.classify` comes
    after.)"""
    declines = P[:, 1] + P[:, 2]
    group = np.argmax(np.stack([P[:, 0], declines, P[:, 3]], axis=1), axis=1)
    return np.select([group == 0, group == 2, P[:, 2] > P[:, 1]], [0, 3, 2], 1)
