"""``prefcraft stats PATH`` and ``prefcraft gaps PATH``: coverage against the taxonomy."""

from __future__ import annotations

from typing import Any, Optional

import typer
from rich.table import Table

from prefcraft.cli._common import FormatOption, OutputFormat, QuietOption, console, emit_json, note, progress_bar


_STATUS_STYLE = {"under": "yellow", "within": "green", "over": "red", "untargeted": "dim",
                 "below_minimum": "red", "below_recommended": "yellow", "ok": "green"}

UseCaseOption = typer.Option(None, "--use-case", metavar="initial|domain|iterative",
                             help="Which size targets apply (the taxonomy's use_cases; default: "
                                  "its default_use_case, initial).")
TaxonomyOption = typer.Option(None, "--taxonomy", metavar="FILE",
                              help="Your own taxonomy YAML instead of the built-in one.")


def _read(path: str, input_format: Optional[str], lenient: bool, quiet: bool):
    from prefcraft.io import read

    with progress_bar("reading", quiet=quiet) as bar:
        result = read(path, format=input_format, on_error="quarantine" if lenient else "raise",
                      progress=bar.update)
    if result.problems:
        note(f"{len(result.problems)} bad records skipped (--lenient)", quiet)
    return result.dataset


def _taxonomy(path: Optional[str]):
    from prefcraft.taxonomy import load_taxonomy

    return load_taxonomy(path)


def register(app: typer.Typer) -> None:
    @app.command()
    def stats(
        path: str = typer.Argument(..., help="Dataset file or save_to_disk folder."),
        use_case: Optional[str] = UseCaseOption,
        format: OutputFormat = FormatOption,
        report: Optional[str] = typer.Option(None, "--report", metavar="OUT.html",
                                             help="Also write a self-contained HTML report "
                                                  "(needs the report extra)."),
        taxonomy: Optional[str] = TaxonomyOption,
        suggest_categories: bool = typer.Option(
            False, "--suggest-categories",
            help="Suggest a category (with a confidence) for every uncategorised row."),
        embed: bool = typer.Option(False, "--embed",
                                   help="Add embedding spread to diversity and blend a MiniLM head into "
                                        "--suggest-categories (needs the embed extra)."),
        refusal: bool = typer.Option(True, "--refusal/--no-refusal",
                                     help="Summarise refusal quality when prefcraft.refusal can judge."),
        input_format: Optional[str] = typer.Option(None, "--input-format", help="Override format sniffing."),
        lenient: bool = typer.Option(False, "--lenient", help="Skip bad records (counted) instead of stopping."),
        quiet: bool = QuietOption,
    ) -> None:
        """Coverage against the taxonomy's bands, with gaps and prompts to add.

        Counts, shares and band status per category, subcategory and harm; size against the use case;
        lengths; diversity; refusal quality; gaps with prompts to add."""
        from prefcraft.analysis.stats import dataset_stats

        tax = _taxonomy(taxonomy)
        uc = use_case.strip().lower() if use_case else None
        if uc is not None:
            tax.use_case(uc)
        if report:
            from prefcraft.analysis.report import check_available

            check_available()  # fail before the work when the report extra is missing
        ds = _read(path, input_format, lenient, quiet or format == OutputFormat.json)
        data = dataset_stats(ds, tax, use_case=uc, suggest_categories=suggest_categories,
                             refusal=refusal, embed=embed)
        if report:
            from prefcraft.analysis.report import write_report

            write_report(data, report, title=f"prefcraft stats — {path}", taxonomy=tax)
            note(f"report written to {report}", quiet)
        if format == OutputFormat.json:
            emit_json(_public(data))
            return
        render_stats(data, tax)

    @app.command()
    def gaps(
        path: str = typer.Argument(..., help="Dataset file or save_to_disk folder."),
        use_case: Optional[str] = UseCaseOption,
        format: OutputFormat = FormatOption,
        taxonomy: Optional[str] = TaxonomyOption,
        input_format: Optional[str] = typer.Option(None, "--input-format", help="Override format sniffing."),
        lenient: bool = typer.Option(False, "--lenient", help="Skip bad records (counted) instead of stopping."),
        quiet: bool = QuietOption,
    ) -> None:
        """What is under target, exactly how many pairs each gap needs, and prompts to add."""
        from prefcraft.analysis.stats import gaps_only

        tax = _taxonomy(taxonomy)
        uc = use_case.strip().lower() if use_case else None
        if uc is not None:
            tax.use_case(uc)
        ds = _read(path, input_format, lenient, quiet or format == OutputFormat.json)
        data = gaps_only(ds, tax, use_case=uc)
        if format == OutputFormat.json:
            emit_json(data)
            return
        _render_size(data)
        _render_gaps(data)


def _public(data: dict[str, Any]) -> dict[str, Any]:
    """The JSON document: drop bulky raw value lists kept for the HTML report."""
    out = dict(data)
    out["lengths"] = {k: {kk: vv for kk, vv in v.items() if kk != "values_words"}
                      for k, v in data["lengths"].items()}
    ref = data.get("refusal") or {}
    if ref.get("available"):
        out["refusal"] = {**ref, **{
            k: {**ref[k], "overall": {kk: vv for kk, vv in (ref[k]["overall"] or {}).items()
                                      if kk != "values"} or None}
            for k in ("chosen", "rejected")}}
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _band(b: Any) -> str:
    return f"{100 * b[0]:g}–{100 * b[1]:g} %" if b else "—"


def _styled(status: str) -> str:
    return f"[{_STATUS_STYLE.get(status, '')}]{status}[/]"


def render_stats(d: dict[str, Any], tax: Any) -> None:
    _render_size(d)
    t = Table(title="categories", title_justify="left",
              caption="seed categories: share of rows in the seed categories; benign: of all rows",
              caption_justify="left")
    for col in ("category", "pairs", "share", "band", "status"):
        t.add_column(col, justify="left" if col in ("category", "status") else "right")
    for cid, c in d["categories"].items():
        t.add_row(cid, f"{c['count']:,}", _pct(c["share"]), _band(c["target"]), _styled(c["status"]))
    unc, unk = d["uncategorised"], d["unknown_categories"]
    if unk["count"]:
        t.add_row("[red](unknown)[/]", f"{unk['count']:,}", "", "",
                  ", ".join(f"{k!r}×{v}" for k, v in list(unk["values"].items())[:5]))
    if unc["count"]:
        t.add_row("[yellow](uncategorised)[/]", f"{unc['count']:,}", "", "",
                  "see --suggest-categories")
    console.print(t)

    sub = Table(title="subcategories (share of their category)", title_justify="left")
    for col in ("category", "subcategory", "pairs", "share"):
        sub.add_column(col, justify="right" if col in ("pairs", "share") else "left")
    for cid, s in d["subcategories"].items():
        for sid, v in s["subcategories"].items():
            sub.add_row(cid, sid, f"{v['count']:,}", _pct(v["share"]))
        if s["unlabelled"]:
            sub.add_row(cid, "[dim](none)[/]", f"{s['unlabelled']:,}", "")
        for raw, n in s["unknown"].items():
            sub.add_row(cid, f"[red]{raw!r} (unknown)[/]", f"{n:,}", "")
    console.print(sub)

    m = d["matrix"]
    mt = Table(title="category × harm", title_justify="left")
    mt.add_column("")
    for c in m["columns"]:
        mt.add_column(c, justify="right")
    for r, row in zip(m["rows"], m["counts"]):
        mt.add_row(r, *(str(v) if v else "[dim]·[/]" for v in row))
    h = d["harms"]
    mt.caption = (f"harm shares among {h['labelled']} labelled rows: " +
                  ", ".join(f"{k} {_pct(v['share'])} ({v['status']})" for k, v in h["harms"].items())
                  + (f"; unknown harms: {h['unknown']}" if h["unknown"] else ""))
    console.print(mt)

    lt = Table(title="lengths (words)", title_justify="left")
    for col in ("field", "min", "median", "mean", "p95", "max"):
        lt.add_column(col, justify="right" if col != "field" else "left")
    for name, st in d["lengths"].items():
        w = st["words"]
        lt.add_row(name, *(f"{w[k]:,.0f}" for k in ("min", "median", "mean", "p95", "max")))
    console.print(lt)

    dv = d["diversity"]
    line = (f"prompt diversity: {dv['unique_prompts']}/{dv['prompts']} unique; distinct-1 "
            f"{dv['distinct_1']:.2f}, distinct-2 {dv['distinct_2']:.2f}, distinct-3 {dv['distinct_3']:.2f}")
    if dv.get("embedding_spread"):
        line += f"; embedding spread {dv['embedding_spread']['mean_distance_to_centroid']:.3f}"
    else:
        line += " [dim](--embed adds embedding spread)[/]"
    console.print(line)
    if dv["top_openings"]:
        console.print("most repeated openings: " + "; ".join(
            f"“{o['opening']}…” ×{o['count']}" for o in dv["top_openings"]))
    ref = d.get("refusal") or {}
    if ref.get("available"):
        for name in ("chosen", "rejected"):
            r = ref[name]
            kinds = ", ".join(f"{k} {v}" for k, v in r["kinds"].items())
            score = f"; graceful-refusal score mean {r['overall']['mean']:.2f}" if r["overall"] else ""
            console.print(f"refusal quality — {name}: {kinds}{score}")
        p = ref["pairs"]
        if p["non_benign"]:
            console.print(f"  chosen declines and rejected complies in {p['chosen_declines_rejected_complies']}"
                          f"/{p['non_benign']} non-benign pairs; benign pairs whose chosen does not "
                          f"comply: {p['benign_chosen_not_compliant']}")
    else:
        console.print(f"[dim]refusal quality: skipped ({ref.get('reason', 'not available')})[/]")
    if d.get("suggested_categories"):
        st = Table(title="suggested categories for uncategorised rows (not applied)",
                   title_justify="left")
        for col in ("row", "suggested", "confidence", "prompt markers"):
            st.add_column(col, justify="right" if col in ("row", "confidence") else "left")
        for s in d["suggested_categories"]:
            st.add_row(str(s["row"]), s["category"], f"{s['confidence']:.2f}",
                       ", ".join(s.get("markers", [])))
        console.print(st)
    _render_gaps(d)


def _render_size(d: dict[str, Any]) -> None:
    s = d["size"]
    if s["use_case"] is None:
        console.print(f"[bold]{d['rows']:,} pairs[/] (the taxonomy defines no use cases); "
                      f"edge-case share {_pct(d['edge_case_share'])}")
        return
    console.print(
        f"[bold]{d['rows']:,} pairs[/] — use case {s['use_case']}: minimum {s['minimum']}, "
        f"recommended {s['recommended'][0]}–{s['recommended'][1]} → {_styled(s['status'])}"
        + (f" (add {s['needed_for_recommended']} to reach the recommended size)"
           if s["needed_for_recommended"] else "")
        + f"; edge-case share {_pct(d['edge_case_share'])}")


def _render_gaps(d: dict[str, Any]) -> None:
    gaps = d["gaps"]
    if not gaps:
        console.print("[green]no gaps: every band and cell is met[/]")
    else:
        t = Table(title=f"gaps ({len(gaps)})", title_justify="left", show_lines=True)
        for col in ("kind", "where", "needed", "why", "prompts to add"):
            t.add_column(col, justify="right" if col == "needed" else "left",
                         max_width=60 if col == "prompts to add" else None)
        for g in gaps:
            where = g["category"] + (f" / {g['subcategory']}" if g["subcategory"] else "") + \
                (f" × {g['harm']}" if g["harm"] else "")
            t.add_row(g["kind"], where, str(g["needed"]), g["reason"],
                      "\n".join(f"• {p}" for p in g["suggested_prompts"][:2]))
        console.print(t)
    plan = (d.get("gap_summary") or {}).get("plan")
    if plan and plan["total_to_add"]:
        adds = ", ".join(f"{k} +{v}" for k, v in plan["per_category"].items() if v)
        console.print(f"joint plan: add {plan['total_to_add']} pairs ({adds}) → "
                      f"{plan['final_rows']} pairs with every band and the recommended size met")
    elif plan:
        console.print("[green]every category band and the recommended size already hold[/]")
