"""Train the linear heads of the default ``rules`` refusal engine and write ``rules_model.json``.

Data (see docs/refusal.md, "Provenance"): the human-labelled XSTest v2 completions
(``xstest/model_completions/*.csv`` under the shared external-data folder; prompts CC-BY-4.0,
completions under the model providers' output terms; labels by two human annotators). Only the model
files present are used; PyRIT's refusal set is never trained on (it is the held-out check).

Two heads, both L2-regularised logistic regression over :data:`prefcraft.refusal.features.FEATURE_NAMES`:
``refuse``  (full or partial refusal) vs compliance, on every feature;
``partial`` (partial vs full refusal, trained on refusal-like rows only), on :data:`PARTIAL_FEATURES`
            (cues of compliant substance and of the refusal itself — nothing topical).

Usage::

    python scripts/train_refusal_model.py [--data DIR] [--out src/prefcraft/refusal/rules_model.json]
    python scripts/train_refusal_model.py --cv     # leave-one-model-out report, writes nothing
    python scripts/train_refusal_model.py --embed [--cv]   # the embed engine's heads (embed_head.npz)

Needs numpy + polars + scikit-learn (the ``embed`` / ``test`` extras).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from prefcraft.refusal import features as F  # noqa: E402

DEFAULT_DATA = Path("/work/shared/data/external")
LABELS = {"1_full_compliance": 0, "2_full_refusal": 1, "3_partial_refusal": 2}
PARTIAL_FEATURES = [
    "but_heres", "hedged_comply", "steps", "steps_head", "inline_steps", "procedure_words", "heres", "factual",
    "numbers", "list_items", "len_log", "short", "very_short", "lines", "comply_open", "redirect",
    "first_sentence_negated", "refuse_first_person", "refuse_impersonal", "refuse_idiom", "but_heres_strict",
    "apology_open", "premise_reject", "as_an_ai", "moralise", "seek_help", "discourage", "opens_with_harm_claim",
    "premise_fictional", "point_out_but", "advice", "generic_offer", "advice_not_referral",
    "sent_compliance",
]
C_REFUSE = 0.5
C_PARTIAL = 0.5


def load_xstest(data: Path) -> dict[str, tuple[list[str], list[str], np.ndarray]]:
    out = {}
    for path in sorted((data / "xstest" / "model_completions").glob("xstest_v2_completions_*.csv")):
        model = path.stem.removeprefix("xstest_v2_completions_")
        df = pl.read_csv(path)
        y = np.array([LABELS[v] for v in df["final_label"].to_list()])
        out[model] = (df["prompt"].to_list(), df["completion"].fill_null("").to_list(), y)
    if not out:
        raise SystemExit(f"no XSTest completion files under {data}/xstest/model_completions")
    return out


def fit(X: np.ndarray, y: np.ndarray) -> dict:
    from sklearn.linear_model import LogisticRegression

    names = list(F.FEATURE_NAMES)
    pidx = [names.index(f) for f in PARTIAL_FEATURES]
    a = LogisticRegression(C=C_REFUSE, max_iter=5000).fit(X, y > 0)
    mask = y > 0
    b = LogisticRegression(C=C_PARTIAL, max_iter=5000).fit(
        X[mask][:, pidx], y[mask] == 2)
    return {
        "refuse": {"features": names, "weights": [round(float(w), 5) for w in a.coef_[0]],
                   "bias": round(float(a.intercept_[0]), 5)},
        "partial": {"features": PARTIAL_FEATURES, "weights": [round(float(w), 5) for w in b.coef_[0]],
                    "bias": round(float(b.intercept_[0]), 5)},
    }


def fit_embed(Z: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Heads of the ``embed`` engine over ``Z = [embedding, cue features]``."""
    from sklearn.linear_model import LogisticRegression

    a = LogisticRegression(C=1.0, max_iter=5000).fit(Z, y > 0)
    mask = y > 0
    b = LogisticRegression(C=1.0, max_iter=5000).fit(Z[mask], y[mask] == 2)
    return {"w_refuse": a.coef_[0].astype(np.float32), "b_refuse": np.float32(a.intercept_[0]),
            "w_partial": b.coef_[0].astype(np.float32), "b_partial": np.float32(b.intercept_[0])}


def predict(model: dict, X: np.ndarray) -> np.ndarray:
    names = list(F.FEATURE_NAMES)
    out = []
    for head in ("refuse", "partial"):
        idx = [names.index(f) for f in model[head]["features"]]
        z = X[:, idx] @ np.array(model[head]["weights"]) + model[head]["bias"]
        out.append(1 / (1 + np.exp(-z)))
    pr, pp = out
    return np.where(pr >= 0.5, np.where(pp >= 0.5, 2, 1), 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=ROOT / "src/prefcraft/refusal/rules_model.json")
    ap.add_argument("--cv", action="store_true", help="leave-one-model-out report only")
    ap.add_argument("--embed", action="store_true", help="train the embed engine's heads instead")
    args = ap.parse_args()
    sets = load_xstest(args.data)
    feats = {m: F.extract(p, r)[1] for m, (p, r, _) in sets.items()}
    if args.embed:
        return main_embed(args, sets, feats)
    if args.cv:
        for held in sets:
            tr = [m for m in sets if m != held]
            model = fit(np.concatenate([feats[m] for m in tr]), np.concatenate([sets[m][2] for m in tr]))
            y = sets[held][2]
            p = predict(model, feats[held])
            pb, yb = p > 0, y > 0
            f1 = 2 * (pb & yb).sum() / (pb.sum() + yb.sum())
            print(f"held-out {held:16s} 3-way acc {(p == y).mean():.3f}  refusal F1 {f1:.3f}")
        return
    X = np.concatenate(list(feats.values()))
    y = np.concatenate([s[2] for s in sets.values()])
    model = fit(X, y)
    model["provenance"] = {
        "script": "scripts/train_refusal_model.py",
        "data": [f"xstest/model_completions/xstest_v2_completions_{m}.csv" for m in sets],
        "rows": int(len(y)),
        "labels": "XSTest final_label (human, two annotators + adjudication)",
        "C": {"refuse": C_REFUSE, "partial": C_PARTIAL},
    }
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(y)} rows from {', '.join(sets)})")


def main_embed(args, sets, feats) -> None:
    from prefcraft.refusal import embed

    Z = {m: np.concatenate([embed.encode(r), feats[m]], axis=1) for m, (_, r, _) in sets.items()}
    if args.cv:
        for held in sets:
            tr = [m for m in sets if m != held]
            head = fit_embed(np.concatenate([Z[m] for m in tr]), np.concatenate([sets[m][2] for m in tr]))
            n = Z[held].shape[1] - feats[held].shape[1]
            pr, pp = embed.probs(Z[held][:, :n], feats[held], head)
            p = np.where(pr >= 0.5, np.where(pp >= 0.5, 2, 1), 0)
            y = sets[held][2]
            pb, yb = p > 0, y > 0
            f1 = 2 * (pb & yb).sum() / (pb.sum() + yb.sum())
            print(f"embed held-out {held:16s} 3-way acc {(p == y).mean():.3f}  refusal F1 {f1:.3f}")
        return
    head = fit_embed(np.concatenate(list(Z.values())), np.concatenate([s[2] for s in sets.values()]))
    out = args.out.with_name(embed.HEAD_FILE)
    np.savez_compressed(out, **head)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
