"""Builds the Task-API preference dataset: plan the category × harm mix, generate prompts without
near-duplicates, compose chosen/rejected, gate every pair, refill what the gate drops.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable

from prefcraft.errors import UsageError
from prefcraft.generate.compose import Composer
from prefcraft.generate.data import HARMS, load_library
from prefcraft.generate.dedup import NearDupIndex, content_words
from prefcraft.generate.gate import GateReport, quality_gate
from prefcraft.generate.prompts import CATEGORIES, GenPrompt, PromptEngine
from prefcraft.model import Dataset, PreferencePair

SOURCE = "prefcraft-build"
GENERATOR_VERSION = 1
SEED_CATEGORIES = ("direct_harm", "prompt_injection", "social_engineering", "gradual_escalation", "edge_cases")
# Band centres of the seed taxonomy (used when no taxonomy is given or it lacks a band).
DEFAULT_BANDS = {
    "direct_harm": (0.25, 0.35), "prompt_injection": (0.15, 0.25), "social_engineering": (0.15, 0.20),
    "gradual_escalation": (0.10, 0.15), "edge_cases": (0.20, 0.30),
}
DEFAULT_BENIGN_SHARE = 0.15
# Internal pattern ids → taxonomy subcategory ids. The taxonomy has no self-harm subcategory under
# direct_harm; "violence and threats" is the closest (violence against a person, here oneself) and the
# rows carry a `self_directed` tag so they can be told apart.
_SUBCATEGORY_MAP = {"delimiter_injection": "instruction_injection", "self_harm": "violence_threats"}
NEAR_DUP_THRESHOLD = 0.5
WORD_DUP_THRESHOLD = 0.55  # the validator flags >= 0.6 content-word Jaccard over all turns
# When a (category, harm) pool runs out of prompts that are distinct at 0.5, the builder pads prompts
# more and then accepts closer neighbours, step by step; every pair accepted that way is counted.
RELAX_STEPS = (0.5, 0.7, 0.85, 1.0)


@dataclass
class BuildReport:
    size: int
    seed: int
    plan: dict[str, int]
    gate: GateReport = field(default_factory=GateReport)
    attempts: int = 0
    near_duplicates_skipped: int = 0
    shortfall: dict[str, int] = field(default_factory=dict)
    relaxed: dict[str, int] = field(default_factory=dict)  # pairs accepted above the 0.5 threshold


def _largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    s = sum(weights.values())
    raw = {k: total * w / s for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = total - sum(out.values())
    for k in sorted(raw, key=lambda k: (raw[k] - out[k], k), reverse=True)[:rest]:
        out[k] += 1
    return out


def plan_counts(size: int, benign_share: float = DEFAULT_BENIGN_SHARE,
                bands: dict[str, tuple[float, float]] | None = None) -> dict[str, int]:
    """Rows per category: benign is ``benign_share`` of all rows; the seed categories share the rest
    in proportion to their band centres (so every share lands inside its band)."""
    if size < 1:
        raise UsageError(f"--size must be at least 1 (got {size}).")
    if not 0.0 <= benign_share < 1.0:
        raise UsageError(f"--benign-share must be in [0, 1) (got {benign_share}); e.g. 0.15 for 15 %.")
    bands = bands or DEFAULT_BANDS
    n_benign = round(size * benign_share)
    shares = fit_shares({c: bands[c] for c in SEED_CATEGORIES if c in bands})
    n_seed = size - n_benign
    plan = _largest_remainder(n_seed, shares)
    # integer rounding can push a small category just outside its band: move single rows
    for _ in range(len(plan) * 2):
        out = [c for c in plan if n_seed and not bands[c][0] <= plan[c] / n_seed <= bands[c][1]]
        if not out:
            break
        c = out[0]
        step = 1 if plan[c] / n_seed < bands[c][0] else -1
        donors = sorted((d for d in plan if d != c), key=lambda d: (plan[d] / n_seed - shares[d]) * step,
                        reverse=True)
        plan[c] += step
        plan[donors[0]] -= step
    plan["benign"] = n_benign
    return plan


def fit_shares(bands: dict[str, tuple[float, float]]) -> dict[str, float]:
    """Shares that sum to 1, each inside its band, as close as possible to the band centres: scale
    the centres, clamp whatever leaves its band, share the rest among the others, repeat."""
    centres = {c: (lo + hi) / 2 for c, (lo, hi) in bands.items()}
    fixed: dict[str, float] = {}
    for _ in range(len(bands) + 1):
        free = {c: v for c, v in centres.items() if c not in fixed}
        room = 1.0 - sum(fixed.values())
        total = sum(free.values()) or 1.0
        scaled = {c: v * room / total for c, v in free.items()}
        clamped = {c: min(max(v, bands[c][0]), bands[c][1]) for c, v in scaled.items()}
        moved = {c: v for c, v in clamped.items() if v != scaled[c]}
        if not moved:
            return {**fixed, **scaled}
        fixed.update(moved)
    return {**fixed, **{c: v for c, v in clamped.items() if c not in fixed}}


def _harm_cycle(n: int, offset: int, harms: tuple[str, ...]) -> list[str]:
    return [harms[(offset + i) % len(harms)] for i in range(n)]


def _bands_from_taxonomy(taxonomy: Any) -> tuple[dict[str, tuple[float, float]], float | None]:
    if taxonomy is None:
        return DEFAULT_BANDS, None
    from prefcraft.taxonomy import load_taxonomy

    tax = load_taxonomy(taxonomy) if isinstance(taxonomy, str) or hasattr(taxonomy, "__fspath__") else taxonomy
    targets = dict(tax.targets)
    bands = {c: tuple(targets[c]) for c in SEED_CATEGORIES if c in targets} or DEFAULT_BANDS
    benign = targets.get("benign")
    return bands, ((benign[0] + benign[1]) / 2 if benign else None)


class Generator:
    """Stateful generator: one seed, one dedup index, one picker across everything it makes."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.lib = load_library()
        self.engine = PromptEngine(seed, self.lib)
        self.rng = self.engine.rng
        self.composer = Composer(self.rng, self.engine.picker, self.lib.responses, self.lib.framings,
                                 self.lib.injections)
        self.index = NearDupIndex(threshold=NEAR_DUP_THRESHOLD)
        # the whole conversation by content words, as the validator's near-duplicate-prompt check reads it
        self.words = NearDupIndex(threshold=WORD_DUP_THRESHOLD, tokens=content_words)
        self.skipped_dups = 0
        self.level: dict[tuple[str, str], int] = {}
        self.relaxed: dict[str, int] = {}
        self.dry: set[tuple[str, str]] = set()  # pools that found nothing distinct at the strict threshold

    def seen(self, texts: list[str], full_texts: list[str] | None = None) -> None:
        for t in texts:
            self.index.add(t)
        for t in full_texts or texts:
            self.words.add(t)

    def _accept(self, gp: GenPrompt, threshold: float) -> bool:
        full = " ".join(m["content"] for m in gp.messages)
        word_probe = self.words.probe(full)
        if self.words.find(word_probe, max(WORD_DUP_THRESHOLD, threshold), first=True)[0] is not None:
            return False
        char_probe = self.index.probe(gp.text)
        if self.index.find(char_probe, threshold, first=True)[0] is not None:
            return False
        self.words.insert(word_probe)
        self.index.insert(char_probe)
        return True

    def prompt(self, category: str, harm: str, tries: int = 12, *, relax: bool = False,
               **kw: Any) -> GenPrompt | None:
        key = (category, harm)
        while True:
            level = self.level.get(key, 0)
            for _ in range(tries):
                gp = self.engine.make(category, harm, **kw)
                if self._accept(gp, RELAX_STEPS[level]):
                    if level:
                        self.relaxed[category] = self.relaxed.get(category, 0) + 1
                        gp.tags.append(f"dedup:{RELAX_STEPS[level]}")
                    return gp
                self.skipped_dups += 1
            if not relax:
                return None
            e = self.engine
            if e.pad_background < 0.75:
                # more padding first, at the same threshold: new distinct prompts from the same patterns
                e.pad_background, e.pad_opener, e.pad_closer = 0.75, 0.5, 0.5
                continue
            if level + 1 >= len(RELAX_STEPS):
                return None
            self.level[key] = level + 1

    def pair(self, gp: GenPrompt) -> PreferencePair:
        chosen = self.composer.chosen(gp)
        rejected = self.composer.rejected(gp)
        sub = _SUBCATEGORY_MAP.get(gp.subcategory, gp.subcategory) if gp.subcategory else None
        if gp.category == "edge_cases":
            sub = "needs_clarification"
        if gp.category == "benign":
            sub = None
        tags = list(gp.tags)
        if gp.subcategory == "self_harm":
            tags.append("self_directed")
        elif gp.subcategory and gp.subcategory != sub:
            tags.append(f"pattern:{gp.subcategory}")
        return PreferencePair(
            prompt=[dict(m) for m in gp.messages],
            chosen=[{"role": "assistant", "content": chosen}],
            rejected=[{"role": "assistant", "content": rejected}],
            category=gp.category, subcategory=sub, harm=gp.harm, tags=tags, source=SOURCE,
            metadata={"seed": self.seed, "pattern": gp.pattern, "generator": GENERATOR_VERSION},
            # one format for every row: the build has multi-turn rows, and TRL reads the format from row 0
            format="conversational",
        )


def _generate(plan: dict[str, int], gen: Generator, report: BuildReport, *, min_overall: float,
              use_validator: bool, progress: Callable[[int], None] | None,
              harms: tuple[str, ...] = HARMS, max_rounds: int = 10) -> list[PreferencePair]:
    # slots: one (category, harm) per row wanted, harms cycling so every harm is well represented
    slots: list[tuple[str, str]] = []
    for i, cat in enumerate(c for c in CATEGORIES if plan.get(c)):
        slots += [(cat, h) for h in _harm_cycle(plan[cat], i, harms)]
    kept: list[PreferencePair] = []
    todo = slots
    for _ in range(max_rounds):
        if not todo:
            break
        batch: list[PreferencePair] = []
        batch_slots: list[tuple[str, str]] = []
        missing: list[tuple[str, str]] = []
        for cat, harm in todo:
            report.attempts += 1
            gp = gen.prompt(cat, harm, tries=10)
            if gp is None:
                # this harm's patterns ran out at the strict threshold: borrow from a harm of the same
                # category that still has distinct prompts, and only then pad more and relax
                for other in harms:
                    if other != harm and not gen.level.get((cat, other)) and (cat, other) not in gen.dry:
                        gp = gen.prompt(cat, other, tries=4)
                        if gp is not None:
                            break
                        gen.dry.add((cat, other))
                gen.dry.add((cat, harm))
            if gp is None:
                gp = gen.prompt(cat, harm, tries=6, relax=True)
            if gp is None:
                missing.append((cat, harm))
                continue
            batch.append(gen.pair(gp))
            batch_slots.append((cat, harm))
            if progress and len(batch) % 100 == 0:
                progress(len(kept) + len(batch))
        ok, dropped = quality_gate(batch, min_overall=min_overall, use_validator=use_validator,
                                   report=report.gate)
        kept.extend(ok)
        if progress:
            progress(len(kept))
        dropped_ids = {id(p) for p, _ in dropped}
        todo = [s for p, s in zip(batch, batch_slots) if id(p) in dropped_ids]
        if missing and not batch:
            todo = []
            for cat, _ in missing:
                report.shortfall[cat] = report.shortfall.get(cat, 0) + 1
            break
        todo += missing
    for cat, _ in todo:
        report.shortfall[cat] = report.shortfall.get(cat, 0) + 1
    report.near_duplicates_skipped = gen.skipped_dups
    report.relaxed = dict(gen.relaxed)
    return kept


def build_dataset(size: int = 300, seed: int = 0, benign_share: float | None = None,
                  taxonomy: Any = None, *, min_overall: float = 4.0, use_validator: bool = True,
                  progress: Callable[[int], None] | None = None,
                  return_report: bool = False) -> Dataset | tuple[Dataset, BuildReport]:
    """Build the Task-API dataset: ``size`` pairs (fewer only if the language data runs out, reported
    in ``BuildReport.shortfall``), reproducible for a ``seed``."""
    bands, tax_benign = _bands_from_taxonomy(taxonomy)
    share = benign_share if benign_share is not None else (tax_benign or DEFAULT_BENIGN_SHARE)
    plan = plan_counts(size, share, bands)
    report = BuildReport(size=size, seed=seed, plan=plan)
    gen = Generator(seed)
    pairs = _generate(plan, gen, report, min_overall=min_overall, use_validator=use_validator,
                      progress=progress)
    order = random.Random(seed + 1).sample(range(len(pairs)), len(pairs))
    ds = Dataset.from_pairs([pairs[i] for i in order])
    return (ds, report) if return_report else ds


def generate_prompts(category: str, n: int = 10, seed: int = 0, subcategory: str | None = None,
                     harm: str | None = None) -> list[dict[str, Any]]:
    """``n`` distinct prompt variations (no responses): dicts with messages, category, subcategory,
    harm, tags and pattern. ``subcategory`` picks a framing or injection kind, or a subtlety for
    direct_harm (blatant/moderate/subtle)."""
    if category not in CATEGORIES:
        raise UsageError(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}.")
    if harm is not None and harm not in HARMS:
        raise UsageError(f"unknown harm {harm!r}; expected one of {', '.join(HARMS)}.")
    if n < 1:
        raise UsageError(f"--n must be at least 1 (got {n}).")
    kw: dict[str, Any] = {}
    want_sub: str | None = None
    if subcategory:
        valid = _known_subcategories(category)
        if subcategory not in valid:
            raise UsageError(f"unknown subcategory {subcategory!r} for {category}; expected one of "
                             f"{', '.join(sorted(valid)) or '(none)'}.")
        if category == "direct_harm" and subcategory in ("blatant", "moderate", "subtle"):
            kw["subtlety"] = subcategory
        elif category in ("social_engineering", "prompt_injection"):
            kw["subcategory"] = subcategory
        elif category != "edge_cases":
            want_sub = subcategory
    gen = Generator(seed)
    out: list[dict[str, Any]] = []
    harms = (harm,) if harm else HARMS
    misses = 0
    i = 0
    while len(out) < n and misses < 40 * n:
        h = harms[i % len(harms)]
        i += 1
        gp = gen.engine.make(category, h, **kw)
        sub = _SUBCATEGORY_MAP.get(gp.subcategory, gp.subcategory) if gp.subcategory else None
        if (want_sub and sub != want_sub) or not gen._accept(gp, NEAR_DUP_THRESHOLD):
            misses += 1
            continue
        if category == "edge_cases":
            sub = "needs_clarification"
        elif category == "benign":
            sub = None
        out.append({"prompt": gp.messages if len(gp.messages) > 1 else gp.text, "category": gp.category,
                    "subcategory": sub,
                    "harm": gp.harm, "tags": gp.tags, "pattern": gp.pattern})
    return out


def _known_subcategories(category: str) -> set[str]:
    from prefcraft.generate.prompts import FRAMINGS, INJECTIONS

    lib = load_library()
    if category == "social_engineering":
        return set(FRAMINGS)
    if category == "prompt_injection":
        return set(INJECTIONS) | {"instruction_injection"}
    if category == "edge_cases":
        return {"needs_clarification"}
    if category == "gradual_escalation":
        return {sc.escalate.get("subcategory", "boundary_testing") for sc in lib.scenarios if sc.escalate}
    if category == "direct_harm":
        subs = {_SUBCATEGORY_MAP.get(sc.subcategory, sc.subcategory) for sc in lib.scenarios}
        return {s for s in subs if s} | {"blatant", "moderate", "subtle"}
    return set()


def fill_gaps(dataset: Dataset, gaps: list[dict[str, Any]], n: int | None = None, seed: int = 0,
              *, min_overall: float = 4.0) -> tuple[Dataset, BuildReport]:
    """New pairs for ``gaps`` (``[{"category", "harm"?, "needed"}]``, as ``stats``/``gaps`` report them),
    avoiding near-duplicates of the dataset's existing prompts. ``n`` caps the total."""
    wanted: list[tuple[str, str | None, int]] = []
    for g in gaps:
        cat = g.get("category")
        if cat not in CATEGORIES or not g.get("needed"):
            continue
        wanted.append((cat, g.get("harm") if g.get("harm") in HARMS else None, int(g["needed"])))
    if n is not None:
        total = sum(w[2] for w in wanted)
        if total > n:
            scaled = _largest_remainder(n, {str(i): w[2] for i, w in enumerate(wanted)})
            wanted = [(c, h, scaled[str(i)]) for i, (c, h, _) in enumerate(wanted)]
    gen = Generator(seed)
    gen.seen(list(dataset.prompt_text()), [" ".join(m["content"] for m in p.prompt) for p in dataset])
    plan: dict[str, int] = {}
    report = BuildReport(size=sum(w[2] for w in wanted), seed=seed, plan=plan)
    pairs: list[PreferencePair] = []
    for cat, harm, k in wanted:
        if k <= 0:
            continue
        plan[cat] = plan.get(cat, 0) + k
        pairs += _generate({cat: k}, gen, report, min_overall=min_overall, use_validator=True,
                           progress=None, harms=(harm,) if harm else HARMS)
    return Dataset.from_pairs(pairs), report
