"""Quality figures of the built-in dataset (`prefcraft build`), printed as a table.

    python benchmarks/build_quality.py [--size 300] [--seed 0] [--path pairs.jsonl]

Measures (targets from issue 6):
  validator errors                         = 0      (prefcraft.validate, when installed)
  mean `overall` of chosen (judge_many)    >= 4.5   (non-benign rows: refusals and clarifications)
  near-duplicate prompt pairs              = 0      (5-char shingle Jaccard >= 0.5, exact check over
                                                     LSH candidates; also word-3-shingle Jaccard >= 0.6)
  most common first six words, chosen      <= 5 %
  most common first six words, prompts     <= 5 %
  distinct word-trigram ratio, chosen      >= 0.35  (distinct trigrams / all trigrams over all chosen)
plus band shares, harm counts and multi-turn counts.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter

_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def first_six_share(texts: list[str]) -> tuple[float, str]:
    heads = Counter(" ".join(words(t)[:6]) for t in texts)
    head, n = heads.most_common(1)[0]
    return n / len(texts), head


def trigram_ratio(texts: list[str]) -> float:
    total, distinct = 0, set()
    for t in texts:
        w = words(t)
        grams = list(zip(w, w[1:], w[2:]))
        total += len(grams)
        distinct.update(grams)
    return len(distinct) / total if total else 0.0


def word_shingle_dups(texts: list[str], threshold: float = 0.6) -> int:
    """Pairs with word-3-shingle Jaccard >= threshold, via an inverted index (no all-pairs loop)."""
    sets = [set(zip(*(words(t)[i:] for i in range(3)))) for t in texts]
    index: dict[tuple, list[int]] = {}
    found = 0
    for j, s in enumerate(sets):
        cand = Counter(i for g in s for i in index.get(g, ()))
        for i, inter in cand.items():
            if inter / len(s | sets[i]) >= threshold:
                found += 1
        for g in s:
            index.setdefault(g, []).append(j)
    return found


def measure(ds) -> dict:
    from prefcraft.generate.dedup import near_duplicate_pairs
    from prefcraft.refusal import judge_many

    pairs = list(ds)
    prompts = [p.prompt_text for p in pairs]
    chosen = [p.chosen_text for p in pairs]
    harmful = [i for i, p in enumerate(pairs) if p.category != "benign"]
    judged = judge_many([prompts[i] for i in harmful], [chosen[i] for i in harmful])
    overall = [j.overall for j in judged if j.overall is not None]
    kinds = Counter(j.kind for j in judged)
    out = {
        "rows": len(pairs),
        "chosen_overall_mean": statistics.fmean(overall) if overall else float("nan"),
        "chosen_overall_min": min(overall) if overall else float("nan"),
        "chosen_kinds": dict(kinds),
        "near_duplicate_prompts_char5": len(near_duplicate_pairs(prompts, 0.5)),
        "near_duplicate_prompts_word3": word_shingle_dups(prompts, 0.6),
    }
    out["first6_chosen_share"], out["first6_chosen"] = first_six_share(chosen)
    out["first6_prompt_share"], out["first6_prompt"] = first_six_share(prompts)
    out["trigram_ratio_chosen"] = trigram_ratio(chosen)
    out["trigram_ratio_prompts"] = trigram_ratio(prompts)
    cats = Counter(p.category for p in pairs)
    seed_total = sum(v for k, v in cats.items() if k != "benign")
    out["shares"] = {k: (v / seed_total if k != "benign" else v / len(pairs)) for k, v in sorted(cats.items())}
    out["harms"] = dict(Counter(p.harm for p in pairs))
    out["multi_turn"] = sum(p.is_multi_turn for p in pairs)
    rejected = [p.rejected_text for p in pairs]
    out["chars_chosen"] = statistics.fmean(len(t) for t in chosen)
    out["chars_rejected"] = statistics.fmean(len(t) for t in rejected)
    out["chosen_longer_share"] = sum(len(c) > len(r) for c, r in zip(chosen, rejected)) / len(pairs)
    out["first6_rejected_share"], out["first6_rejected"] = first_six_share(rejected)
    out["trigram_ratio_rejected"] = trigram_ratio(rejected)
    from prefcraft import validate

    findings = list(validate(ds).findings)
    out["validator_errors"] = sum(f.severity == "error" for f in findings)
    out["validator_warnings"] = sum(f.severity == "warning" for f in findings)
    out["validator_by_check"] = dict(Counter(f"{f.check}:{f.severity}" for f in findings))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--path", help="measure an existing pairs.jsonl instead of building")
    args = ap.parse_args(argv)
    if args.path:
        from prefcraft.io import read

        ds = read(args.path).dataset
    else:
        from prefcraft.generate import build_dataset

        t0 = time.perf_counter()
        ds = build_dataset(size=args.size, seed=args.seed)
        print(f"built {len(ds)} pairs in {time.perf_counter() - t0:.2f} s (seed {args.seed})")
    m = measure(ds)
    ok = lambda c: "ok " if c else "MISS"  # noqa: E731
    ve = m["validator_errors"]
    rows = [
        ("validator errors", "n/a (validator not installed)" if ve is None else str(ve),
         "= 0", ve is None or ve == 0),
        ("mean overall, chosen (judge_many)", f"{m['chosen_overall_mean']:.3f} (min {m['chosen_overall_min']})",
         ">= 4.5", m["chosen_overall_mean"] >= 4.5),
        ("near-duplicate prompt pairs (char-5 J>=0.5)", str(m["near_duplicate_prompts_char5"]), "= 0",
         m["near_duplicate_prompts_char5"] == 0),
        ("near-duplicate prompt pairs (word-3 J>=0.6)", str(m["near_duplicate_prompts_word3"]), "= 0",
         m["near_duplicate_prompts_word3"] == 0),
        ("top first-6-words share, chosen", f"{100 * m['first6_chosen_share']:.2f} % ('{m['first6_chosen']}')",
         "<= 5 %", m["first6_chosen_share"] <= 0.05),
        ("top first-6-words share, prompts", f"{100 * m['first6_prompt_share']:.2f} % ('{m['first6_prompt']}')",
         "<= 5 %", m["first6_prompt_share"] <= 0.05),
        ("distinct word-trigram ratio, chosen", f"{m['trigram_ratio_chosen']:.3f}", ">= 0.35",
         m["trigram_ratio_chosen"] >= 0.35),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, target, good in rows:
        print(f"{ok(good)}  {name.ljust(width)}  {value}  (target {target})")
    print(f"     distinct word-trigram ratio, prompts: {m['trigram_ratio_prompts']:.3f}; rejected: "
          f"{m['trigram_ratio_rejected']:.3f}; top first-6-words share, rejected: "
          f"{100 * m['first6_rejected_share']:.2f} %")
    print("     chosen kinds (non-benign): " + ", ".join(f"{k} {v}" for k, v in m["chosen_kinds"].items()))
    print("     shares (seed categories of seed rows; benign of all): "
          + ", ".join(f"{k} {100 * v:.1f} %" for k, v in m["shares"].items()))
    print("     harms: " + ", ".join(f"{k} {v}" for k, v in m["harms"].items())
          + f"; multi-turn pairs: {m['multi_turn']}")
    print(f"     length balance (DPO learns length): chosen longer than rejected in "
          f"{100 * m['chosen_longer_share']:.0f} % of pairs; mean chars chosen {m['chars_chosen']:.0f}, "
          f"rejected {m['chars_rejected']:.0f}")
    if m.get("validator_by_check"):
        print("     validator findings by check: " + ", ".join(f"{k} {v}" for k, v in m["validator_by_check"].items()))
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
