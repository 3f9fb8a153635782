"""Property tests: read → write → read is the identity; the fast path equals the located path."""

from __future__ import annotations

import hashlib
import string

import orjson
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import prefcraft
from prefcraft.io.readers import build_dataset, iter_raw_records
from prefcraft.model import Dataset, PreferencePair, canonical_json, content_hash

text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40) \
    .filter(lambda s: s.strip() and not s.startswith("["))
label = st.text(string.ascii_lowercase + "_", min_size=1, max_size=12)
message_role = st.sampled_from(["user", "assistant"])


@st.composite
def pairs(draw, fmt, extras=True, scalar_extras=True):
    if fmt == "standard":
        pair = PreferencePair.from_strings(draw(text), draw(text), draw(text))
    else:
        turns = draw(st.integers(0, 2))
        prompt = []
        if draw(st.booleans()):
            prompt.append({"role": "system", "content": draw(text)})
        for _ in range(turns):
            prompt += [{"role": "user", "content": draw(text)}, {"role": "assistant", "content": draw(text)}]
        prompt.append({"role": "user", "content": draw(text)})
        pair = PreferencePair(prompt=prompt, chosen=[{"role": "assistant", "content": draw(text)}],
                              rejected=[{"role": "assistant", "content": draw(text)}])
    pair.category = draw(st.none() | label)
    pair.subcategory = draw(st.none() | label)
    pair.harm = draw(st.none() | label)
    pair.source = draw(st.none() | label)
    pair.tags = draw(st.lists(label, max_size=3))
    pair.metadata = draw(st.dictionaries(label, st.integers(-5, 5) | label, max_size=3))
    if extras:
        value = (st.integers(-100, 100) | label) if scalar_extras else label
        pair.extra = draw(st.dictionaries(st.sampled_from(["id", "note", "score"]), value, max_size=2))
    return pair


def records_of(ds):
    return list(ds.records())


def roundtrip(ds, path, **kw):
    ds.save(str(path), **kw)
    return prefcraft.load(path)


settings.register_profile("io", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile("io")


@given(st.lists(pairs("standard") | pairs("conversational"), min_size=1, max_size=6))
def test_jsonl_and_json_roundtrip(tmp_path_factory, items):
    ds = Dataset.from_pairs(items)
    d = tmp_path_factory.mktemp("rt")
    for name in ("a.jsonl", "a.json"):
        back = roundtrip(ds, d / name)
        assert records_of(back) == records_of(ds)
        assert back.ids() == ds.ids()


@given(st.sampled_from(["standard", "conversational"]).flatmap(lambda f: st.lists(pairs(f, scalar_extras=False), min_size=1, max_size=6)))
def test_csv_tsv_roundtrip(tmp_path_factory, items):
    """CSV cells are text: extras come back as strings, so the strategy keeps them strings."""
    # a CSV column exists for every row: an extra missing in a row is absent, not null, after reading
    ds = Dataset.from_pairs(items)
    d = tmp_path_factory.mktemp("rt")
    for name in ("a.csv", "a.tsv"):
        back = roundtrip(ds, d / name)
        assert records_of(back) == records_of(ds)


@given(st.sampled_from(["standard", "conversational"]).flatmap(lambda f: st.lists(pairs(f, scalar_extras=False), min_size=1, max_size=6)))
def test_parquet_roundtrip(tmp_path_factory, items):
    ds = Dataset.from_pairs(items)
    back = roundtrip(ds, tmp_path_factory.mktemp("rt") / "a.parquet")
    assert records_of(back) == records_of(ds)
    assert back.ids() == ds.ids()


@given(st.lists(pairs("standard", extras=False), min_size=1, max_size=6)
       | st.lists(pairs("conversational", extras=False), min_size=1, max_size=6))
def test_fast_path_equals_located_path(tmp_path_factory, items):
    path = tmp_path_factory.mktemp("fast") / "a.jsonl"
    # the fast path takes plain files without metadata; drop it so the fast path is exercised
    for p in items:
        p.metadata = {}
    Dataset.from_pairs(items).save(str(path))
    fast = prefcraft.load(path)
    slow = build_dataset(iter_raw_records(str(path), "jsonl"), path=str(path), fmt="jsonl").dataset
    assert fast.frame.equals(slow.frame), (fast.frame, slow.frame)


def test_fast_path_is_taken_for_clean_jsonl(tmp_path):
    from prefcraft.io.fast import try_fast

    path = tmp_path / "a.jsonl"
    Dataset.from_pairs([PreferencePair.from_strings("p", "c", "r", category="x", tags=["t"])]).save(str(path))
    assert try_fast(str(path), "jsonl") is not None


@given(st.lists(pairs("standard") | pairs("conversational"), min_size=1, max_size=5))
def test_vectorised_ids_match_the_contract(items):
    ds = Dataset.from_pairs(items)
    assert ds.ids() == [p.id for p in items]
    for p in items:
        payload = {"prompt": p.prompt, "chosen": p.chosen, "rejected": p.rejected}
        assert p.id == hashlib.sha256(canonical_json(payload)).hexdigest()[:16]


def test_id_contract_example():
    pair = PreferencePair.from_strings("hello", "hi there", "go away")
    expected = hashlib.sha256(
        b'{"chosen":[{"content":"hi there","role":"assistant"}],"prompt":[{"content":"hello","role":"user"}],'
        b'"rejected":[{"content":"go away","role":"assistant"}]}').hexdigest()[:16]
    assert pair.id == expected == content_hash(pair.prompt, pair.chosen, pair.rejected)
    twin = PreferencePair(prompt=pair.prompt, chosen=pair.chosen, rejected=pair.rejected, format="conversational")
    assert twin.id == pair.id


def test_row_format_conversion(tmp_path):
    ds = Dataset.from_pairs([PreferencePair.from_strings("p", "c", "r")])
    back = roundtrip(ds, tmp_path / "c.jsonl", row_format="conversational")
    assert back.formats() == {"conversational": 1}
    assert back.ids() == ds.ids()
    line = orjson.loads((tmp_path / "c.jsonl").read_bytes())
    assert line["prompt"] == [{"role": "user", "content": "p"}]


def test_polars_and_pandas_views():
    ds = Dataset.from_pairs([PreferencePair.from_strings("p", "c", "r", category="benign")])
    assert isinstance(ds.to_polars(), pl.DataFrame)
    assert ds.prompt_text().to_list() == ["p"]
