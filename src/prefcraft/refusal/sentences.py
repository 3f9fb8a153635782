"""Sentence roles: which part of a graceful refusal each sentence of a response plays.

A response is split into sentences and clauses (at ``. ! ?``, dashes, semicolons, colons, line breaks and
", but"), each clause becomes a bag of features — its words, its word pairs, its first one and two
words and whether it ends with a question mark — and a multinomial linear model (weights in ``sentence_model.npz``, trained by
``scripts/train_sentence_model.py`` on ``tests/data/refusal/sentences.jsonl``, sentences the project wrote
itself) gives the probability of each role in :data:`ROLES`. :func:`role_probs` returns, per response, the
highest probability of each role over its clauses: the rubric (:mod:`prefcraft.refusal.rubric`) reads it
beside its phrase cues, so a part said in words no cue lists ("Only Jenna can receive her reset link") is
still seen.

Everything is vectorised (polars splits and tokenises; features are 64-bit word-hash combinations looked up
in the sorted, equally hashed vocabulary; ``np.bincount`` sums the weights); batches of at most
:data:`SMALL_BATCH` responses take an equivalent pure-Python path (a test holds the two to the same numbers).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np
import polars as pl

__all__ = ["ROLES", "MODEL_FILE", "analyse", "bag_features", "clauses", "text_features", "clause_probs", "clause_spans", "role_probs",
           "load_model"]

ROLES: tuple[str, ...] = (
    "acknowledgment", "boundary", "reason", "alternative", "engagement", "lecture", "apology", "robotic",
    "vague_boundary", "policy", "generic_offer", "compliance", "clarifying_question", "other",
)
MODEL_FILE = "sentence_model.npz"
SMALL_BATCH = 16
MAX_CHARS = 4000  # only the start of a very long response is read

_QUOTES = r"[\u2018\u2019\u201b\u0060\u00b4]"
# clause boundaries: sentence ends, dashes, semicolons, colons, line breaks, ", but …"
SPLIT = (r"(?:(?P<q>[.!?]+)[\"')\]]*(?:\s+|$)|\s+[\u2014\u2013-]+\s+|\s*[\u2014\u2013]\s*|;\s+|:\s+|\n+|"
         r",\s+(?:but|though|although|so|instead)\s+)")
WORD = r"[a-z0-9][a-z0-9']*"
_SEP = "\x1f"


def _normalise(col: pl.Expr) -> pl.Expr:
    return col.fill_null("").str.slice(0, MAX_CHARS).str.to_lowercase().str.replace_all(_QUOTES, "'")


def clauses(texts: Sequence[str]) -> pl.DataFrame:
    """``(doc, clause)`` rows, in order, for every clause with at least one word."""
    df = pl.DataFrame({"t": list(texts)}, schema={"t": pl.Utf8}).with_row_index("doc")
    out = (df.select(pl.col("doc"), _normalise(pl.col("t")).str.replace_all(SPLIT, "${q}" + _SEP).str.split(_SEP)
                     .alias("c"))
           .explode("c")
           .with_columns(pl.col("c").str.strip_chars())
           .filter(pl.col("c").str.contains(WORD)))
    return out


# ------------------------------------------------------------------------------------------------ Python twin
_PY_QUOTES = re.compile(_QUOTES)
_PY_SPLIT = re.compile(SPLIT)
_PY_WORD = re.compile(WORD)


def text_features(clause: str) -> list[str]:
    """The features of one clause (already split): ``w:`` words, ``b:`` word pairs, ``s:``/``s2:`` the first
    one/two words, ``q:?`` a closing question mark. The vectorised path computes the same set as hashed keys."""
    w = _PY_WORD.findall(_PY_QUOTES.sub("'", (clause or "")[:MAX_CHARS].lower()).strip())
    if not w:
        return []
    f = {"w:" + x for x in w} | {f"b:{a} {b}" for a, b in zip(w, w[1:])} | {"s:" + w[0]}
    if len(w) > 1:
        f.add(f"s2:{w[0]} {w[1]}")
    if clause.strip().endswith("?"):
        f.add("q:?")
    return sorted(f)


def _py_clause_features(texts: Sequence[str]) -> tuple[list[int], list[list[str]]]:
    docs, feats = [], []
    for d, text in enumerate(texts):
        norm = _PY_QUOTES.sub("'", (text or "")[:MAX_CHARS].lower())
        for c in _PY_SPLIT.sub(lambda m: (m.group("q") or "") + _SEP, norm).split(_SEP):
            f = text_features(c)
            if f:
                docs.append(d)
                feats.append(f)
    return docs, feats


# ------------------------------------------------------------------------------------------------ model
@lru_cache(maxsize=1)
def load_model() -> dict:
    raw = resources.files("prefcraft.refusal").joinpath(MODEL_FILE).read_bytes()
    with np.load(io.BytesIO(raw), allow_pickle=False) as z:
        roles = tuple(str(r) for r in z["roles"])
        if roles != ROLES:  # pragma: no cover - guards a stale weights file
            raise RuntimeError(f"{MODEL_FILE} has roles {roles}; retrain with scripts/train_sentence_model.py")
        vocab = [str(v) for v in z["vocab"]]
        return {"vocab": vocab, "index": {v: i for i, v in enumerate(vocab)},
                "W": z["W"].astype(np.float32), "b": z["b"].astype(np.float32)}


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# Feature keys of the vectorised path: 64-bit word hashes (polars ``hash``, consistent within a process)
# combined arithmetically, so no feature string is built per clause; the vocabulary is keyed the same way
# when the model loads.
_K_BI, _K_S, _K_S2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9)
_KEY_Q = np.uint64(0x27D4EB2F165667C5)


def _word_hashes(words: pl.Series) -> np.ndarray:
    return words.hash(seed=11).to_numpy().astype(np.uint64)


def _bi(a: np.ndarray, b: np.ndarray, k: np.uint64) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (a * k) ^ (b + np.uint64(0x632BE59BD9B4E019))


def _vocab_keys(vocab: Sequence[str]) -> np.ndarray:
    kind = [v.split(":", 1)[0] for v in vocab]
    body = [v.split(":", 1)[1] for v in vocab]
    first = [b.split(" ")[0] for b in body]
    second = [b.split(" ")[1] if " " in b else "" for b in body]
    h1 = _word_hashes(pl.Series(first, dtype=pl.Utf8))
    h2 = _word_hashes(pl.Series(second, dtype=pl.Utf8))
    keys = np.empty(len(vocab), dtype=np.uint64)
    for k, (name, a) in enumerate(zip(kind, h1)):
        if name == "w":
            keys[k] = a
        elif name == "b":
            keys[k] = _bi(a, h2[k], _K_BI)
        elif name == "s":
            keys[k] = _bi(a, np.uint64(0), _K_S)
        elif name == "s2":
            keys[k] = _bi(a, h2[k], _K_S2)
        else:  # "q:?"
            keys[k] = _KEY_Q
    return keys


def _lookup(model: dict) -> tuple[np.ndarray, np.ndarray]:
    """(sorted vocabulary keys, vocabulary index of each), computed once per model."""
    if "_keys" not in model:
        keys = _vocab_keys(model["vocab"])
        order = np.argsort(keys)
        model["_keys"] = (keys[order], order.astype(np.int64))
    return model["_keys"]


def _clause_keys(frame: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(clause id, feature key)`` for every feature occurrence of every clause of :func:`clauses`."""
    words = frame.select(pl.col("c").str.extract_all(WORD).alias("w")).with_row_index("cid").explode("w")
    words = words.drop_nulls("w")
    cid = words["cid"].to_numpy().astype(np.int64)
    h = _word_hashes(words["w"])
    same = np.zeros(len(cid), dtype=bool)
    same[1:] = cid[1:] == cid[:-1]  # word k continues the clause of word k-1
    start = ~same
    nxt = np.flatnonzero(same)  # positions whose previous word is in the same clause
    starts = np.flatnonzero(start)
    second = starts + 1
    has_second = second < len(cid)
    has_second[has_second] = same[second[has_second]]
    q = np.flatnonzero(frame["c"].str.ends_with("?").to_numpy())
    cids = [cid, cid[nxt], cid[starts], cid[starts[has_second]], q.astype(np.int64)]
    keys = [h, _bi(h[nxt - 1], h[nxt], _K_BI), _bi(h[starts], np.uint64(0), _K_S),
            _bi(h[starts[has_second]], h[second[has_second]], _K_S2), np.full(len(q), _KEY_Q, dtype=np.uint64)]
    return np.concatenate(cids), np.concatenate(keys)


def _hits(model: dict, cid: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``(row id, vocabulary index)`` pairs of the feature keys found in ``model``'s vocabulary."""
    vkeys, vidx = _lookup(model)
    nv = max(len(vkeys), 1)
    pos = np.searchsorted(vkeys, key)
    pos[pos == len(vkeys)] = 0
    hit = vkeys[pos] == key if len(vkeys) else np.zeros(len(key), dtype=bool)
    pair = cid[hit] * nv + vidx[pos[hit]]
    pair.sort()
    if len(pair) > 1:
        pair = pair[np.concatenate(([True], pair[1:] != pair[:-1]))]  # a feature counts once per row
    return pair // nv, pair % nv


def _scores(rows: np.ndarray, idx: np.ndarray, W: np.ndarray, n: int) -> np.ndarray:
    out = np.empty((n, W.shape[1]), dtype=np.float64)
    for k in range(W.shape[1]):
        out[:, k] = np.bincount(rows, weights=W[idx, k], minlength=n)
    return out


def _clause_scores(docs: np.ndarray, feats: list[list[str]] | None, frame_keys: tuple | None,
                   model: dict) -> np.ndarray:
    """Clause-role logits (clauses × ROLES) from either path's clause features."""
    W, b = model["W"], model["b"]
    if feats is not None:
        z = np.tile(b, (len(feats), 1)).astype(np.float64)
        index = model["index"]
        for k, fs in enumerate(feats):
            idx = [index[f] for f in fs if f in index]
            if idx:
                z[k] += W[idx].sum(axis=0)
        return z
    cid, key = frame_keys
    rows, idx = _hits(model, cid, key)
    return _scores(rows, idx, W, len(docs)) + b


def _encode(texts: Sequence[str]) -> tuple[np.ndarray, list[list[str]] | None, tuple | None]:
    """``(doc per clause, feature strings per clause | None, (clause id, key) arrays | None)``: the Python
    path for small batches, the vectorised one otherwise."""
    if len(texts) <= SMALL_BATCH:
        docs, feats = _py_clause_features(texts)
        return np.asarray(docs, dtype=np.int64), feats, None
    frame = clauses(texts)
    return frame["doc"].to_numpy().astype(np.int64), None, _clause_keys(frame)


def clause_probs(texts: Sequence[str], model: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(doc per clause, probability matrix clauses × ROLES)``."""
    docs, feats, keys = _encode(texts)
    return docs, _softmax(_clause_scores(docs, feats, keys, model or load_model()))


def _max_per_doc(docs: np.ndarray, probs: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros((n, probs.shape[1]), dtype=np.float64)
    if len(docs):  # clauses come in document order: one reduceat per document's run of clauses
        starts = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
        out[docs[starts]] = np.maximum.reduceat(probs, starts, axis=0)
    return out


# Function words kept out of the kind model's bag as single words (they stay inside word pairs): alone they
# only carry the quirks of the training writers ("is", "that" and "a" had learned to mean "refusal").
# Negations and modals (not, no, won't, can't) are not in the list.
BAG_STOPWORDS = frozenset("""a an the is are was were be been am and or of to in on for at with it its this that
these those here there as by from i you he she we they me him her us them my your his our their""".split())


def bag_features(texts: Sequence[str]) -> list[list[str]]:
    """Per response, the distinct clause features over all its clauses, less single function words (the
    training script builds the kind model's vocabulary from these; :func:`analyse` scores only vocabulary
    entries, so both paths read the same set)."""
    docs, feats = _py_clause_features(texts)
    out: list[set[str]] = [set() for _ in texts]
    for d, f in zip(docs, feats):
        out[d].update(f)
    return [sorted(x for x in s if not (x.startswith("w:") and x[2:] in BAG_STOPWORDS)) for s in out]


def analyse(texts: Sequence[str], bag: dict | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """One pass over the clauses of ``texts``: the per-response role probabilities of :func:`role_probs` and,
    when ``bag`` (a model dict with ``vocab`` and ``W``) is given, its bag-of-clause-features scores:
    per response, the sum of the ``W`` rows of its distinct features in ``bag``'s vocabulary, divided by
    the square root of their number (an L2-normalised binary bag times ``W``)."""
    n = len(texts)
    docs, feats, keys = _encode(texts)
    roles = _max_per_doc(docs, _softmax(_clause_scores(docs, feats, keys, load_model())), n)
    if bag is None:
        return roles, None
    W = bag["W"]
    if feats is not None:
        index = bag["index"]
        seen: list[set[int]] = [set() for _ in range(n)]
        for d, fs in zip(docs.tolist(), feats):
            seen[d].update(index[f] for f in fs if f in index)
        scores = np.zeros((n, W.shape[1]), dtype=np.float64)
        for d, idx in enumerate(seen):
            if idx:
                scores[d] = W[sorted(idx)].sum(axis=0) / np.sqrt(len(idx))
        return roles, scores
    cid, key = keys
    rows, idx = _hits(bag, docs[cid], key)
    count = np.bincount(rows, minlength=n)
    return roles, _scores(rows, idx, W, n) / np.sqrt(np.maximum(count, 1))[:, None]


def clause_spans(text: str, model: dict | None = None) -> list[tuple[int, int, np.ndarray]]:
    """``(start, end, role probabilities)`` for every clause of one response, with offsets into ``text``
    (what ``--explain`` shows for parts found by the clause model rather than by a phrase cue)."""
    model = model or load_model()
    text = text or ""
    head = _PY_QUOTES.sub("'", text[:MAX_CHARS])  # same length as the original: offsets carry over
    bounds, pos = [], 0
    for m in re.finditer(SPLIT, head, flags=re.IGNORECASE):
        end = m.start() + len(m.group("q") or "")
        bounds.append((pos, end))
        pos = m.end()
    bounds.append((pos, len(head)))
    out = []
    index, W, b = model["index"], model["W"], model["b"]
    for lo, hi in bounds:
        seg = head[lo:hi]
        feats = text_features(seg.lower())
        if not feats:
            continue
        lo += len(seg) - len(seg.lstrip())
        hi -= len(seg) - len(seg.rstrip())
        z = b + W[[index[f] for f in feats if f in index]].sum(axis=0)
        out.append((lo, hi, _softmax(z[None, :].astype(np.float64))[0]))
    return out


def role_probs(texts: Sequence[str], model: dict | None = None) -> np.ndarray:
    """Per response, the highest probability of each role over its clauses (``len(texts) × ROLES``;
    zeros for a response without words)."""
    docs, probs = clause_probs(texts, model)
    return _max_per_doc(docs, probs, len(texts))
