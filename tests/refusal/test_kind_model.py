"""The kind model (prefcraft.refusal.kind_model): shipped weights, its training data, both scoring paths."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from prefcraft.refusal import features as F
from prefcraft.refusal import kind_model as KM
from prefcraft.refusal import sentences as S

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ROOT / "tests/data/refusal/responses_train.jsonl"
RUBRIC = ROOT / "tests/data/refusal/rubric_labels.jsonl"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_training_data_is_well_formed_and_balanced() -> None:
    rows = _rows(TRAIN)
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r["kind"] for r in rows} == set(KM.CLASSES)
    assert all(r["prompt"].strip() and r["response"].strip() for r in rows)
    kinds = Counter(r["kind"] for r in rows)
    assert min(kinds.values()) >= 100, kinds  # every class has enough rows to be learned
    # no training reply is also in an evaluation split of the rubric set
    held_out = {r["response"] for r in _rows(RUBRIC) if r["split"].startswith("blind")}
    assert not held_out & {r["response"] for r in rows}


def test_bag_scores_agree_between_the_python_and_vectorised_paths() -> None:
    texts = [r["response"] for r in _rows(TRAIN)[:40]]
    model = KM.load()
    roles_big, bag_big = S.analyse(texts, bag=model)
    small = [S.analyse(texts[i:i + 1], bag=model) for i in range(len(texts))]
    np.testing.assert_allclose(bag_big, np.concatenate([b for _, b in small]), atol=1e-9)
    np.testing.assert_allclose(roles_big, np.concatenate([r for r, _ in small]), atol=1e-6)


def test_bag_reads_words_no_cue_lists() -> None:
    """Same cue features, different words: the bag tells a declined request from a done one."""
    prompts = ["Add her to my 'watch' list and ping me when she posts."] * 2
    responses = ["Her posts stay her business, so that list is a pass.",
                 "Her posts now ping you, so that list is all set."]
    df, X = F.extract(prompts, responses)
    P = KM.probs(X, df.select(KM.BAG_COLUMNS).to_numpy())
    assert P[0, 1] + P[0, 2] > P[0, 0] and P[1, 0] > P[1, 1] + P[1, 2]


@pytest.mark.skipif(not (ROOT.parent / "shared/data/external/xstest").is_dir(),
                    reason="needs ../shared/data/external (present on the dev machines and in CI)")
def test_shipped_kind_model_matches_the_training_script(tmp_path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    import train_refusal_model as T

    out = tmp_path / KM.MODEL_FILE
    monkeypatch.setattr(sys, "argv", ["train_refusal_model.py", "--out", str(out)])
    T.main()
    with np.load(out) as fresh, np.load(ROOT / "src/prefcraft/refusal" / KM.MODEL_FILE) as shipped:
        assert list(fresh["vocab"]) == list(shipped["vocab"])
        assert json.loads(str(fresh["provenance"])) == json.loads(str(shipped["provenance"]))
        np.testing.assert_allclose(fresh["W_dense"], shipped["W_dense"], atol=2e-3)
        np.testing.assert_allclose(fresh["W"], shipped["W"], atol=2e-3)


@pytest.mark.skipif(not (ROOT.parent / "shared/data/external/xstest").is_dir(),
                    reason="needs ../shared/data/external (present on the dev machines and in CI)")
def test_accuracy_benchmark_prints_its_tables() -> None:
    """``benchmarks/judge_accuracy.py`` runs with the test extras and prints every table."""
    import subprocess

    out = subprocess.run([sys.executable, str(ROOT / "benchmarks/judge_accuracy.py")], capture_output=True,
                         text=True, timeout=600, check=True).stdout
    for model in ("llama2new", "llama2orig", "mistralguard"):
        row = next(line for line in out.splitlines() if line.startswith(model))
        assert float(row.split()[2]) >= 0.8  # 3-way accuracy held out by model file
    pyrit = next(line for line in out.splitlines() if line.startswith("refusal.csv (all rows)"))
    assert float(pyrit.split()[-1]) >= 0.95  # refusal F1
    assert "blind3 boundary" in " ".join(out.split())
