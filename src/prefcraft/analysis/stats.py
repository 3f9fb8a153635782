"""``prefcraft stats``: everything about a dataset's coverage and shape, as one JSON-able dict.

:func:`dataset_stats` = coverage (counts, shares, bands, matrix, size) + lengths + prompt diversity
+ refusal-quality summary (when :mod:`prefcraft.refusal` offers ``judge_many``) + gaps
(+ suggested categories for uncategorised rows on request). Returns data; never prints.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
import polars as pl

from prefcraft.analysis.coverage import coverage, resolve_labels
from prefcraft.analysis.gaps import find_gaps, gap_summary
from prefcraft.taxonomy import Taxonomy, load_taxonomy

__all__ = ["dataset_stats", "diversity", "lengths", "refusal_summary", "gaps_only"]

_WORD = re.compile(r"\w+", re.UNICODE)


def _summary(values: np.ndarray) -> dict[str, float]:
    if values.size == 0:
        return {"min": 0, "p25": 0, "median": 0, "mean": 0.0, "p75": 0, "p95": 0, "max": 0}
    q = np.percentile(values, [25, 50, 75, 95])
    return {"min": int(values.min()), "p25": float(q[0]), "median": float(q[1]),
            "mean": round(float(values.mean()), 2), "p75": float(q[2]), "p95": float(q[3]),
            "max": int(values.max())}


def lengths(ds: Any) -> dict[str, Any]:
    """Character and word length summaries of prompt / chosen / rejected (plus raw values)."""
    out: dict[str, Any] = {}
    for name, series in (("prompt", ds.prompt_text()), ("chosen", ds.chosen_text()),
                         ("rejected", ds.rejected_text())):
        s = series.fill_null("")
        chars = s.str.len_chars().to_numpy().astype(np.int64)
        words = s.str.count_matches(r"\S+").to_numpy().astype(np.int64)
        out[name] = {"chars": _summary(chars), "words": _summary(words),
                     "values_words": words.tolist()}
    return out


def _ngrams(tokens: list[str], n: int):
    return zip(*(tokens[i:] for i in range(n)))


def diversity(prompts: list[str], embed: bool = False) -> dict[str, Any]:
    """distinct-n (unique n-grams / all n-grams, over all prompts), unique-prompt ratio, and the
    most repeated prompt openings; with ``embed`` the mean cosine distance to the centroid."""
    toks = [_WORD.findall(p.lower()) for p in prompts]
    out: dict[str, Any] = {"prompts": len(prompts),
                           "unique_prompts": len(set(p.strip().lower() for p in prompts))}
    for n in (1, 2, 3):
        grams = Counter(g for t in toks for g in _ngrams(t, n))
        total = sum(grams.values())
        out[f"distinct_{n}"] = round(len(grams) / total, 4) if total else 0.0
        out[f"ngrams_{n}"] = len(grams)
    openings = Counter(" ".join(t[:3]) for t in toks if len(t) >= 3)
    out["top_openings"] = [{"opening": o, "count": c} for o, c in openings.most_common(5) if c > 1]
    out["embedding_spread"] = _embedding_spread(prompts) if embed else None
    return out


def _embedding_spread(prompts: list[str]) -> dict[str, Any] | None:
    """Mean cosine distance of MiniLM prompt embeddings to their centroid (embed extra, offline)."""
    from prefcraft.analysis.autotag_embed import encode, require_embed

    if not prompts:
        return None
    require_embed("Embedding spread (--embed)")
    emb = encode(prompts)
    centroid = emb.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    dist = 1.0 - emb @ centroid
    return {"model": "all-MiniLM-L6-v2", "mean_distance_to_centroid": round(float(dist.mean()), 4),
            "std": round(float(dist.std()), 4)}


def refusal_summary(ds: Any, categories: list[str | None] | None = None,
                    benign: str | None = "benign") -> dict[str, Any]:
    """Refusal-quality summary of chosen and rejected responses, from
    ``prefcraft.refusal.judge_many`` (rules engine); ``{"available": False, "reason": …}`` when
    that module is missing or cannot judge — recorded as skipped, never hidden."""
    try:
        from prefcraft.refusal import judge_many
    except ImportError as exc:
        return {"available": False, "reason": f"prefcraft.refusal.judge_many is not available ({exc})"}
    prompts = ds.prompt_text().fill_null("").to_list()
    try:
        chosen = judge_many(prompts, ds.chosen_text().fill_null("").to_list())
        rejected = judge_many(prompts, ds.rejected_text().fill_null("").to_list())
    except Exception as exc:  # noqa: BLE001 - recorded as skipped with the reason
        return {"available": False, "reason": f"refusal judging failed: {exc}"}
    out: dict[str, Any] = {"available": True, "judged": len(chosen), "engine": "rules"}
    for name, js in (("chosen", chosen), ("rejected", rejected)):
        overall = [float(j.overall) for j in js if j.overall is not None]
        crit: dict[str, list[float]] = {}
        for j in js:
            for k, v in (j.criteria or {}).items():
                crit.setdefault(k, []).append(float(v))
        out[name] = {
            "kinds": dict(Counter(j.kind for j in js).most_common()),
            "overall": {**_summary(np.asarray(overall)), "values": overall} if overall else None,
            "criteria_mean": {k: round(float(np.mean(v)), 3) for k, v in crit.items()},
            "anti_patterns": dict(Counter(a for j in js for a in j.anti_patterns).most_common()),
        }
    cats = categories or [None] * len(chosen)
    harmful = [i for i, c in enumerate(cats) if c != benign]
    good = sum(1 for i in harmful if chosen[i].kind in ("refusal", "partial_refusal", "clarification")
               and rejected[i].kind == "compliance")
    over = sum(1 for i, c in enumerate(cats) if c == benign and chosen[i].kind != "compliance")
    out["pairs"] = {
        "non_benign": len(harmful),
        "chosen_declines_rejected_complies": good,
        "share": round(good / len(harmful), 4) if harmful else None,
        "benign_chosen_not_compliant": over,
    }
    return out


def dataset_stats(ds: Any, tax: Taxonomy | None = None, *, use_case: str | None = None,
                  suggest_categories: bool = False, refusal: bool = True, embed: bool = False,
                  with_prompts: bool = True) -> dict[str, Any]:
    """The full stats document (the JSON ``prefcraft stats --format json`` prints)."""
    tax = tax or load_taxonomy()
    labels = resolve_labels(ds, tax)
    cov = coverage(ds, tax, use_case, labels=labels)
    gaps = find_gaps(cov, tax, with_prompts=with_prompts)
    prompts = ds.prompt_text().fill_null("").to_list()
    out = {**cov,
           "gaps": gaps,
           "gap_summary": gap_summary(cov, tax, gaps),
           "lengths": lengths(ds),
           "diversity": diversity(prompts, embed=embed),
           "multi_turn": int(ds.frame.select(
               pl.col("prompt").list.eval(pl.element().struct.field("role") == "user")
               .list.sum().gt(1).sum()).item() or 0) if len(ds) else 0,
           "refusal": refusal_summary(ds, labels.category, tax.benign_category) if refusal
           else {"available": False, "reason": "not requested (--no-refusal)"},
           "taxonomy": {"name": tax.name, "source": tax.source}}
    if suggest_categories:
        from prefcraft.analysis.autotag import suggest

        rows = cov["uncategorised"]["rows"]
        out["suggested_categories"] = suggest(ds, rows, tax, prompts=prompts, embed=embed)
    return out


def gaps_only(ds: Any, tax: Taxonomy | None = None, *, use_case: str | None = None) -> dict[str, Any]:
    """What ``prefcraft gaps`` prints: the gap list plus the joint plan and size needs."""
    tax = tax or load_taxonomy()
    cov = coverage(ds, tax, use_case)
    gaps = find_gaps(cov, tax)
    return {"rows": cov["rows"], "size": cov["size"], "categories": cov["categories"],
            "edge_case_share": cov["edge_case_share"], "gaps": gaps,
            "gap_summary": gap_summary(cov, tax, gaps)}
