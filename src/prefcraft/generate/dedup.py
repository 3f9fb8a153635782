"""Near-duplicate detection for generated prompts: character-shingle MinHash with LSH banding.

Adding a text is O(bands) bucket look-ups plus an exact Jaccard check against the few candidates
that share a bucket, so building 10,000 prompts never compares every pair.
"""

from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np

_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_MERSENNE = np.uint64((1 << 61) - 1)


def normalise(text: str) -> str:
    """Lowercase, drop punctuation (apostrophes too), collapse whitespace."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


def shingles(text: str, k: int = 5) -> set[int]:
    norm = normalise(text)
    data = norm.encode()
    if len(data) <= k:
        return {zlib.crc32(data)}
    crc = zlib.crc32
    return {crc(data[i:i + k]) for i in range(len(data) - k + 1)}


# Content words as `prefcraft validate`'s near-duplicate-prompt check sees them (stop words dropped,
# -ing/-ed/-es/-s stripped), so the generator never ships what the validator would flag.
STOPWORDS = frozenset((
    "a an the to of and or for in on at by with from as is are was were be been it its this that these those "
    "i me my we our you your he him his she her they them their can could would will should do does did "
    "please just so if then than but about into up out any some all what how when where which who"
).split())
_SUFFIX = re.compile(r"(?:ing|ed|es|s)$")


def content_words(text: str) -> set[int]:
    words = normalise(text).split()
    return {zlib.crc32(_SUFFIX.sub("", w).encode()) for w in words if w and w not in STOPWORDS} or {0}


def jaccard(a: set[int], b: set[int]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


class NearDupIndex:
    """Keeps texts; ``add`` refuses a text whose shingle Jaccard with a kept one reaches ``threshold``.

    ``threshold`` 0.5 on 5-character shingles catches a light paraphrase or a word or two changed
    (see docs/generate.md for the measurements behind it).
    """

    def __init__(self, threshold: float = 0.5, num_perm: int = 32, bands: int = 16, k: int = 5,
                 tokens=None) -> None:
        if num_perm % bands:
            raise ValueError(f"num_perm ({num_perm}) must be a multiple of bands ({bands})")
        self.threshold = threshold
        self.k = k
        self._tokens = tokens or (lambda text: shingles(text, k))
        self.bands = bands
        self.rows = num_perm // bands
        seed = int.from_bytes(hashlib.sha256(b"prefcraft-minhash").digest()[:8], "little")
        gen = np.random.default_rng(seed)
        self._a = gen.integers(1, int(_MERSENNE), size=num_perm, dtype=np.uint64)
        self._b = gen.integers(0, int(_MERSENNE), size=num_perm, dtype=np.uint64)
        self._buckets: list[dict[bytes, list[int]]] = [{} for _ in range(bands)]
        self._sets: list[set[int]] = []
        self._sig_store = np.zeros((64, num_perm), dtype=np.uint64)
        self._exact: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._sets)

    def _signature(self, sh: set[int]) -> np.ndarray:
        values = np.fromiter(sh, dtype=np.uint64, count=len(sh))
        # (a*x + b) wraps modulo 2**64 before the modulo p: still a fixed, stable hash family.
        hashed = (values[:, None] * self._a[None, :] + self._b[None, :]) % _MERSENNE
        return hashed.min(axis=0)

    def probe(self, text: str) -> tuple[str, set[int], np.ndarray, list[bytes]]:
        """Everything a look-up and an insert need, computed once: (normalised text, tokens,
        MinHash signature, band keys)."""
        sh = self._tokens(text)
        sig = self._signature(sh)
        keys = [sig[b * self.rows:(b + 1) * self.rows].tobytes() for b in range(self.bands)]
        return normalise(text), sh, sig, keys

    def find(self, text, threshold: float | None = None, *, first: bool = False) -> tuple[int | None, float]:
        """Return (index of the most similar kept text at or above the threshold, its Jaccard).

        ``text`` is a string or a :meth:`probe`. Candidates come from the LSH buckets; their MinHash
        agreement screens out the clearly dissimilar ones (estimate more than 0.25 below the
        threshold) before the exact Jaccard. With ``first`` the first match is returned.
        """
        threshold = self.threshold if threshold is None else threshold
        norm, sh, sig, keys = self.probe(text) if isinstance(text, str) else text
        same = self._exact.get(norm)
        if same is not None and self._sets[same] == sh:
            return same, 1.0
        cand: set[int] = set()
        for band, key in enumerate(keys):
            cand.update(self._buckets[band].get(key, ()))
        if not cand:
            return None, 0.0
        idx = np.fromiter(cand, dtype=np.int64, count=len(cand))
        est = (self._sig_store[idx] == sig[None, :]).mean(axis=1)
        order = np.argsort(-est)
        best, best_j = None, 0.0
        for k in order:
            if est[k] < threshold - 0.25:
                break
            i = int(idx[k])
            j = jaccard(sh, self._sets[i])
            if j >= threshold and j > best_j:
                best, best_j = i, j
                if first:
                    break
        return best, best_j

    def insert(self, probe: tuple[str, set[int], np.ndarray, list[bytes]]) -> int:
        """Keep a probed text unconditionally; return its index."""
        norm, sh, sig, keys = probe
        idx = len(self._sets)
        if idx >= len(self._sig_store):
            grown = np.zeros((max(64, 2 * len(self._sig_store)), self._sig_store.shape[1]), dtype=np.uint64)
            grown[:idx] = self._sig_store[:idx]
            self._sig_store = grown
        self._sig_store[idx] = sig
        self._sets.append(sh)
        self._exact.setdefault(norm, idx)
        for band, key in enumerate(keys):
            self._buckets[band].setdefault(key, []).append(idx)
        return idx

    def add(self, text: str, threshold: float | None = None) -> bool:
        """Keep ``text`` unless it nearly duplicates a kept one; return whether it was kept.

        A looser ``threshold`` than the index's (say 0.85) only refuses closer copies; LSH candidates
        are tuned for the index's own threshold, so they include every pair above a looser one."""
        pr = self.probe(text)
        if self.find(pr, threshold, first=True)[0] is not None:
            return False
        self.insert(pr)
        return True


def near_duplicate_pairs(texts: list[str], threshold: float = 0.5) -> list[tuple[int, int, float]]:
    """All (i, j, jaccard) with i < j at or above ``threshold`` (LSH candidates, exact check)."""
    index = NearDupIndex(threshold=threshold)
    found: list[tuple[int, int, float]] = []
    kept_to_pos: list[int] = []
    for pos, text in enumerate(texts):
        pr = index.probe(text)
        dup, j = index.find(pr)
        if dup is not None:
            found.append((kept_to_pos[dup], pos, j))
            continue
        index.insert(pr)
        kept_to_pos.append(pos)
    return found
