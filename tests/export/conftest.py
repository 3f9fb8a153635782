"""Fixtures for export tests: the tiny from-scratch tokenizers and random models (tests/_tiny_model.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# tests/ has no __init__.py: make ``tests._tiny_model`` importable whatever the rootdir/import mode
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

DATA = Path(__file__).resolve().parents[1] / "data" / "export"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def tok_dir(tmp_path_factory) -> str:
    """ChatML tokenizer, EOS <|im_end|>, no BOS."""
    pytest.importorskip("transformers")
    from tests._tiny_model import build_tiny_tokenizer

    return build_tiny_tokenizer(tmp_path_factory.mktemp("tok"))


@pytest.fixture(scope="session")
def bos_tok_dir(tmp_path_factory) -> str:
    """Llama-style: the tokenizer adds <s> to every text and the template prints {{ bos_token }}."""
    pytest.importorskip("transformers")
    from tests._tiny_model import build_tiny_tokenizer

    return build_tiny_tokenizer(tmp_path_factory.mktemp("tok_bos"), bos=True)


@pytest.fixture(scope="session")
def tokenizer(tok_dir):
    from tests._tiny_model import load_tiny_tokenizer

    return load_tiny_tokenizer(tok_dir)


@pytest.fixture(scope="session")
def bos_tokenizer(bos_tok_dir):
    from tests._tiny_model import load_tiny_tokenizer

    return load_tiny_tokenizer(bos_tok_dir)


@pytest.fixture(scope="session")
def bos_model_dir(tmp_path_factory, bos_tokenizer) -> str:
    """Random Qwen2 (hidden 64, 2 layers, 4 heads) with the BOS tokenizer saved beside it."""
    pytest.importorskip("trl")
    from tests._tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("model"), bos_tokenizer)
