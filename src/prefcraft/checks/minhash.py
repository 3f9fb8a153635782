"""Near-duplicate prompts at scale: numpy MinHash over hashed content words, with LSH banding.

Tokens are the normalised prompt's words minus a short stop-word list, as a set. Signatures use
``NUM_PERM`` universal hashes ``(a*h + b) mod 2**32`` applied to 32-bit token hashes, reduced per row
(padded blocks, see :func:`signatures`); ``BANDS`` bands of ``ROWS``
values each select candidate pairs; the signatures' agreement screens the candidates and the survivors
are verified with the exact Jaccard similarity of the two token sets (so precision is exact; recall is
the banding's, see docs/validate.md).
"""

from __future__ import annotations

import numpy as np
import polars as pl

__all__ = ["NUM_PERM", "BANDS", "ROWS", "STOPWORDS", "token_lists", "signatures", "candidate_pairs",
           "signature_agreement", "near_duplicates", "cross_near_duplicates"]

NUM_PERM = 40
BANDS = 8
ROWS = 5
STOPWORDS = (
    "a an the to of and or for in on at by with from as is are was were be been it its this that these those "
    "i me my we our you your he him his she her they them their can could would will should do does did "
    "please just so if then than but about into up out any some all what how when where which who"
).split()
_MAX_BUCKET_PAIRS = 64
_CHUNK = 500_000  # members of one bucket compared with the first and with their predecessor only


_TOKEN_CHUNK = 200_000  # rows split at a time: the split words of 1M prompts would cost ~0.9 GB at once


def token_lists(norm: pl.Series) -> pl.Series:
    """Per row: the unique 32-bit hashes of its content words (a list column)."""
    w = pl.element()
    expr = pl.col("t").str.split(" ").list.eval(
        ((w.filter((w.str.len_bytes() > 0) & ~w.is_in(STOPWORDS)).hash(seed=7)) & 0xFFFFFFFF)
        .cast(pl.UInt32).unique()).alias("h")
    parts = [pl.DataFrame({"t": norm.slice(k, _TOKEN_CHUNK)}).select(expr).get_column("h")
             for k in range(0, max(len(norm), 1), _TOKEN_CHUNK)]
    return pl.concat(parts).rechunk()


def signatures(tokens: pl.Series, num_perm: int = NUM_PERM, seed: int = 1,
               block: int = 1 << 18) -> tuple[np.ndarray, np.ndarray]:
    """``(rows with tokens, signature matrix uint32[rows, num_perm])``.

    Rows are grouped by token count into power-of-two widths and laid out as ``(width, rows)`` blocks of
    about ``block`` values, padded by repeating a row's last token (a repeat cannot change a minimum), so
    each permutation is three flat SIMD passes and a column-wise ``minimum.reduce`` (~1.7x faster than
    ``minimum.reduceat`` over the ragged token list).
    """
    lens = tokens.list.len().to_numpy().astype(np.int64)
    has = np.flatnonzero(lens > 0)
    flat = tokens.explode().drop_nulls().to_numpy().astype(np.uint32)
    rng = np.random.default_rng(seed)
    a = (rng.integers(1, 2**31, size=num_perm, dtype=np.uint64) * 2 + 1).astype(np.uint32)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    sig_t = np.empty((num_perm, len(has)), dtype=np.uint32)
    if len(has) == 0:
        return has, sig_t.T
    counts = lens[has]
    starts = np.cumsum(counts) - counts
    width = np.maximum(8, 2 ** np.ceil(np.log2(counts)).astype(np.int64))
    for w in np.unique(width):
        rows = np.flatnonzero(width == w)
        step = max(1, block // int(w))
        for c0 in range(0, len(rows), step):
            rr = rows[c0:c0 + step]
            tok = flat[starts[rr][None, :] + np.minimum(np.arange(w)[:, None], counts[rr][None, :] - 1)]
            buf, out = np.empty_like(tok), np.empty(len(rr), dtype=np.uint32)
            for k in range(num_perm):
                np.multiply(tok, a[k], out=buf)
                np.add(buf, b[k], out=buf)  # odd a: a bijection of uint32, i.e. a random-ish permutation
                np.minimum.reduce(buf, axis=0, out=out)
                sig_t[k, rr] = out
    return has, np.ascontiguousarray(sig_t.T)


def _band_keys(sig: np.ndarray, band: int, rows: int) -> np.ndarray:
    cols = sig[:, band * rows:(band + 1) * rows].astype(np.uint64)
    key = np.full(len(sig), 1469598103934665603, dtype=np.uint64)
    for j in range(cols.shape[1]):
        key = (key ^ cols[:, j]) * np.uint64(1099511628211)
    return key


def candidate_pairs(sig: np.ndarray, bands: int = BANDS, rows: int = ROWS, first_pairs: bool | None = None) -> np.ndarray:
    """Unique ``(i, j)`` position pairs (``i < j``) sharing at least one band: neighbours in each bucket
    (in input order) and, below 200k rows, each member with its bucket's first member as well."""
    if first_pairs is None:
        first_pairs = len(sig) < 200_000
    out = []
    for band in range(bands):
        key = _band_keys(sig, band, rows)
        order = np.argsort(key)  # bucket order does not matter: pairs are re-sorted and verified below
        k = key[order]
        same = k[1:] == k[:-1]
        if not same.any():
            continue
        # consecutive members of a bucket, and each member with its bucket's first member
        idx = np.flatnonzero(same)
        out.append(np.stack([order[idx], order[idx + 1]], axis=1))
        if first_pairs:
            starts = np.flatnonzero(np.concatenate(([True], ~same)))
            bucket = np.cumsum(np.concatenate(([True], ~same))) - 1
            first = order[starts[bucket]]
            rank = np.arange(len(k)) - starts[bucket]
            sel = (rank >= 2) & (rank <= _MAX_BUCKET_PAIRS)
            if sel.any():
                out.append(np.stack([first[sel], order[sel]], axis=1))
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(out).astype(np.int64)
    lo, hi = pairs.min(axis=1), pairs.max(axis=1)
    n = np.int64(len(sig))
    keys = _sorted_unique(lo * n + hi)  # 1-D keys: much faster than unique(axis=0)
    return np.stack([keys // n, keys % n], axis=1)


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    """``np.unique`` for int64 keys, by an in-place sort (numpy 2's hash-based unique is ~50x slower here)."""
    keys.sort()
    if len(keys) < 2:
        return keys
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))]


def signature_agreement(sig: np.ndarray, pairs: np.ndarray, chunk: int = 1 << 18) -> np.ndarray:
    """Per pair (positions into ``sig``), the fraction of equal MinHash values: an unbiased estimate of
    the Jaccard similarity, about 0.08 standard deviation at 40 permutations."""
    eq = np.zeros(len(pairs), dtype=np.float32)
    for k in range(0, len(pairs), chunk):
        pp = pairs[k:k + chunk]
        eq[k:k + len(pp)] = np.count_nonzero(sig[pp[:, 0]] == sig[pp[:, 1]], axis=1)
    return eq / max(sig.shape[1], 1)


# Candidates whose MinHash estimate is this far below the threshold are dropped before the exact check
# (two standard deviations of the 40-permutation estimate: a pair exactly at the threshold survives with
# probability ~0.97, one 0.1 above it > 0.999 — banding itself finds a pair at J = 0.6 only about half the
# time; measured recall on planted near-duplicates is printed by benchmarks/validate_speed.py).
ESTIMATE_MARGIN = 0.15


def _verify(tokens: pl.Series, has: np.ndarray, sig: np.ndarray, pairs: np.ndarray,
            threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs (positions into ``sig``) → (row-position pairs, exact Jaccard) at or above the
    threshold: the cheap signature estimate screens, the exact similarity of the token sets decides."""
    if len(pairs) and threshold > 0:
        pairs = pairs[signature_agreement(sig, pairs) >= threshold - ESTIMATE_MARGIN]
    pairs = has[pairs]
    sims = _jaccard(tokens, pairs, tokens.list.len().to_numpy(), threshold)
    keep = sims >= threshold
    return pairs[keep], sims[keep]


def _jaccard(tokens: pl.Series, pairs: np.ndarray, lens: np.ndarray | None = None,
             threshold: float = 0.0) -> np.ndarray:
    if len(pairs) == 0:
        return np.empty(0)
    if lens is not None and threshold > 0:
        # |A & B| / |A | B| <= min/max of the sizes: skip pairs that cannot reach the threshold
        a_n, b_n = lens[pairs[:, 0]], lens[pairs[:, 1]]
        ok = np.minimum(a_n, b_n) >= threshold * np.maximum(a_n, b_n)
        out = np.zeros(len(pairs))
        if ok.any():
            out[ok] = _jaccard(tokens, pairs[ok])
        return out
    if len(pairs) > _CHUNK:  # bounded memory: the gathered token lists of 500k pairs at a time
        return np.concatenate([_jaccard(tokens, pairs[k:k + _CHUNK]) for k in range(0, len(pairs), _CHUNK)])
    a = tokens.gather(pl.Series(pairs[:, 0]))
    b = tokens.gather(pl.Series(pairs[:, 1]))
    df = pl.DataFrame({"a": a, "b": b})
    j = df.select(pl.col("a").list.set_intersection(pl.col("b")).list.len().cast(pl.Float64)
                  / pl.col("a").list.set_union(pl.col("b")).list.len()).to_series()
    return j.fill_null(0.0).to_numpy()


def near_duplicates(norm: pl.Series, threshold: float = 0.6, exclude: np.ndarray | None = None):
    """``[(later, earlier, similarity)]``: each later position with its earliest near-duplicate.

    ``exclude``: positions never reported (exact duplicates, reported elsewhere).
    """
    tokens = token_lists(norm)
    has, sig = signatures(tokens)
    pairs = candidate_pairs(sig)
    if len(pairs) == 0:
        return []
    pairs, sims = _verify(tokens, has, sig, pairs, threshold)
    if exclude is not None and len(exclude):
        ex = np.zeros(len(norm), dtype=bool)
        ex[exclude] = True
        keep = ~ex[pairs[:, 1]]
        pairs, sims = pairs[keep], sims[keep]
    # earliest partner per later row
    order = np.lexsort((pairs[:, 0], pairs[:, 1]))
    pairs, sims = pairs[order], sims[order]
    firsts = np.concatenate(([True], pairs[1:, 1] != pairs[:-1, 1])) if len(pairs) else np.array([], bool)
    return [(int(p[1]), int(p[0]), float(s)) for p, s in zip(pairs[firsts], sims[firsts])]


def cross_near_duplicates(norm: pl.Series, other: pl.Series, threshold: float = 0.6):
    """``[(position in norm, position in other, similarity)]``: best cross-file match per row."""
    both = pl.concat([norm, other])
    n = len(norm)
    tokens = token_lists(both)
    has, sig = signatures(tokens)
    pairs = candidate_pairs(sig)
    if len(pairs) == 0:
        return []
    pairs = pairs[(has[pairs[:, 0]] < n) & (has[pairs[:, 1]] >= n)]
    pairs, sims = _verify(tokens, has, sig, pairs, threshold)
    best: dict[int, tuple[int, float]] = {}
    for (i, j), s in zip(pairs.tolist(), sims.tolist()):
        if i not in best or s > best[i][1]:
            best[i] = (j - n, s)
    return [(i, j, s) for i, (j, s) in sorted(best.items())]
