"""Checks run on pairs that enter the store or are edited in it, and the import / export of datasets.

``annotate(pairs)`` runs the validator (``prefcraft.validate``) and
the refusal judgment on chosen and rejected; ``import_dataset`` puts a dataset up for review;
``export_accepted`` writes the accepted pairs through the normal writers with their review provenance in
``metadata["review"]``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from prefcraft.checks import validate
from prefcraft.io.digest import file_digest
from prefcraft.model import Dataset, PreferencePair

__all__ = ["annotate", "judgment_for", "import_dataset", "export_accepted", "ImportReport",
           "ExportReport", "review_provenance"]


_ROW_PREFIX = re.compile(r"^row \d+: ")
_LINE_PREFIX = re.compile(r"^\d+: ")


def _finding_dict(f: Any) -> dict[str, Any]:
    return f.to_dict() if hasattr(f, "to_dict") else dict(f)


def _validate(dataset: Dataset) -> tuple[dict[int, list[dict]], list[dict]]:
    """Findings per row and dataset-level findings."""
    result = validate(dataset)
    findings = getattr(result, "findings", result) or []
    per_row: dict[int, list[dict]] = {}  # keyed by position in ``dataset``
    overall: list[dict] = []
    # Findings name the record's index in the input (the ``row`` column), which differs from the position
    # when a lenient read skipped records.
    position = {r: i for i, r in enumerate(dataset.frame["row"].to_list()) if r is not None}
    for f in findings:
        d = _finding_dict(f)
        row = position.get(d.get("row"), d.get("row")) if isinstance(d.get("row"), int) else None
        if isinstance(row, int) and 0 <= row < len(dataset):
            # "row 3: …" / "data.jsonl:4: …" locate the finding in the batch; on the pair's own page (which
            # shows where the pair came from) the prefix is noise.
            message = str(d.get("message", ""))
            if dataset.source_path and message.startswith(dataset.source_path + ":"):
                message = _LINE_PREFIX.sub("", message[len(dataset.source_path) + 1:], count=1)
            else:
                message = _ROW_PREFIX.sub("", message, count=1)
            per_row.setdefault(row, []).append({**d, "row": None, "message": message})
        else:
            overall.append(d)
    return per_row, overall


def judgment_for(prompt: str, chosen: str, rejected: str, *, engine: str = "rules") -> dict[str, Any]:
    """The stored judgment shape: chosen's judgment, with rejected's under ``"rejected"`` (evidence kept)."""
    return _judgments([prompt], [chosen], [rejected], engine=engine)[0]


def _judgments(prompts: list[str], chosen: list[str], rejected: list[str], *, engine: str) -> list[dict]:
    from prefcraft.refusal import judge_many

    js = judge_many(prompts + prompts, chosen + rejected, engine=engine)
    n = len(prompts)
    out = []
    for jc, jr in zip(js[:n], js[n:]):
        out.append({**jc.to_dict(evidence=True), "engine": jc.engine,
                    "rejected": {**jr.to_dict(evidence=True), "engine": jr.engine}})
    return out


def annotate(pairs: list[PreferencePair], *, engine: str = "rules") -> tuple[list[list[dict]], list[dict],
                                                                                 list[str]]:
    """``(findings per pair, judgment per pair, notes)`` for ``pairs`` (validated as one dataset)."""
    ds = Dataset.from_pairs(pairs)
    per_row, overall = _validate(ds)
    judgments = _judgments([p.prompt_text for p in pairs], [p.chosen_text for p in pairs],
                           [p.rejected_text for p in pairs], engine=engine)
    notes: list[str] = []
    if overall:
        notes.append(f"{len(overall)} dataset-level finding(s): " +
                     "; ".join(f"{f.get('check')}: {f.get('message')}" for f in overall[:5]))
    return [per_row.get(i, []) for i in range(len(pairs))], judgments, notes


# ---------------------------------------------------------------------------- import
@dataclass
class ImportReport:
    store: str
    source: str
    job_id: str
    total: int
    added: int = 0
    already_there: int = 0
    problems: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"store": self.store, "source": self.source, "job_id": self.job_id, "total": self.total,
                "added": self.added, "already_there": self.already_there, "problems": self.problems,
                "notes": self.notes}




def import_dataset(source: str, store: Any, *, format: str | None = None, lenient: bool = False,
                   engine: str = "rules", batch: int = 256,
                   progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Put every pair of ``source`` up for review; importing the same file again adds nothing."""
    from prefcraft.io import read

    result = read(source, format=format, on_error="collect" if lenient else "raise")
    ds = result.dataset
    job_id = f"import-{file_digest(source, 12)}"
    report = ImportReport(store=str(getattr(store, "path", "")), source=source, job_id=job_id, total=len(ds),
                          problems=len(result.problems))
    store.start_job(job_id, {"import": source, "format": ds.source_format, "engine": engine}, len(ds))
    done = store.job_done_keys(job_id)
    report.already_there = len(done)
    lines = ds.frame["line"].to_list()
    rows = ds.frame["row"].to_list()
    findings_by_pos: dict[int, list[dict]] = {}
    if len(done) < len(ds):
        # One validator run over the whole file, so cross-row checks (duplicates, leakage) see every pair.
        findings_by_pos, overall = _validate(ds)
        if overall:
            report.notes.append(f"{len(overall)} dataset-level finding(s): " +
                                "; ".join(f"{f.get('check')}: {f.get('message')}" for f in overall[:5]))
    imported = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for start in range(0, len(ds), batch):
        idx = [i for i in range(start, min(start + batch, len(ds))) if f"row-{i}" not in done]
        if not idx:
            continue
        pairs = [ds[i] for i in idx]
        judgments = _judgments([p.prompt_text for p in pairs], [p.chosen_text for p in pairs],
                               [p.rejected_text for p in pairs], engine=engine)
        findings = [findings_by_pos.get(i, []) for i in idx]
        for i, pair, f, j in zip(idx, pairs, findings, judgments):
            prior = pair.metadata.get("provenance") if isinstance(pair.metadata.get("provenance"), dict) else {}
            prov = {"imported_from": source, "source_format": ds.source_format,
                    "row": rows[i] if rows[i] is not None else i, "line": lines[i],
                    "proposed_by": "prefcraft review import", "judge_engine": engine, "created": imported,
                    **{k: prior[k] for k in ("backend", "model") if prior.get(k)}}
            if store.add_proposal(pair, job_id=job_id, key=f"row-{i}", provenance=prov, findings=f,
                                  judgment=j) is not None:
                report.added += 1
        if progress:
            progress(min(start + batch, len(ds)), len(ds))
    store.finish_job(job_id)
    return report


# ---------------------------------------------------------------------------- export
def review_provenance(sp: Any) -> dict[str, Any]:
    """What ``metadata["review"]`` holds for an exported pair."""
    current = sp.reviews_of_current()
    prov = sp.provenance or {}
    out: dict[str, Any] = {
        "store_id": sp.id,
        "status": sp.status,
        "version": sp.version,
        "reviewers": sorted({r["reviewer"] for r in current if r["decision"] == "accept"}),
        "decisions": [{"reviewer": r["reviewer"], "decision": r["decision"], "reason": r["reason"],
                       "at": r["created"]} for r in current],
        "edited": sp.edited,
        "original_id": sp.original_id,
        "edits": [{"reviewer": e["reviewer"], "action": e["action"], "from_version": e["from_version"],
                   "to_version": e["to_version"], "at": e["created"], **({"note": e["note"]} if e["note"] else {})}
                  for e in sp.edits],
    }
    for k in ("backend", "model", "job_id", "imported_from", "proposed_by"):
        if prov.get(k):
            out[k] = prov[k]
    if sp.job_id and "job_id" not in out:
        out["job_id"] = sp.job_id
    if prov.get("regenerated"):
        out["regenerated"] = prov["regenerated"]
    return out


@dataclass
class ExportReport:
    store: str
    out: str
    written: int
    min_reviews: int
    counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"store": self.store, "out": self.out, "written": self.written, "min_reviews": self.min_reviews,
                "counts": self.counts}


def export_accepted(store: Any, out: str, *, min_reviews: int = 1, format: str | None = None) -> ExportReport:
    """Write the accepted pairs (``min_reviews`` decisions, majority accept) with review provenance."""
    pairs = []
    for sp in store.accepted(min_reviews=min_reviews):
        pair = sp.pair
        pair.metadata = {**(pair.metadata or {}), "review": review_provenance(sp)}
        pairs.append(pair)
    written = Dataset.from_pairs(pairs).save(out, format=format)
    return ExportReport(store=str(store.path), out=written, written=len(pairs), min_reviews=min_reviews,
                        counts=store.progress(min_reviews=min_reviews))
