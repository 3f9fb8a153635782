"""Resumable proposal jobs: plan slots, propose a pair per slot, validate, judge, store.

A job is fully described by its :class:`ProposalSpec`; the job id is a hash of the normalised spec, so
running the same command again resumes the same job. The plan is deterministic: slot ``i`` always has
key ``slot-i`` and the same category / subcategory / harm / style. Each finished slot is written to the
review store in one transaction with ``UNIQUE(job_id, key)``, so after ``kill -9`` at any point a re-run
skips what is stored and redoes only the rest: 0 lost, 0 duplicated.

LLM calls run on a thread pool (bounded by the backend's concurrency); validation, judgment and store
writes happen on the calling thread.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from typing import Any

from prefcraft.ai import tasks
from prefcraft.ai.prompts import load_prompt
from prefcraft.backends.base import Backend, BackendError
from prefcraft.errors import UsageError
from prefcraft.model import Dataset, PreferencePair, canonical_json

__all__ = ["ProposalSpec", "Slot", "SlotOutcome", "JobReport", "plan_slots", "job_id_for", "run_job",
           "validate_pair"]

MAX_SLOTS = 100_000


@dataclass(frozen=True)
class ProposalSpec:
    """What to propose. ``backend`` is the backend's identity (name, model, URL or script hash)."""

    backend: dict[str, Any]
    category: str | None = None
    subcategory: str | None = None
    harm: str | None = None
    n: int | None = None
    gaps_from: str | None = None
    gaps_digest: str | None = None
    seed: int = 0
    judge_engine: str = "rules"
    taxonomy: str | None = None

    def normalised(self) -> dict[str, Any]:
        d = asdict(self)
        d["gaps_from"] = None  # the file's content digest identifies it, not its path
        return d


def job_id_for(spec: ProposalSpec) -> str:
    return "job-" + hashlib.sha256(canonical_json(spec.normalised())).hexdigest()[:12]




@dataclass(frozen=True)
class Slot:
    key: str
    index: int
    category: str
    subcategory: str | None
    harm: str | None
    style: str
    variation: int = 0  # ordinal of this slot among the plan's slots in the same category × harm cell
    explicit: tuple[str, ...] = ()  # labels the user (or a gap) asked for: they win over the model's
    examples: tuple[str, ...] = ()
    gap: str | None = None


def _cycle(items: list[Any], i: int, offset: int) -> Any:
    return items[(i + offset) % len(items)] if items else None


def _cell_plan(tax: Any, category: str, subcategory: str | None, harm: str | None, n: int, start: int,
               seed: int, explicit: tuple[str, ...], examples: tuple[str, ...] = (),
               gap: str | None = None, counters: dict[tuple[str, str | None], int] | None = None) -> list[Slot]:
    counters = {} if counters is None else counters
    cat = tax.category(category)
    subs = [subcategory] if subcategory else [s.id for s in cat.subcategories]
    out: list[Slot] = []
    for j in range(n):
        i = start + j
        sub = _cycle(subs, j, seed) if subs else None
        if harm:
            h = harm
        else:
            harms = (tax.subcategory(sub).harms if sub else None) or cat.harm_ids or tax.harm_ids
            h = _cycle(list(harms), j // max(1, len(subs)), seed)
        variation = counters.get((category, h), 0)
        counters[(category, h)] = variation + 1
        out.append(Slot(f"slot-{i}", i, category, sub, h, _cycle(list(tasks.STYLES), j, seed), variation,
                        explicit, examples, gap))
    return out


def plan_slots(spec: ProposalSpec, tax: Any, dataset: Dataset | None = None) -> list[Slot]:
    """The deterministic list of slots for ``spec`` (``dataset`` is the ``--gaps-from`` data)."""
    if spec.gaps_from is not None or dataset is not None:
        if dataset is None:
            raise UsageError("plan_slots needs the dataset for a --gaps-from job")
        from prefcraft.analysis.stats import gaps_only

        report = gaps_only(dataset, tax)
        slots: list[Slot] = []
        counters: dict[tuple[str, str | None], int] = {}
        for g in report["gaps"]:
            need = int(g["needed"])
            if spec.n is not None:
                need = min(need, spec.n - len(slots))
            if need <= 0:
                break
            explicit = tuple(k for k in ("category", "subcategory", "harm") if g.get(k))
            gap = f"{g['kind']}: {g['reason']}"
            slots += _cell_plan(tax, g["category"], g["subcategory"], g["harm"], need, len(slots), spec.seed,
                                explicit, tuple(g.get("suggested_prompts") or ()), gap, counters)
        return slots
    if spec.category is None or spec.n is None:
        raise UsageError("pass --category (with --n) or --gaps-from DATASET")
    explicit = tuple(k for k in ("category", "subcategory", "harm") if getattr(spec, k))
    return _cell_plan(tax, spec.category, spec.subcategory, spec.harm, spec.n, 0, spec.seed, explicit,
                      tuple(tax.examples(spec.category, spec.subcategory, spec.harm)[:5]))


@dataclass
class SlotOutcome:
    slot: Slot
    pair: PreferencePair | None = None
    error: str | None = None
    raw: str | None = None
    usage: dict[str, int] = field(default_factory=dict)
    cached: int = 0
    calls: int = 0
    notes: list[str] = field(default_factory=list)


def _propose_one(backend: Backend, slot: Slot, spec: ProposalSpec, tax: Any, source: str) -> SlotOutcome:
    out = SlotOutcome(slot)

    def call(messages: list[dict[str, str]], template: str) -> str:
        opts = {**load_prompt(template).options, "seed": spec.seed * 1_000_003 + slot.index}
        if template == "propose_prompts" and "max_tokens" in opts:  # one prompt per slot needs less room
            opts["max_tokens"] = min(int(opts["max_tokens"]), 300)
        c = backend.complete(messages, **opts)
        out.calls += 1
        out.cached += int(c.cached)
        for k, v in c.usage.items():
            out.usage[k] = out.usage.get(k, 0) + v
        return c.text

    text = call(tasks.build_propose_prompts(slot.category, slot.subcategory, slot.harm, n=1, style=slot.style,
                                            variation=slot.variation, examples=slot.examples, taxonomy=tax),
                "propose_prompts")
    parsed = tasks.parse_proposed_prompts(text, category=slot.category, taxonomy=tax)
    out.notes += parsed.notes
    if not parsed.ok or not parsed.value:
        out.error, out.raw = f"propose_prompts: {parsed.error}", parsed.raw
        return out
    proposal = parsed.value[0]
    sub = slot.subcategory if "subcategory" in slot.explicit else (proposal.subcategory or slot.subcategory)
    harm = slot.harm if "harm" in slot.explicit else (proposal.harm or slot.harm)
    style = proposal.style or slot.style
    hist = proposal.history
    chosen = tasks.parse_response_text(call(tasks.build_write_chosen(proposal.prompt, slot.category, harm,
                                                                     history=hist), "write_chosen"))
    if not chosen.ok:
        out.error, out.raw = f"write_chosen: {chosen.error}", chosen.raw
        return out
    rejected = tasks.parse_response_text(call(tasks.build_write_rejected(proposal.prompt, slot.category, harm,
                                                                         history=hist), "write_rejected"))
    if not rejected.ok:
        out.error, out.raw = f"write_rejected: {rejected.error}", rejected.raw
        return out
    fields = dict(category=slot.category, subcategory=sub, harm=harm, source=source,
                  tags=["proposed", f"style:{style}"] + (["multi_turn"] if hist else []))
    if hist:
        out.pair = PreferencePair(prompt=proposal.messages, chosen=[{"role": "assistant", "content": chosen.value}],
                                  rejected=[{"role": "assistant", "content": rejected.value}],
                                  format="conversational", **fields)
    else:
        out.pair = PreferencePair.from_strings(proposal.prompt, chosen.value, rejected.value, **fields)
    return out


def validate_pair(pair: PreferencePair) -> tuple[list[dict[str, Any]], str | None]:
    """Validator findings for one pair, and a note when the validator is not available."""
    fn = None
    try:
        import prefcraft

        fn = getattr(prefcraft, "validate", None)
        if fn is None:
            from prefcraft.checks import validate as fn  # type: ignore[no-redef]
    except ImportError:
        fn = None
    if fn is None:
        return [], "validator not available (prefcraft.validate missing); findings left empty"
    try:
        result = fn(Dataset.from_pairs([pair]))
    except Exception as exc:  # noqa: BLE001 - recorded on the pair, not swallowed
        return [{"row": 0, "check": "validator", "severity": "warning",
                 "message": f"the validator could not run on this pair ({type(exc).__name__}: {exc})"}], None
    findings = getattr(result, "findings", result)
    out = []
    for f in findings or []:
        out.append(f.to_dict() if hasattr(f, "to_dict") else dict(f))
    return out, None


@dataclass
class JobReport:
    job_id: str
    store: str
    total: int
    already_done: int = 0
    added: int = 0
    skipped_existing: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0
    cached_calls: int = 0
    usage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.already_done + self.added + self.skipped_existing

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["done"] = self.done
        d["complete"] = self.done == self.total
        return d


def _provenance(backend: Backend, spec: ProposalSpec, job_id: str, o: SlotOutcome) -> dict[str, Any]:
    desc = backend.describe()
    return {
        "proposed_by": "prefcraft propose",
        "backend": desc.get("backend"), "model": desc.get("model"),
        **{k: desc[k] for k in ("base_url", "script") if desc.get(k)},
        "job_id": job_id, "key": o.slot.key, "seed": spec.seed, "style": o.slot.style,
        "requested": {"category": o.slot.category, "subcategory": o.slot.subcategory, "harm": o.slot.harm,
                      "explicit": list(o.slot.explicit)},
        **({"gap": o.slot.gap} if o.slot.gap else {}),
        **({"parse_notes": o.notes} if o.notes else {}),
        "templates": {t: load_prompt(t).version for t in ("propose_prompts", "write_chosen", "write_rejected")},
        "calls": o.calls, "cached_calls": o.cached, "usage": o.usage,
        "judge_engine": spec.judge_engine,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def run_job(spec: ProposalSpec, backend: Backend, store: Any, *, job_id: str | None = None,
            dataset: Dataset | None = None, taxonomy: Any = None, concurrency: int | None = None,
            progress: Callable[[int, int], None] | None = None) -> JobReport:
    """Run (or resume) a proposal job into ``store`` (a :class:`prefcraft.review.store.ReviewStore`)."""
    from prefcraft.refusal import judge_many
    from prefcraft.taxonomy import load_taxonomy

    tax = taxonomy or load_taxonomy(spec.taxonomy)
    job_id = job_id or job_id_for(spec)
    slots = plan_slots(spec, tax, dataset)
    if len(slots) > MAX_SLOTS:
        raise UsageError(f"this job plans {len(slots):,} pairs (limit {MAX_SLOTS:,}); lower --n")
    report = JobReport(job_id, str(getattr(store, "path", "")), len(slots))
    t0 = time.monotonic()
    store.start_job(job_id, {**spec.normalised(), "gaps_from": spec.gaps_from}, len(slots))
    done = set(store.job_done_keys(job_id))
    pending = [s for s in slots if s.key not in done]
    report.already_done = len(slots) - len(pending)
    if progress:
        progress(report.done, report.total)
    source = f"proposed:{backend.name}/{backend.model}"
    workers = max(1, concurrency or backend.concurrency)
    validator_note_given = False

    def finish(o: SlotOutcome) -> None:
        nonlocal validator_note_given
        report.calls += o.calls
        report.cached_calls += o.cached
        for k, v in o.usage.items():
            report.usage[k] = report.usage.get(k, 0) + v
        if o.pair is None:
            report.failed.append({"key": o.slot.key, "error": o.error, "raw": (o.raw or "")[:2000]})
            return
        findings, vnote = validate_pair(o.pair)
        if vnote and not validator_note_given:
            report.notes.append(vnote)
            validator_note_given = True
        jc, jr = judge_many([o.pair.prompt_text] * 2, [o.pair.chosen_text, o.pair.rejected_text],
                            engine=spec.judge_engine)
        judgment = {**jc.to_dict(), "engine": jc.engine, "rejected": {**jr.to_dict(), "engine": jr.engine}}
        new_id = store.add_proposal(o.pair, job_id=job_id, key=o.slot.key,
                                    provenance=_provenance(backend, spec, job_id, o),
                                    findings=findings, judgment=judgment)
        if new_id is None:
            report.skipped_existing += 1
        else:
            report.added += 1
        if progress:
            progress(report.done, report.total)

    def work(slot: Slot) -> SlotOutcome:
        try:
            return _propose_one(backend, slot, spec, tax, source)
        except BackendError as exc:
            if _request_specific(exc):  # e.g. a content filter refusing this one prompt: skip the slot
                return SlotOutcome(slot, error=f"backend refused this request: {exc}", raw=exc.body)
            raise

    try:
        _run(pending, work, finish, workers)
    except BackendError as exc:
        stored = report.done
        raise BackendError(f"{exc} — the job stopped with {stored}/{report.total} pairs stored in "
                           f"{report.store}; fix the cause and run the same command again to resume",
                           url=exc.url, status=exc.status, body=exc.body, attempts=exc.attempts) from None
    if not report.failed:
        store.finish_job(job_id)
    report.seconds = round(time.monotonic() - t0, 3)
    return report


def _request_specific(exc: BackendError) -> bool:
    """A 4xx about this request (400/413/422, a content filter) rather than the server or the setup."""
    return exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 403, 404, 408, 409,
                                                                                    425, 429)


def _run(pending: list[Slot], work: Callable[[Slot], SlotOutcome], finish: Callable[[SlotOutcome], None],
         workers: int) -> None:
    """LLM work on a thread pool (at most ``2 × workers`` slots queued); ``finish`` on this thread."""
    if workers == 1:
        for s in pending:
            finish(work(s))
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prefcraft-propose") as pool:
        it = iter(pending)
        running: set[Future] = set()
        try:
            for s in it:
                running.add(pool.submit(work, s))
                if len(running) >= workers * 2:
                    break
            while running:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for f in finished:
                    finish(f.result())
                    nxt = next(it, None)
                    if nxt is not None:
                        running.add(pool.submit(work, nxt))
        except BaseException:
            for f in running:
                f.cancel()
            raise
