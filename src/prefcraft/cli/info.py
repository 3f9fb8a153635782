"""``prefcraft info PATH``: rows, formats, columns, category counts."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from prefcraft.analysis.info import dataset_info
from prefcraft.cli._common import FormatOption, OutputFormat, QuietOption, console, emit_json, progress_bar
from prefcraft.io import read


def register(app: typer.Typer) -> None:
    @app.command()
    def info(
        path: str = typer.Argument(..., help="Dataset file or save_to_disk folder."),
        input_format: Optional[str] = typer.Option(None, "--input-format", help="Override format sniffing."),
        lenient: bool = typer.Option(False, "--lenient", help="Skip bad records (counted) instead of stopping."),
        format: OutputFormat = FormatOption,
        quiet: bool = QuietOption,
    ) -> None:
        """Summarise a dataset: rows, formats, fields, categories."""
        with progress_bar("reading", quiet=quiet or format == OutputFormat.json) as bar:
            result = read(path, format=input_format, on_error="quarantine" if lenient else "raise",
                          progress=bar.update)
        summary = dataset_info(result.dataset, skipped=len(result.problems))
        if format == OutputFormat.json:
            emit_json(summary)
            return
        _render(summary)


def _render(s: dict) -> None:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("file", str(s["path"]))
    head.add_row("format", str(s["source_format"]))
    head.add_row("pairs", f"{s['rows']:,}" + (f"  ({s['skipped']} bad records skipped)" if s["skipped"] else ""))
    head.add_row("row formats", ", ".join(f"{k} {v:,}" for k, v in s["row_formats"].items()) or "-")
    head.add_row("multi-turn", f"{s['multi_turn']:,}")
    head.add_row("fields", ", ".join(s["fields"]))
    for src, dst in s["aliases"].items():
        head.add_row("alias", f"{src} → {dst}")
    for text in s["notes"]:
        head.add_row("note", text)
    console.print(head)
    lengths = Table(title="text length (characters)", title_justify="left")
    for col in ("field", "min", "median", "mean", "max"):
        lengths.add_column(col, justify="right" if col != "field" else "left")
    for name, st in s["lengths"].items():
        lengths.add_row(name, *(f"{st[k]:,.0f}" for k in ("min", "median", "mean", "max")))
    console.print(lengths)
    for key in ("category", "subcategory", "harm"):
        counts = s["counts"][key]
        if not counts:
            continue
        t = Table(title=f"{key} counts", title_justify="left")
        t.add_column(key)
        t.add_column("pairs", justify="right")
        t.add_column("share", justify="right")
        for name, n in counts.items():
            t.add_row(name if name is not None else "(none)", f"{n:,}", f"{n / max(s['rows'], 1):.1%}")
        console.print(t)
