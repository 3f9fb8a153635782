"""Good files in every format and both TRL formats load into the same model."""

from __future__ import annotations

from pathlib import Path

import pytest

import prefcraft
from prefcraft.io import sniff_format

GOOD = Path(__file__).parents[1] / "data" / "io" / "good"

# file → (rows, formats, aliases, a note fragment or None)
CASES = {
    "standard.jsonl": (3, {"standard": 3}, {}, None),
    "conversational.jsonl": (2, {"conversational": 2}, {}, None),
    "multiturn.jsonl": (1, {"conversational": 1}, {}, None),
    "bom_crlf_blank.jsonl": (2, {"standard": 2}, {}, None),
    "aliases.jsonl": (1, {"standard": 1}, {"question": "prompt", "chosen_response": "chosen",
                                           "response_rejected": "rejected", "harm_type": "harm"}, None),
    "alpaca.json": (1, {"standard": 1}, {"instruction+input": "prompt"}, None),
    "array.json": (2, {"standard": 2}, {}, None),
    "wrapper.json": (3, {"standard": 3}, {}, None),
    "hh_rlhf.jsonl": (1, {"conversational": 1}, {}, "HH-RLHF"),
    "implicit_prompt.jsonl": (1, {"conversational": 1}, {}, "shared message prefix"),
    "openai_preference.jsonl": (1, {"conversational": 1}, {"input.messages": "prompt", "preferred_output": "chosen",
                                                            "non_preferred_output": "rejected"}, None),
    "standard.csv": (2, {"standard": 2}, {}, None),
    "conversational.csv": (1, {"conversational": 1}, {}, None),
    "standard.tsv": (3, {"standard": 3}, {}, None),
    "standard.parquet": (2, {"standard": 2}, {}, None),
    "conversational.parquet": (2, {"conversational": 2}, {}, None),
}


def test_every_good_file_has_a_case():
    assert sorted(p.name for p in GOOD.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_good_file_loads(name):
    rows, formats, aliases, note = CASES[name]
    ds = prefcraft.load(GOOD / name)
    assert len(ds) == rows
    assert ds.formats() == formats
    assert ds.aliases == aliases
    if note:
        assert any(note in n for n in ds.notes)
    for pair in ds:
        assert pair.prompt[-1]["role"] == "user"
        assert all(m["role"] == "assistant" for m in pair.chosen + pair.rejected)
        assert pair.prompt_text and pair.chosen_text and pair.rejected_text


def test_standard_fields_kept():
    ds = prefcraft.load(GOOD / "standard.jsonl")
    third = ds[2]
    assert (third.category, third.subcategory, third.harm) == ("prompt_injection", "instruction_injection", "privacy_violation")
    assert third.metadata == {"author": "a", "round": 2}
    assert third.extra == {"id": "x-3"}
    assert ds[0].tags == ["blatant"]


def test_hh_rlhf_prompt_extraction():
    pair = prefcraft.load(GOOD / "hh_rlhf.jsonl")[0]
    assert [m["role"] for m in pair.prompt] == ["user", "assistant", "user"]
    assert pair.prompt_text == "I want to show up there and scare her."
    assert pair.chosen_text.startswith("I won't help with that.")
    assert pair.rejected_text.startswith("Sure, check her LinkedIn")
    assert pair.is_multi_turn


def test_alpaca_instruction_and_input_are_joined():
    pair = prefcraft.load(GOOD / "alpaca.json")[0]
    assert pair.prompt_text == "Add a task for this\n\nSet a reminder to ask my landlord about the broken heating"


def test_csv_cells():
    ds = prefcraft.load(GOOD / "standard.csv")
    assert ds[0].tags == ["blatant", "stalking"]
    assert ds[1].tags == [] and ds[1].category == "benign"
    assert "\nSecond line, with a comma." in ds[1].chosen_text


def test_bom_crlf_blank_lines_keep_line_numbers():
    ds = prefcraft.load(GOOD / "bom_crlf_blank.jsonl")
    assert ds.frame.get_column("line").to_list() == [1, 3]


def test_standard_and_conversational_twins_share_ids():
    a = prefcraft.load(GOOD / "standard.tsv")
    b = prefcraft.load(GOOD / "conversational.csv")
    assert b.ids()[0] == a.ids()[2]


@pytest.mark.parametrize("name,fmt", [("standard.jsonl", "jsonl"), ("array.json", "json"), ("standard.csv", "csv"),
                                      ("standard.tsv", "tsv"), ("standard.parquet", "parquet")])
def test_sniff_by_content_when_extension_is_unknown(name, fmt, tmp_path):
    target = tmp_path / "data.txt"
    target.write_bytes((GOOD / name).read_bytes())
    assert sniff_format(str(target)) == fmt
    assert len(prefcraft.load(target)) == CASES[name][0]


def test_format_override(tmp_path):
    target = tmp_path / "data.json"  # misnamed JSON Lines
    target.write_bytes((GOOD / "standard.jsonl").read_bytes())
    with pytest.raises(prefcraft.InputError, match="--input-format jsonl"):
        prefcraft.load(target)
    assert len(prefcraft.load(target, format="jsonl")) == 3


def test_very_long_line(tmp_path):
    import orjson

    long_text = "word " * 4_000_000  # 20 MB, longer than the fast path's block
    target = tmp_path / "long.jsonl"
    target.write_bytes(orjson.dumps({"prompt": "p", "chosen": long_text, "rejected": "r"}) + b"\n"
                       + orjson.dumps({"prompt": "q", "chosen": "c", "rejected": "r"}) + b"\n")
    ds = prefcraft.load(target)
    assert len(ds) == 2 and len(ds[0].chosen_text) == len(long_text)


def test_gzip_jsonl(tmp_path):
    import gzip

    target = tmp_path / "data.jsonl.gz"
    target.write_bytes(gzip.compress((GOOD / "standard.jsonl").read_bytes()))
    assert len(prefcraft.load(target)) == 3
