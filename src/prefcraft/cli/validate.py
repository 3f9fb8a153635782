"""``prefcraft validate PATH``: run every check; findings grouped by check, or JSON for scripts.

Exit codes: 0 no error-severity finding, 1 at least one, 2 unreadable input or bad usage.
"""

from __future__ import annotations

from typing import List, Optional

import typer
from rich.table import Table

from prefcraft.cli._common import FormatOption, OutputFormat, QuietOption, console, emit_json, note, progress_bar

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _render(report, limit: int) -> None:
    groups = report.by_check()
    for check_id, findings in groups.items():
        sev = max((f.severity for f in findings), key=lambda s: {"info": 0, "warning": 1, "error": 2}[s])
        t = Table(title=f"[{_STYLE[sev]}]{check_id}[/] — {len(findings)} finding{'s' * (len(findings) != 1)}",
                  title_justify="left", show_lines=False)
        t.add_column("row", justify="right", no_wrap=True)
        t.add_column("severity", no_wrap=True)
        t.add_column("message", overflow="fold")
        shown = findings if limit <= 0 else findings[:limit]
        for f in shown:
            t.add_row("—" if f.row is None else str(f.row), f"[{_STYLE[f.severity]}]{f.severity}[/]", f.message)
        if len(shown) < len(findings):
            t.add_row("…", "", f"{len(findings) - len(shown)} more — --limit 0 shows all, --format json lists all")
        console.print(t)
    c = report.counts()
    status = "[bold red]FAILED[/]" if report.has_errors else "[bold green]OK[/]"
    console.print(f"{status} {report.rows} rows · {c['error']} errors · {c['warning']} warnings · {c['info']} info · "
                  f"{len(report.checks_run)} checks run" + (f" · {len(report.checks_skipped)} skipped"
                                                            if report.checks_skipped else ""))
    for s in report.checks_skipped:
        console.print(f"[yellow]skipped[/] {s['check']}: {s['reason']}", markup=True, highlight=False)


def register(app: typer.Typer) -> None:
    @app.command()
    def validate(
        path: str = typer.Argument(..., help="Dataset file (JSONL, JSON, CSV, TSV, Parquet) or save_to_disk folder."),
        format: OutputFormat = FormatOption,
        against: Optional[str] = typer.Option(None, "--against", metavar="OTHER",
                                              help="Another split (e.g. test.jsonl): flag prompts that leak into it."),
        tokenizer: Optional[str] = typer.Option(None, "--tokenizer", metavar="T",
                                                help="Local tokenizer folder for too-long (with --max-length)."),
        max_length: Optional[int] = typer.Option(None, "--max-length", metavar="N",
                                                 help="Training max_length in tokens (with --tokenizer)."),
        only: Optional[List[str]] = typer.Option(None, "--only", metavar="IDS",
                                                 help="Run only these checks (comma-separated ids, repeatable; see "
                                                      "prefcraft checks)."),
        skip: Optional[List[str]] = typer.Option(None, "--skip", metavar="IDS",
                                                 help="Do not run these checks (comma-separated, repeatable)."),
        lenient: bool = typer.Option(False, "--lenient",
                                     help="Report unreadable records as warnings (skipped), so only the good "
                                          "records decide the exit code."),
        taxonomy: Optional[str] = typer.Option(None, "--taxonomy", metavar="FILE",
                                               help="Your own taxonomy YAML instead of the built-in one."),
        min_chars: int = typer.Option(50, "--min-chars", metavar="N",
                                      help="Minimum characters for chosen and rejected."),
        limit: int = typer.Option(20, "--limit", metavar="N", help="Findings shown per check in text output (0: all)."),
        input_format: Optional[str] = typer.Option(None, "--input-format", help="Override format sniffing."),
        quiet: bool = QuietOption,
    ) -> None:
        """Check a dataset: schema, content, refusal quality, duplicates, leakage, balance, length."""
        from prefcraft.checks import select_checks
        from prefcraft.checks import validate as run_validate
        from prefcraft.errors import UsageError
        from prefcraft.io import read

        if (tokenizer is None) != (max_length is None):
            raise UsageError("--tokenizer and --max-length go together: pass both (e.g. --tokenizer ./tok "
                             "--max-length 1024) or neither")
        n_checks = len(select_checks(only, skip))  # bad ids fail before reading
        tax = None
        if taxonomy:
            from prefcraft.taxonomy import load_taxonomy

            tax = load_taxonomy(taxonomy)
        quiet_bars = quiet or format == OutputFormat.json
        with progress_bar("reading", quiet=quiet_bars) as bar:
            result = read(path, format=input_format, on_error="collect", progress=bar.update)
        ds = result.dataset
        ds.problems = result.problems
        with progress_bar("checking", total=n_checks, quiet=quiet_bars) as bar:
            def progress(done: int, total: int, name: str) -> None:
                bar.update(done)

            report = run_validate(ds, only=only, skip=skip, against=against, tokenizer=tokenizer,
                                  max_length=max_length, min_chars=min_chars, taxonomy=tax, lenient=lenient,
                                  progress=progress)
        if report.not_applicable and format != OutputFormat.json:
            note("not run: " + "; ".join(f"{n['check']} ({n['reason']})" for n in report.not_applicable), quiet)
        if format == OutputFormat.json:
            emit_json(report.to_dict())
        else:
            _render(report, limit)
        raise typer.Exit(report.exit_code)
