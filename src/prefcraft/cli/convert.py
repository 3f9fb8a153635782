"""``prefcraft convert INPUT OUTPUT``: any supported format to any other, keeping every field."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from prefcraft.cli._common import FormatOption, OutputFormat, QuietOption, console, emit_json, note, progress_bar
from prefcraft.errors import UsageError
from prefcraft.io import read, write_quarantine
from prefcraft.io.writers import output_format_for


def default_quarantine_path(output: str) -> str:
    p = Path(output)
    return str(p.with_name(p.name + ".quarantine.jsonl"))


def register(app: typer.Typer) -> None:
    @app.command()
    def convert(
        input: str = typer.Argument(..., help="Dataset file (JSONL, JSON, CSV, TSV, Parquet) or save_to_disk folder."),
        output: str = typer.Argument(..., help="Output file; the format comes from its extension."),
        lenient: bool = typer.Option(False, "--lenient", help="Keep every good record; quarantine bad ones with reasons."),
        quarantine: Optional[str] = typer.Option(None, "--quarantine", help="Quarantine file (default: OUTPUT.quarantine.jsonl). Needs --lenient."),
        input_format: Optional[str] = typer.Option(None, "--input-format", help="Override format sniffing: jsonl, json, csv, tsv, parquet, hf."),
        output_format: Optional[str] = typer.Option(None, "--output-format", help="Override the output extension: jsonl, json, parquet, csv, tsv."),
        row_format: Optional[str] = typer.Option(None, "--row-format", help="Rewrite every row as 'standard' (strings) or 'conversational' (messages)."),
        with_ids: bool = typer.Option(False, "--with-ids", help="Add each pair's content-hash id as an 'id' field."),
        format: OutputFormat = FormatOption,
        quiet: bool = QuietOption,
    ) -> None:
        """Convert a dataset between formats, keeping every field."""
        if quarantine and not lenient:
            raise UsageError("--quarantine needs --lenient (strict mode stops at the first bad record)")
        if row_format not in (None, "standard", "conversational"):
            raise UsageError(f"--row-format must be 'standard' or 'conversational' (got {row_format!r})")
        output_format_for(output, output_format)  # fail on a bad output name before reading anything
        quiet = quiet or format == OutputFormat.json
        with progress_bar("reading", quiet=quiet) as bar:
            result = read(input, format=input_format, on_error="quarantine" if lenient else "raise",
                          progress=bar.update)
        ds = result.dataset
        for src, dst in ds.aliases.items():
            note(f"note: field '{src}' read as '{dst}'", quiet)
        for text in ds.notes:
            note(f"note: {text}", quiet)
        ds.save(output, format=output_format, row_format=row_format, include_id=with_ids)
        qpath = None
        if result.problems:
            qpath = quarantine or default_quarantine_path(output)
            write_quarantine(result.problems, qpath)
        if format == OutputFormat.json:
            emit_json({"input": input, "output": output, "written": len(ds), "quarantined": len(result.problems),
                       "quarantine": qpath, "aliases": ds.aliases, "notes": ds.notes})
        elif not quiet:
            console.print(f"wrote {len(ds)} pairs to {output}")
            if qpath:
                console.print(f"quarantined {len(result.problems)} bad record(s) with reasons in {qpath}")
