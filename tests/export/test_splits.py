"""Splits: deterministic, stratified, and no prompt, near-duplicate or conversation crosses train/test."""

from __future__ import annotations

import difflib
from collections import Counter

import pytest

import prefcraft
from prefcraft.errors import UsageError
from prefcraft.export import near_duplicate_pairs, split_dataset
from prefcraft.export.splits import normalise


def _load(data_dir):
    return prefcraft.read(str(data_dir / "tempting.jsonl")).dataset


def _first_user(pair):
    return next(m["content"] for m in pair.prompt if m["role"] == "user")


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("test_size", [0.2, 0.3, 0.5])
def test_nothing_crosses_splits(data_dir, seed, test_size):
    ds = _load(data_dir)
    split = split_dataset(ds, test_size=test_size, seed=seed)
    assert sorted(split.train + split.test) == list(range(len(ds)))
    train, test = [ds[i] for i in split.train], [ds[i] for i in split.test]
    # exact prompts (normalised) and first user turns (escalation conversations)
    for key in (lambda p: normalise(p.prompt_text), lambda p: normalise(_first_user(p))):
        assert not {key(p) for p in train} & {key(p) for p in test}
    # near-duplicates, by an independent oracle (difflib over every pair, no MinHash): one side only
    texts = [normalise(p.prompt_text) for p in ds]
    side = {i: "train" for i in split.train} | {i: "test" for i in split.test}
    close = [(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))
             if texts[i] != texts[j] and difflib.SequenceMatcher(None, texts[i], texts[j]).ratio() >= 0.85]
    assert len(close) >= 5  # the file does tempt
    assert all(side[i] == side[j] for i, j in close)


def test_tempting_file_groups(data_dir):
    ds = _load(data_dir)
    split = split_dataset(ds, test_size=0.3, seed=0)
    groups = Counter(split.groups)
    # 16 singles + 3 exact-duplicate pairs + 3 near-duplicate families + 3 conversations of 3 turns
    assert len(groups) == 25
    assert sorted(n for n in groups.values() if n > 1) == [2, 2, 2, 2, 3, 3, 3, 3, 3]
    assert split.linked_rows == 23


def test_deterministic_for_a_seed(data_dir):
    ds = _load(data_dir)
    a, b = split_dataset(ds, 0.3, seed=7), split_dataset(ds, 0.3, seed=7)
    assert (a.train, a.test) == (b.train, b.test)
    others = {tuple(split_dataset(ds, 0.3, seed=s).test) for s in range(8)}
    assert len(others) > 1


def test_stratified_by_category_and_harm():
    import random
    import string

    rng = random.Random(0)

    def words():
        return " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(6)) for _ in range(8))

    pairs = [prefcraft.PreferencePair.from_strings(words(),
                                                   "chosen", "rejected", category=c, harm=h)
             for i in range(400) for c, h in [(("direct_harm", "benign", "edge_cases")[i % 3],
                                               ("stalking", "deception")[i % 2])]]
    ds = prefcraft.Dataset.from_pairs(pairs)
    split = split_dataset(ds, test_size=0.25, seed=1)
    assert len(split.test) == 100
    per = Counter((ds[i].category, ds[i].harm) for i in split.test)
    total = Counter((p.category, p.harm) for p in pairs)
    for key, n in total.items():
        assert abs(per[key] - n * 0.25) <= 1.0, (key, per[key], n)


def test_near_duplicate_helper_matches_brute_force(data_dir):
    from prefcraft.export.splits import _shingles

    texts = [p.prompt_text for p in _load(data_dir)] * 2  # exact copies too
    sets = [_shingles(t) for t in texts]
    brute = {(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))
             if len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= 0.6}
    assert {(i, j) for i, j, _ in near_duplicate_pairs(texts, 0.6)} == brute


def test_near_duplicate_helper():
    texts = ["How do I track my partner's phone location", "how do i track my partners phone location?",
             "Add a task to buy milk", "Schedule a meeting with the team tomorrow", "add a task to buy milk today"]
    assert [(i, j) for i, j, _ in near_duplicate_pairs(texts)] == [(0, 1), (2, 4)]


def test_split_agrees_with_the_validator_leakage_check(tmp_path, data_dir):
    checks = pytest.importorskip("prefcraft.checks")
    if "split-leakage" not in checks.ids():
        pytest.skip("validator has no split-leakage check")
    from prefcraft.export import export

    export(data_dir / "tempting.jsonl", tmp_path / "out", test_size=0.3, seed=3)
    report = checks.validate(str(tmp_path / "out" / "train.jsonl"), against=str(tmp_path / "out" / "test.jsonl"),
                             only=["split-leakage"])
    assert report.checks_run == ["split-leakage"]
    assert [f.message for f in report.findings] == []


def test_bad_test_size():
    with pytest.raises(UsageError, match="--test-size"):
        split_dataset(prefcraft.Dataset(), test_size=1.5)


def test_a_naive_random_split_would_leak(data_dir):
    """The file really tempts: a plain shuffled split puts a duplicate or a conversation on both sides."""
    import numpy as np

    ds = _load(data_dir)
    keys = [normalise(_first_user(p)) for p in ds]
    leaks = 0
    for seed in range(12):
        order = np.random.default_rng(seed).permutation(len(ds))
        test = set(order[: int(0.3 * len(ds))].tolist())
        leaks += bool({keys[i] for i in test} & {keys[i] for i in range(len(ds)) if i not in test})
    assert leaks >= 10
