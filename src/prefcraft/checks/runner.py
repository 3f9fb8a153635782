"""``validate(dataset_or_path)``: run the registered checks, never stopping at a bad record."""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Iterable

from prefcraft.checks import registry
from prefcraft.checks.context import Context, Options
from prefcraft.checks.report import ValidationReport, sort_findings
from prefcraft.errors import UsageError
from prefcraft.model import Dataset, Finding

__all__ = ["validate", "select_checks"]

# From this many rows, checks with a ``prefetch`` start it in a background thread (the near-duplicate
# search then overlaps the refusal judging: 1M pairs, 2 cores, ~25 % less wall time); below it everything
# runs in order on one thread.
PREFETCH_MIN = 20_000


def _split_ids(value: Iterable[str] | str | None) -> list[str] | None:
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else [x for v in value for x in str(v).split(",")]
    return [x.strip() for x in items if x.strip()]


def select_checks(only: Iterable[str] | str | None = None, skip: Iterable[str] | str | None = None):
    """The registered checks after ``only``/``skip`` (unknown ids raise :class:`UsageError`)."""
    only_ids, skip_ids = _split_ids(only), _split_ids(skip) or []
    for cid in (only_ids or []) + skip_ids:
        registry.get(cid)  # raises with a suggestion
    if only_ids and set(only_ids) & set(skip_ids):
        both = ", ".join(sorted(set(only_ids) & set(skip_ids)))
        raise UsageError(f"--only and --skip both name {both}; name a check in one of them")
    checks = registry.available()
    if only_ids:
        checks = [c for c in checks if c.id in only_ids]
    return [c for c in checks if c.id not in skip_ids]


def _load_against(against: Any, lenient: bool) -> tuple[Dataset, str]:
    if isinstance(against, Dataset):
        return against, against.source_path or "the other dataset"
    from prefcraft.io import read

    result = read(os.fspath(against), on_error="collect")
    return result.dataset, os.fspath(against)


def validate(data: Any, *, only: Iterable[str] | str | None = None, skip: Iterable[str] | str | None = None,
             against: Any = None, tokenizer: Any = None, max_length: int | None = None,
             min_chars: int = 50, taxonomy: Any = None, lenient: bool = False,
             input_format: str | None = None, cascade: bool | None = None,
             progress: Callable[[int, int, str], None] | None = None) -> ValidationReport:
    """Validate a :class:`Dataset`, a path, or a list of :class:`PreferencePair`/dicts.

    Returns a :class:`ValidationReport`. Bad records in a file become findings (``missing-field``,
    ``wrong-type``, …) and every other record is still checked; only input that cannot be parsed at
    all raises :class:`~prefcraft.errors.InputError`. ``lenient`` downgrades record-level schema
    findings to warnings (the records are skipped, as ``--lenient`` does everywhere else).
    ``taxonomy`` is a loaded taxonomy or a path to a taxonomy YAML.
    """
    if min_chars < 0:
        raise UsageError(f"min_chars must be 0 or more (got {min_chars})")
    if (tokenizer is None) != (max_length is None):
        raise UsageError("--tokenizer and --max-length go together: pass both (e.g. --tokenizer ./tok "
                         "--max-length 1024) or neither")
    if max_length is not None and max_length <= 0:
        raise UsageError(f"--max-length must be a positive number of tokens (got {max_length})")
    checks = select_checks(only, skip)
    if tokenizer is not None and any("tokenizer" in c.requires for c in checks):
        from prefcraft.checks.builtin.too_long import load_tokenizer

        tokenizer = load_tokenizer(tokenizer)  # a bad folder is bad usage (exit 2), not a skipped check
    problems: list = []
    if isinstance(data, Dataset):
        ds = data
        problems = list(getattr(ds, "problems", []) or [])
    elif isinstance(data, (str, os.PathLike)):
        from prefcraft.io import read

        result = read(os.fspath(data), format=input_format, on_error="collect")
        ds, problems = result.dataset, result.problems
    elif isinstance(data, list) and all(hasattr(p, "prompt") and hasattr(p, "chosen") for p in data):
        ds = Dataset.from_pairs(data)
    elif isinstance(data, list):
        from prefcraft.io.readers import build_dataset

        items = ((i, None, r) for i, r in enumerate(data))
        result = build_dataset(items, path="<records>", fmt=None, on_error="collect")
        ds, problems = result.dataset, result.problems
    else:
        from prefcraft.io import read

        result = read(data, on_error="collect")
        ds, problems = result.dataset, result.problems

    tax_obj, tax_path = (None, taxonomy) if isinstance(taxonomy, (str, os.PathLike)) else (taxonomy, None)
    if tax_path is not None:
        from prefcraft.taxonomy import load_taxonomy

        tax_obj = load_taxonomy(os.fspath(tax_path))
    options = Options(min_chars=min_chars, taxonomy=tax_obj, tokenizer=tokenizer, max_length=max_length,
                      cascade=cascade)
    given = {"against": against is not None, "tokenizer": tokenizer is not None}
    if against is not None and any("against" in c.requires for c in checks):
        options.against, options.against_name = _load_against(against, lenient)
    ctx = Context(ds, options, problems)
    ctx.lenient = lenient
    rows = len(ds) + len(problems)
    report = ValidationReport(rows=rows, source=ds.source_path)
    findings: list[Finding] = []
    if ctx.n >= PREFETCH_MIN:
        jobs = [c.prefetch for c in checks if c.prefetch is not None
                and all(given.get(r, False) for r in c.requires)]
        if jobs:
            ctx.prefetch(jobs)
    for k, check in enumerate(checks):
        missing = [r for r in check.requires if not given.get(r, False)]
        if missing:
            need = {"against": "--against OTHER", "tokenizer": "--tokenizer T --max-length N"}
            report.not_applicable.append({"check": check.id,
                                          "reason": "needs " + " and ".join(need.get(m, m) for m in missing)})
            continue
        if progress:
            progress(k, len(checks), check.id)
        started = time.perf_counter()
        try:
            out = list(check.run(ctx))
        except Exception as exc:  # noqa: BLE001 - a broken check is reported, never swallowed
            report.checks_skipped.append({"check": check.id, "reason": f"{type(exc).__name__}: {exc}"})
            continue
        report.checks_run.append(check.id)
        findings.extend(out)
        ctx.timings[check.id] = time.perf_counter() - started
    if progress:
        progress(len(checks), len(checks), "done")
    report.findings = sort_findings(findings)
    report.timings = dict(ctx.timings)
    return report
