"""``prefcraft export``: TRL / Hugging Face folder (or OpenAI, LLaMA-Factory, KTO) with a pre-flight."""

from __future__ import annotations

from collections import Counter
from typing import Optional

import typer

from prefcraft.cli._common import console, emit_json, err_console, note

_HELP = (
    "Export PATH for training: TRL / Hugging Face (default), OpenAI, LLaMA-Factory or KTO.\n\n"
    "By default a datasets.DatasetDict (train/test) saved with save_to_disk in DIR, "
    "plus train.jsonl/test.jsonl, a dataset card (README.md) and export.json.\n\n"
    "The pre-flight (on by default) reports identical / empty / role-broken rows, mixed formats and, with "
    "--tokenizer, the rows TRL would silently drop (prompt >= --max-length), truncate, or tokenise with a "
    "prefix mismatch. Errors stop the export (exit 1, nothing written) unless --force.\n\n"
    "--chat-template takes a template shipped with trl ({names}), a .jinja file or a tokenizer folder."
)


def _template_names() -> str:
    try:
        from prefcraft.export.templates import trl_template_names

        names = [n for n in trl_template_names() if not n.endswith("_training")]
        return ", ".join(names) if names else "none: trl is not installed"
    except Exception:  # noqa: BLE001 - help text must always render
        return "see docs/export.md"


def _print_findings(findings, *, limit: int, to_err: bool) -> None:
    out = err_console if to_err else console
    for f in findings[:limit]:
        row = "-" if f.row is None else str(f.row)
        out.print(f"{f.severity:<7} {f.check:<26} row {row:<6} {f.message}", markup=False, highlight=False,
                  soft_wrap=True)
    if len(findings) > limit:
        out.print(f"… and {len(findings) - limit} more (all of them: --json, or export.json with --force)",
                  markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("export", help=_HELP.format(names=_template_names()))
    def export_cmd(
        path: str = typer.Argument(..., help="Pairs file (JSONL, JSON, CSV/TSV, Parquet) or a save_to_disk folder."),
        out: str = typer.Option(..., "--out", "-o", help="Output folder (replaced atomically, only on success)."),
        format: Optional[str] = typer.Option(None, "--format", help="Row format: conversational or standard "
                                             "(default: standard when every row is a single-turn standard row)."),
        tokenizer: Optional[str] = typer.Option(None, "--tokenizer", help="Local tokenizer folder: renders "
                                                "standard prompts and enables the token pre-flight."),
        chat_template: Optional[str] = typer.Option(None, "--chat-template", help="trl template name, .jinja "
                                                    "file or tokenizer folder."),
        max_length: Optional[int] = typer.Option(None, "--max-length", help="TRL's DPOConfig.max_length "
                                                 "(default 1024, as TRL) for the token pre-flight."),
        test_size: float = typer.Option(0.1, "--test-size", help="Test share, stratified and leakage-free."),
        seed: int = typer.Option(0, "--seed", help="Split seed (same seed, same split)."),
        keep_metadata: bool = typer.Option(False, "--keep-metadata", help="Also write id, category, "
                                           "subcategory, harm, tags, source columns."),
        to: str = typer.Option("trl", "--to", help="Target: trl, openai, llama-factory or kto."),
        license: str = typer.Option("other", "--license", help="License in the dataset card's YAML header."),
        no_preflight: bool = typer.Option(False, "--no-preflight", help="Skip the pre-flight."),
        force: bool = typer.Option(False, "--force", help="Write even when the pre-flight finds errors."),
        json_out: bool = typer.Option(False, "--json", help="Print the result as JSON (for scripts)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors on stderr."),
    ) -> None:
        from prefcraft.export import PreflightError, export

        try:
            result = export(path, out, target=to, format=format, tokenizer=tokenizer, chat_template=chat_template,
                            max_length=max_length, test_size=test_size, seed=seed, keep_metadata=keep_metadata,
                            license=license, preflight=not no_preflight, force=force)
        except PreflightError as exc:
            if json_out:
                emit_json({"written": False, "error": str(exc), "findings": [f.to_dict() for f in exc.findings]})
            else:
                _print_findings(exc.findings, limit=50, to_err=True)
            err_console.print("[bold red]error:[/] ", end="", markup=True)
            err_console.print(str(exc), markup=False, soft_wrap=True, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        if json_out:
            emit_json({"written": True, **result.to_dict()})
            return
        counts = Counter(f.severity for f in result.findings)
        total = sum(result.splits.values())
        console.print(f"exported {total:,} rows to {result.out} ({result.target}"
                      + (f", {result.format}" if result.format else "")
                      + "): " + ", ".join(f"{s} {n:,}" for s, n in result.splits.items()), markup=False,
                      highlight=False, soft_wrap=True)
        if not quiet:
            note(f"splits keep {result.linked_rows:,} rows that share a prompt, a near-duplicate or a "
                 f"conversation together ({result.groups:,} groups)", quiet)
            if result.findings:
                _print_findings(result.findings, limit=20, to_err=True)
            note(f"pre-flight: {counts.get('error', 0)} error(s), {counts.get('warning', 0)} warning(s)"
                 + ("" if not no_preflight else " (skipped)"), quiet)
