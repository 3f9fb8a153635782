"""``prefcraft build``: build the Task-API preference dataset, validate it, report on it, save it."""

from __future__ import annotations

import os
import statistics
import time
from typing import Any, Optional

import typer
from rich.table import Table

from prefcraft.cli._common import FormatOption, OutputFormat, QuietOption, console, emit_json, note, progress_bar

DEFAULT_OUT = "prefcraft-build"


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _band(b: Any) -> str:
    return f"{100 * b[0]:g}–{100 * b[1]:g} %" if b else "—"


_STYLE = {"within": "green", "under": "yellow", "over": "red", "untargeted": "dim"}


def run_build(*, out: str, size: int, seed: int, benign_share: Optional[float], taxonomy: Optional[str],
              quiet: bool, fill_gaps: Optional[str] = None, write_report: bool = True,
              write_export: bool = True) -> dict[str, Any]:
    """Everything ``prefcraft build`` does, returned as the JSON document it prints."""
    from prefcraft.generate import build_dataset
    from prefcraft.generate.gate import gate_summary
    from prefcraft.taxonomy import load_taxonomy

    tax = load_taxonomy(taxonomy)
    t0 = time.perf_counter()
    if fill_gaps:
        ds, report, base_rows = _fill(fill_gaps, size, seed, tax, quiet)
    else:
        with progress_bar("building pairs", total=size, quiet=quiet) as bar:
            ds, report = build_dataset(size=size, seed=seed, benign_share=benign_share,
                                       taxonomy=taxonomy, progress=bar.update, return_report=True)
        base_rows = 0
    build_s = time.perf_counter() - t0
    os.makedirs(out, exist_ok=True)
    pairs_path = os.path.join(out, "pairs.jsonl")
    ds.save(pairs_path)

    doc: dict[str, Any] = {
        "out": out, "pairs_path": pairs_path, "rows": len(ds), "added": len(ds) - base_rows,
        "seed": seed, "plan": report.plan, "shortfall": report.shortfall,
        "gate": gate_summary(report.gate),
        "chosen_overall_mean": round(statistics.fmean(report.gate.chosen_overall), 3)
        if report.gate.chosen_overall else None,
        "build_seconds": round(build_s, 3),
    }
    timings = {"build": round(build_s, 3)}
    t = time.perf_counter()
    doc["validation"] = _validate(ds)
    timings["validate"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    stats = _stats(ds, tax)
    timings["stats"] = round(time.perf_counter() - t, 3)
    if stats is not None:
        doc["categories"] = {k: {kk: v[kk] for kk in ("count", "share", "target", "status")}
                             for k, v in stats["categories"].items()}
        doc["harms"] = {k: v["count"] for k, v in stats["harms"]["harms"].items()}
        doc["edge_case_share"] = stats["edge_case_share"]
        doc["multi_turn"] = stats.get("multi_turn")
        doc["diversity"] = {k: stats["diversity"][k] for k in ("unique_prompts", "distinct_2", "distinct_3")
                            if k in stats["diversity"]}
        ref = stats.get("refusal") or {}
        if ref.get("available") and ref["chosen"].get("overall"):
            doc["chosen_overall_mean"] = round(ref["chosen"]["overall"]["mean"], 3)
    t = time.perf_counter()
    doc["report"] = _report(stats, tax, out, quiet) if write_report else None
    timings["report"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    doc["trl"] = _export(ds, out, quiet) if write_export else None
    timings["export"] = round(time.perf_counter() - t, 3)
    doc["seconds"] = timings
    return doc


def _fill(path: str, n: int, seed: int, tax: Any, quiet: bool):
    from prefcraft.analysis.stats import gaps_only
    from prefcraft.generate import fill_gaps
    from prefcraft.io import read
    from prefcraft.model import Dataset

    base = read(path).dataset
    gaps = gaps_only(base, tax)["gaps"]
    with progress_bar("filling gaps", quiet=quiet):
        new, report = fill_gaps(base, gaps, n=n, seed=seed)
    fmt = base[0].format if len(base) else "conversational"
    if fmt == "standard" and not any(p.is_multi_turn for p in new):
        new = Dataset.from_pairs([_with_format(p, "standard") for p in new])
    return Dataset.concat([base, new]), report, len(base)


def _with_format(pair: Any, fmt: str) -> Any:
    pair.format = fmt
    return pair


def _validate(ds: Any) -> dict[str, Any]:
    from prefcraft.checks import validate

    try:
        result = validate(ds)
    except Exception as exc:  # noqa: BLE001 - reported, never hidden: the build itself is still written
        return {"available": False, "reason": f"validator failed: {type(exc).__name__}: {exc}"}
    findings = list(getattr(result, "findings", []))
    sev = lambda f: f.severity if hasattr(f, "severity") else f.get("severity")  # noqa: E731
    by_check: dict[str, int] = {}
    for f in findings:
        key = f"{getattr(f, 'check', '?')}:{sev(f)}"
        by_check[key] = by_check.get(key, 0) + 1
    return {"available": True, "errors": sum(sev(f) == "error" for f in findings),
            "warnings": sum(sev(f) == "warning" for f in findings), "by_check": by_check}


def _stats(ds: Any, tax: Any) -> dict[str, Any] | None:
    try:
        from prefcraft.analysis.stats import dataset_stats
    except ImportError:
        return None
    return dataset_stats(ds, tax, with_prompts=False)


def _report(stats: dict[str, Any] | None, tax: Any, out: str, quiet: bool) -> str | None:
    if stats is None:
        note("report skipped: prefcraft.analysis is not available", quiet)
        return None
    try:
        from prefcraft.analysis.report import check_available, write_report

        check_available()
    except Exception as exc:  # noqa: BLE001 - a missing extra only skips the report, with a note
        note(f"report skipped: {exc}", quiet)
        return None
    path = os.path.join(out, "report.html")
    write_report(stats, path, title="prefcraft build — Task-API dataset", taxonomy=tax)
    return path


def _export(ds: Any, out: str, quiet: bool) -> str | None:
    try:
        from prefcraft.export import export_trl  # type: ignore[attr-defined]
    except ImportError:
        note("TRL folder skipped: prefcraft.export is not available yet", quiet)
        return None
    path = os.path.join(out, "trl")
    export_trl(ds, path)
    return path


def render(doc: dict[str, Any]) -> None:
    secs = doc.get("seconds", {})
    console.print(f"[bold]{doc['rows']:,} pairs[/] written to {doc['pairs_path']} "
                  f"(seed {doc['seed']}, built in {doc['build_seconds']:.2f} s; "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in secs.items() if k != "build") + ")")
    if doc.get("categories"):
        t = Table(title="coverage (seed shares are of the seed categories; benign of all rows)",
                  title_justify="left")
        for col in ("category", "pairs", "share", "band", "status"):
            t.add_column(col, justify="left" if col in ("category", "status") else "right")
        for cid, c in doc["categories"].items():
            st = c["status"]
            t.add_row(cid, f"{c['count']:,}", _pct(c["share"]), _band(c["target"]),
                      f"[{_STYLE.get(st, '')}]{st}[/]")
        console.print(t)
        h = Table(title="harms", title_justify="left")
        for col in ("harm", "pairs"):
            h.add_column(col, justify="right" if col == "pairs" else "left")
        for k, v in doc["harms"].items():
            h.add_row(k, f"{v:,}")
        console.print(h)
    q = Table(title="quality", title_justify="left")
    q.add_column("measure")
    q.add_column("value", justify="right")
    g = doc["gate"]
    q.add_row("quality gate: kept / regenerated", f"{g['kept']:,} / {g['dropped']:,}")
    if doc.get("chosen_overall_mean") is not None:
        q.add_row("chosen graceful-refusal score (mean, 1–5)", f"{doc['chosen_overall_mean']:.2f}")
    v = doc["validation"]
    q.add_row("validator errors / warnings",
              f"{v['errors']} / {v['warnings']}" if v.get("available") else f"[dim]{v['reason']}[/]")
    if doc.get("multi_turn") is not None:
        q.add_row("multi-turn escalation pairs", str(doc["multi_turn"]))
    if doc.get("edge_case_share") is not None:
        q.add_row("edge-case share", _pct(doc["edge_case_share"]))
    if doc.get("diversity"):
        d = doc["diversity"]
        q.add_row("unique prompts", f"{d.get('unique_prompts', 0):,}")
        if "distinct_3" in d:
            q.add_row("prompt distinct-3", f"{d['distinct_3']:.2f}")
    console.print(q)
    for step in {x["step"]: x for x in doc["gate"].get("skipped", [])}.values():
        console.print(f"[yellow]quality gate step skipped: {step['step']} ({step['reason']})[/]")
    if doc["shortfall"]:
        console.print(f"[yellow]shortfall (language data ran out): {doc['shortfall']}[/]")
    for key, label in (("report", "report"), ("trl", "TRL folder")):
        if doc.get(key):
            console.print(f"{label}: {doc[key]}")


def register(app: typer.Typer) -> None:
    @app.command()
    def build(
        out: str = typer.Option(DEFAULT_OUT, "--out", "-o", metavar="DIR",
                                help="Folder for pairs.jsonl, report.html and the TRL folder."),
        size: int = typer.Option(300, "--size", "-n", min=1, help="Number of pairs to build."),
        seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same dataset."),
        benign_share: Optional[float] = typer.Option(
            None, "--benign-share", min=0.0, max=0.95,
            help="Share of benign look-alike pairs among all rows (default: the taxonomy's band centre, 0.15)."),
        taxonomy: Optional[str] = typer.Option(None, "--taxonomy", metavar="FILE",
                                               help="Your own taxonomy YAML (bands) instead of the built-in one."),
        fill_gaps: Optional[str] = typer.Option(
            None, "--fill-gaps", metavar="DATASET",
            help="Instead of a new build: add up to --size pairs for the gaps `stats` reports in DATASET "
                 "and write DATASET + the new pairs to DIR/pairs.jsonl."),
        report: bool = typer.Option(True, "--report/--no-report", help="Write DIR/report.html (report extra)."),
        export: bool = typer.Option(True, "--export/--no-export", help="Write the TRL-ready folder DIR/trl."),
        format: OutputFormat = FormatOption,
        quiet: bool = QuietOption,
    ) -> None:
        """Build the built-in Task-API safety preference dataset (pairs.jsonl + report)."""
        doc = run_build(out=out, size=size, seed=seed, benign_share=benign_share, taxonomy=taxonomy,
                        quiet=quiet or format == OutputFormat.json, fill_gaps=fill_gaps, write_report=report,
                        write_export=export)
        if format == OutputFormat.json:
            emit_json(doc)
        else:
            render(doc)
        v = doc["validation"]
        if v.get("available") and v.get("errors"):
            raise typer.Exit(1)
