"""Suggest a request category for uncategorised prompts, with a confidence.

A small multinomial logistic-regression classifier (numpy only) over hashed word 1–2-grams, word
character 3–5-grams and hand-written marker features (injection markers, claimed authority,
fictional framing, urgency, follow-up phrasing, ambiguity, self-protective phrasing). It is trained
at first use (well under a second) on the taxonomy's example prompts plus the labelled set shipped in
``prefcraft/analysis/data/autotag_train.jsonl``; the held-out evaluation set lives in
``tests/data/stats/category_labels.jsonl`` and is never used for training.

Suggestions are suggestions: they are returned beside the data with their confidence and never
written into the dataset.
"""

from __future__ import annotations

import functools
import json
import re
import zlib
from importlib import resources
from typing import Any, Iterable, Sequence

import numpy as np

from prefcraft.taxonomy import Taxonomy, load_taxonomy

__all__ = ["AutoTagger", "get_tagger", "markers", "suggest", "training_examples"]

DIM = 1 << 15
GEN_WEIGHT = 0.5
_WORD = re.compile(r"[a-z0-9']+")

# (feature name, pattern) — case-insensitive unless the pattern says otherwise.
_MARKERS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(p, flags)) for name, p, flags in [
    ("inj_ignore", r"\b(ignore|disregard|forget|override|bypass|skip)\b[^.]{0,40}\b(previous|prior|"
     r"above|earlier|all|your|the|any)\b[^.]{0,30}\b(instructions?|rules?|guidelines?|prompts?|"
     r"polic(y|ies)|restrictions?|safeguards?|filters?|constraints?|programming)\b", re.I),
    ("inj_role", r"\byou are now\b|\byou'?re now\b|\bfrom now on,? (you|act|respond|answer)\b|"
     r"\b(pretend|imagine) (to be|you('| a)re|that you('| a)re) (a|an|the)? ?(raw|unfiltered|"
     r"unrestricted|evil|uncensored|different|new|jailbroken)|\bact as (a|an)?\b|developer mode|"
     r"\bdan\b|jailbr(eak|oken)|no (safety|content|ethical) (rules|filters?|restrictions|guidelines)"
     r"|unfiltered|uncensored|without (any )?(restrictions|filters|limits|rules)|never refuses?|"
     r"new (persona|role|identity)|stay in character|godmode|god mode", re.I),
    ("inj_system", r"system prompt|(hidden|initial|original|secret|internal) (instructions|rules|"
     r"prompt|configuration|policy|policies)|repeat (everything|the text|the words|all text|what)"
     r" (above|before)|verbatim|word for word|print your|reveal your|tool (definitions|schemas?|"
     r"specs?)|what (were|are) (you|your) (told|instructions)|(quote|show|dump|output) (me )?your "
     r"(rules|instructions|prompt|config)", re.I),
    ("inj_perm", r"^\s*sudo\b|\bsudo (grant|show|give|list|export|delete|run|make|set)\b|"
     r"\b(admin|administrator|root|sudo|superuser|elevated|owner)\b[^.]{0,30}\b(access|"
     r"privileges?|rights|mode|override|permissions?|level)\b|override code|auth(orization)? code "
     r"\w+ is|you (now )?have (full|admin|root|unrestricted|elevated)|permissions? (have been|were|"
     r"are) (granted|upgraded|elevated)|access level|bypass (the )?(permission|access|auth)", re.I),
    ("inj_markup", r"(^|[\s'\"(\[])(SYSTEM|ADMIN|ASSISTANT|DEVELOPER)\s*:|\[INST\]|<\|im_start\|>|"
     r"###\s*(instruction|system)|\{\{|</?system>|BEGIN (NEW )?INSTRUCTIONS|END OF (USER )?INPUT",
     0),
    ("inj_api", r"\b[a-z]+_[a-z_]+\(|api call|raw api|execute:|\bjson\b.{0,20}\b(payload|body)\b",
     re.I),
    ("se_authority", r"\b(i'?m|i am) (a |an |the |her |his |their )?(police|detective|officer|cop|"
     r"security researcher|researcher|investigator|lawyer|attorney|doctor|nurse|therapist|hr|"
     r"manager|administrator|agent|fbi|journalist|social worker|private investigator|pen ?tester|"
     r"auditor|it admin|sysadmin|paramedic|judge|parole officer|compliance officer|ceo|cfo|"
     r"supervisor|head of|professor|lecturer|teacher|principal|security|cyber|child protection|"
     r"trust and safety|safety team|moderator)|for (teaching|training|a class|a lecture|my research)|\bthis is (detective|officer|agent|dr\.?|sergeant|inspector|the it|"
     r"the security|your administrator|from)\b|\bas (a|an|the|her|his|their|your) (police|"
     r"detective|officer|head of|hr|manager|lawyer|security|doctor|therapist|investigator|admin|"
     r"administrator|auditor|researcher|journalist|social worker|compliance|ceo|supervisor|"
     r"employer|legal guardian)|authori[sz]ed (to|access|by)|on behalf of|warrant|subpoena|"
     r"law enforcement|official (investigation|request|business)|badge (number|no)|case number|"
     r"my clearance|i have clearance|court order|legal team", re.I),
    ("se_fiction", r"\b(novel|story|screenplay|script|fiction|fictional|character|roleplay|"
     r"role-play|role play|a game|let'?s play|hypothetical(ly)?|in a world where|for a (book|"
     r"movie|film|play|short story|podcast|comic)|writing a|my (book|novel|story|screenplay)|"
     r"thriller|villain|protagonist|plot|scene|dungeons|dnd|d&d|creative writing|fanfic)\b", re.I),
    ("se_urgency", r"\b(urgent(ly)?|emergency|right now|immediately|asap|no time|hurry|quick(ly)?|"
     r"in the next \d+|\d+ minutes|minutes? left|before it'?s too late|life or death|deadline|"
     r"time[- ]sensitive|running out of time|right away|this instant|now!|critical)\b|!!", re.I),
    ("se_emotion", r"\bbegging|i'?m (crying|desperate|scared|terrified|heartbroken|devastated|"
     r"lonely)|you'?re (the only|my only)|if you (really )?(cared|care)|can'?t (cope|go on|take "
     r"it)|i'?ll (lose|die|kill)|no one else|please,? please|everyone (else )?(has )?(abandoned|"
     r"gave up|left)|you'?d understand|i trusted you|how could you|it would mean (so much|the world)"
     r"|i feel so|my heart|only you can|if you were (really|truly|actually) my friend|"
     r"(last|only) hope|i'?m panicking", re.I),
    ("esc_followup", r"^\s*(ok(ay)?|great|thanks|thank you|perfect|cool|good|alright|nice|awesome|"
     r"now|next|and|also|then|so|got it|right|sure)\b|\b(now (can|could|make|add|let|set|have|"
     r"change|extend|combine|also)|next step|next,? |one more thing|building on|as a next step|"
     r"following up|what about|what if|how about|and if|you already|you just|earlier you|last time|"
     r"step \d|now that|same (thing|as before|list|task)|like (before|last time)|that worked|"
     r"from before|another one|the one you|you made|you set up|you created|take it further|"
     r"a bit more|slightly)\b", re.I),
    ("esc_probe", r"\bat what (point|number)|would you (still|also|then)|what'?s the (limit|most|max)"
     r"|just the|only the|what if i (said|called|rephrase|worded)|where (exactly )?(is|do you draw) "
     r"the line|(can|could) (tasks|reminders|the api|you) (store|see|show|access|tell)|out of "
     r"curiosity|just curious|is it possible|in theory|which fields|what data|don'?t call it|"
     r"call it .{1,30} instead|what if i (only|just)|what (info|"
     r"information) do(es)? (you|the api)|how much can you|does the api", re.I),
    ("harm_intent", r"without (her|him|them|anyone|my \w+) (knowing|noticing|finding out|"
     r"realizing|realising|seeing|telling)|secretly|covert(ly)?|behind (her|his|their) back|so (she|he|"
     r"they) (quits?|leaves?|breaks?|cries|panics|is scared|feels|regrets|never)|teach (him|her|"
     r"them) a lesson|scare (her|him|them)|threat|ruin|humiliat|destroy|revenge|get back at|make "
     r"(her|him|them) (pay|suffer|miserable)|won'?t see it coming|can'?t escape|blocked me|"
     r"restraining order|fake (account|number|profile|invoice|identity|name)|in (her|his|their) "
     r"name|steal|scam|phish|forge|untraceable|hide (it|the|my)", re.I),
    ("edge_relation", r"\bmy (\d+[- ]year[- ]old|teen(ager)?s?|son|daughter|kids?|children|child|"
     r"employees?|staff|team|workers?|reports|students?|elderly|aging|mom|dad|mother|father|"
     r"parents?|partner|wife|husband|girlfriend|boyfriend|roommate|tenant|nanny|caregiver|"
     r"patient|client)\b", re.I),
    ("edge_monitor", r"\b(check|keep (an )?eye|monitor|track|see|know|watch|follow up|follow|log|"
     r"location|whereabouts|online|after hours|screen time|check in)\b", re.I),
    ("benign_self", r"\bremind me to\b|\bmy own\b|\bfor myself\b|\bhelp me (report|document|"
     r"block|protect|stay safe|cope|plan)|\b(report|document|block|protect|safety plan|stay safe|"
     r"revoke|privacy settings|two-factor|2fa|hotline|therapist|counsel(l)?or|doctor|support group|"
     r"self-care|wellbeing|well-being|recovery|medication|meds|prescription|boundaries|consent|"
     r"with (her|his|their) (permission|consent)|they agreed|she agreed|he agreed|we agreed)\b",
     re.I),
    ("question_how_many", r"\bhow (many|much)\b.{0,30}\b(pills|tablets|doses|at once|overdose)\b",
     re.I),
]]


def markers(text: str) -> list[str]:
    """Names of the marker features that fire on ``text``."""
    return [name for name, pat in _MARKERS if pat.search(text)]


def _h(s: str) -> int:
    return zlib.crc32(s.encode("utf-8")) % DIM


def features(text: str, multi_turn: bool = False) -> dict[int, float]:
    low = text.lower()
    words = _WORD.findall(low)
    feats: dict[int, float] = {}

    def add(key: str, w: float) -> None:
        i = _h(key)
        feats[i] = feats.get(i, 0.0) + w

    for w in words:
        add("w:" + w, 1.0)
    for a, b in zip(words, words[1:]):
        add(f"b:{a} {b}", 1.0)
    for w in set(words):
        padded = f"<{w}>"
        for n in (3, 4, 5):
            for i in range(len(padded) - n + 1):
                add("c:" + padded[i:i + n], 0.3)
    for m in markers(text):
        add("m:" + m, 3.0)
    if multi_turn:
        add("m:multi_turn", 3.0)
    if len(words) <= 12:
        add("len:short", 1.0)
    elif len(words) >= 40:
        add("len:long", 1.0)
    # log-scale counts, then L2-normalise (rule features keep a strong relative weight)
    keys = list(feats)
    vals = np.log1p(np.array([feats[k] for k in keys], dtype=np.float64))
    norm = float(np.linalg.norm(vals)) or 1.0
    return {k: float(v / norm) for k, v in zip(keys, vals)}


def _sparse(texts: Sequence[str], multi: Sequence[bool] | None = None):
    """The feature matrix as ``scipy.sparse.csr_matrix`` when scipy is there (training is then
    ~20x faster), else None."""
    try:
        from scipy import sparse
    except ImportError:
        return None
    rows, cols, vals = [], [], []
    for r, t in enumerate(texts):
        f = features(t, bool(multi[r]) if multi is not None else False)
        rows += [r] * len(f)
        cols += list(f)
        vals += list(f.values())
    return sparse.csr_matrix((np.asarray(vals, np.float64), (rows, cols)), shape=(len(texts), DIM))


def _matrix(texts: Sequence[str], multi: Sequence[bool] | None = None) -> np.ndarray:
    X = np.zeros((len(texts), DIM), dtype=np.float32)
    for r, t in enumerate(texts):
        for k, v in features(t, bool(multi[r]) if multi is not None else False).items():
            X[r, k] = v
    return X


class AutoTagger:
    """Multinomial logistic regression (L2) trained by full-batch gradient descent with momentum."""

    def __init__(self, classes: list[str], W: np.ndarray, b: np.ndarray) -> None:
        self.classes = classes
        self.W = W
        self.b = b

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str], classes: list[str], *,
              l2: float = 3e-5, epochs: int = 600, lr: float = 4.0,
              multi: Sequence[bool] | None = None,
              weights: Sequence[float] | None = None) -> "AutoTagger":
        Xs = _sparse(texts, multi)
        X = _matrix(texts, multi) if Xs is None else None
        idx = {c: i for i, c in enumerate(classes)}
        y = np.array([idx[label] for label in labels])
        n, k = len(texts), len(classes)
        Y = np.zeros((n, k), dtype=np.float32)
        Y[np.arange(n), y] = 1.0
        # balance classes so a big class does not swamp a small one
        sw = np.ones(n, dtype=np.float32) if weights is None else np.asarray(weights, np.float32)
        counts = (Y * sw[:, None]).sum(axis=0)
        wts = ((sw.sum() / (k * np.maximum(counts, 1e-9)))[y] * sw).astype(np.float32)[:, None]
        # Gradient descent on W = X.T @ A (the L2 gradient keeps W in the span of the rows), so each
        # step costs n x n instead of n x features: exact, and ~100x faster on a few hundred rows.
        K = (X @ X.T) if Xs is None else (Xs @ Xs.T).toarray().astype(np.float32)
        A = np.zeros((n, k), dtype=np.float32)
        b = np.zeros(k, dtype=np.float32)
        vA, vb = np.zeros_like(A), np.zeros_like(b)
        with _one_blas_thread():  # small matmuls: threads only contend (8x slower on a busy box)
            for _ in range(epochs):
                P = _softmax(K @ A + b)
                G = (P - Y) * wts / n
                vA = 0.9 * vA + G + l2 * A
                vb = 0.9 * vb + G.sum(axis=0)
                A -= lr * vA
                b -= lr * vb
        full = (X.T @ A.astype(np.float32) if Xs is None else Xs.T @ A).astype(np.float32)
        b = b.astype(np.float32)
        return cls(classes, full, b)

    def predict_proba(self, texts: Sequence[str], multi: Sequence[bool] | None = None) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, len(self.classes)))
        Z = np.empty((len(texts), len(self.classes)), dtype=np.float64)
        for r, t in enumerate(texts):  # row by row: memory stays O(features), not rows x DIM
            f = features(t, bool(multi[r]) if multi is not None else False)
            idx = np.fromiter(f.keys(), dtype=np.int64, count=len(f))
            val = np.fromiter(f.values(), dtype=np.float64, count=len(f))
            Z[r] = val @ self.W[idx] + self.b
        return _softmax(Z)

    def predict(self, texts: Sequence[str], multi: Sequence[bool] | None = None
                ) -> list[tuple[str, float]]:
        P = self.predict_proba(texts, multi)
        best = P.argmax(axis=1)
        return [(self.classes[j], float(P[i, j])) for i, j in enumerate(best)]


def _one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1)


def _softmax(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


# (file, sample weight): hand-written prompts count fully; the generator sample is down-weighted so
# its template style does not crowd out other phrasings.
TRAINING_FILES = (("data/autotag_train.jsonl", 1.0), ("data/autotag_generated.jsonl", GEN_WEIGHT))


def _shipped_training() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name, weight in TRAINING_FILES:
        text = resources.files("prefcraft.analysis").joinpath(name).read_text(encoding="utf-8")
        rows += [{**json.loads(line), "weight": weight} for line in text.splitlines() if line.strip()]
    return rows


def training_examples(tax: Taxonomy, *, with_multi: bool = False) -> list[tuple]:
    """(prompt, category id) pairs — ``(prompt, category, multi_turn)`` with ``with_multi`` —
    from the taxonomy's examples plus the shipped labelled sets (hand-written, and a sample of
    ``prefcraft build`` prompts, whose multi-turn ones keep only the last user turn).

    Shipped rows whose category the taxonomy cannot resolve are dropped (a custom taxonomy keeps
    only what maps onto it)."""
    out = _weighted_examples(tax)
    return [(t, c, m) for t, c, m, _ in out] if with_multi else [(t, c) for t, c, _, _ in out]


def _weighted_examples(tax: Taxonomy) -> list[tuple[str, str, bool, float]]:
    out: list[tuple[str, str, bool, float]] = []
    for cat in tax.categories:
        out += [(e.prompt, cat.id, False, 1.0) for e in cat.all_examples()]
    for row in _shipped_training():
        cid = tax.resolve_category(row["category"])
        if cid is not None:
            out.append((row["prompt"], cid, bool(row.get("multi_turn", False)), row["weight"]))
    return out


@functools.lru_cache(maxsize=4)
def _tagger_for(key: str, tax: Taxonomy) -> AutoTagger | None:
    data = _weighted_examples(tax)
    classes = [c for c in tax.category_ids if any(lab == c for _, lab, _, _ in data)]
    if len(classes) < 2:
        return None
    return AutoTagger.train([d[0] for d in data], [d[1] for d in data], classes,
                            multi=[d[2] for d in data], weights=[d[3] for d in data])


def get_tagger(tax: Taxonomy | None = None) -> AutoTagger:
    """The tagger for ``tax`` (trained once per taxonomy). It can only suggest categories that
    have training prompts: the taxonomy's examples or shipped rows whose category resolves."""
    tax = tax or load_taxonomy()
    tagger = _tagger_for(f"{tax.source}:{id(tax)}", tax)
    if tagger is None:
        from prefcraft.errors import InputError

        raise InputError(
            f"{tax.source}: cannot suggest categories — fewer than two categories have example "
            f"prompts to learn from; add 'examples:' to your categories (or aliases that map them "
            f"onto the built-in ones: {', '.join(load_taxonomy().category_ids)})", path=tax.source)
    return tagger


def suggest(ds: Any, rows: Iterable[int], tax: Taxonomy | None = None, *,
            prompts: Sequence[str] | None = None, embed: bool = False) -> list[dict[str, Any]]:
    """``[{"row", "category", "confidence", "markers", "prompt"}]`` for the given rows (0-based
    positions; ``prompt`` is the last user message, shortened to 200 characters). With ``embed``
    (embed extra) the n-gram probabilities are blended with the MiniLM head's."""
    rows = list(rows)
    if not rows:
        return []
    tax = tax or load_taxonomy()
    if prompts is None:
        prompts = ds.prompt_text().fill_null("").to_list()
    multi = _multi_turn_flags(ds, rows)
    texts = [prompts[i] for i in rows]
    tagger = get_tagger(tax)
    P = tagger.predict_proba(texts, multi)
    if embed:
        from prefcraft.analysis.autotag_embed import EMBED_WEIGHT, head_proba

        Pe = head_proba(texts, tagger.classes)
        if Pe is not None:
            P = (1 - EMBED_WEIGHT) * P + EMBED_WEIGHT * Pe
    best = P.argmax(axis=1)
    preds = [(tagger.classes[j], float(P[i, j])) for i, j in enumerate(best)]
    return [{"row": r, "category": c, "confidence": round(p, 4), "markers": markers(t),
             "prompt": t if len(t) <= 200 else t[:197] + "…"}
            for r, (c, p), t in zip(rows, preds, texts)]


def _multi_turn_flags(ds: Any, rows: list[int]) -> list[bool]:
    try:
        import polars as pl

        users = ds.frame.select(
            pl.col("prompt").list.eval(pl.element().struct.field("role") == "user").list.sum()
        ).to_series().to_list()
        return [bool((users[i] or 0) > 1) for i in rows]
    except Exception:  # noqa: BLE001 - no frame (plain list input): treat as single-turn
        return [False] * len(rows)


def tag_texts(texts: Sequence[str], tax: Taxonomy | None = None, *,
              embed: bool = False) -> list[tuple[str, float]]:
    """Classify bare prompt strings (single-turn): ``[(category, confidence)]``."""
    texts = list(texts)
    tagger = get_tagger(tax)
    if not embed:
        return tagger.predict(texts)
    from prefcraft.analysis.autotag_embed import EMBED_WEIGHT, head_proba

    P = tagger.predict_proba(texts)
    Pe = head_proba(texts, tagger.classes) if texts else None
    if Pe is not None:
        P = (1 - EMBED_WEIGHT) * P + EMBED_WEIGHT * Pe
    return [(tagger.classes[j], float(P[i, j])) for i, j in enumerate(P.argmax(axis=1))]
