"""``prefcraft review``: put pairs up for human review, serve the review app, export what was accepted.

    prefcraft review import data.jsonl review.db          # validator + refusal judgment run on import
    prefcraft review serve review.db [--min-reviews 2] [--backend scripted]
    prefcraft review export review.db accepted.jsonl [--min-reviews 2]
    prefcraft review stats review.db [--format json]
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Optional

import typer

from prefcraft.cli._common import FormatOption, OutputFormat, QuietOption, console, emit_json, note, progress_bar
from prefcraft.errors import InputError, UsageError

MIN_TOKEN_LENGTH = 16


def _existing_store(path: str):
    from prefcraft.review.store import ReviewStore

    if not Path(path).is_file():
        raise InputError(f"{path}: no such review store; create one with `prefcraft propose --backend scripted "
                         f"--category stalking --n 20 --store {path}` or `prefcraft review import DATASET {path}`",
                         path=path)
    return ReviewStore(path)


def check_bind(host: str, token: Optional[str]) -> None:
    """Refuse a non-loopback bind without a token, and a token too short to resist guessing."""
    from prefcraft.review.security import is_loopback

    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise UsageError(f"--token must be at least {MIN_TOKEN_LENGTH} characters (got {len(token)}); make one "
                         f"with: python -c 'import secrets; print(secrets.token_urlsafe(24))'")
    if not is_loopback(host) and not token:
        raise UsageError(f"refusing to bind {host}: the review app would be reachable from other machines "
                         f"without a password. Pass --token TOKEN (or set PREFCRAFT_REVIEW_TOKEN; make one with "
                         f"python -c 'import secrets; print(secrets.token_urlsafe(24))') or bind 127.0.0.1")


def _port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror}); pass another --port") from None


def register(app: typer.Typer) -> None:
    review = typer.Typer(name="review", help="Human review of pairs: import, serve the review app, export.",
                         no_args_is_help=True)
    app.add_typer(review, name="review")

    @review.command("serve")
    def serve(
        store: str = typer.Argument(..., metavar="DB", help="Review store (made by `propose --store` or `review import`)."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on. Anything but loopback needs --token."),
        port: int = typer.Option(8765, "--port", min=1, max=65535, help="Port to listen on."),
        token: Optional[str] = typer.Option(None, "--token", envvar="PREFCRAFT_REVIEW_TOKEN", help="Access token every browser must present (required off loopback)."),
        min_reviews: int = typer.Option(1, "--min-reviews", min=1, help="Decisions a pair needs before it counts as accepted/rejected."),
        backend: Optional[str] = typer.Option(None, "--backend", help="LLM backend for 'regenerate' (openai | transformers | scripted). Without it the button is disabled."),
        model: Optional[str] = typer.Option(None, "--model", help="Backend model (see `prefcraft backends`)."),
        base_url: Optional[str] = typer.Option(None, "--base-url", help="openai: API root ending in /v1."),
        api_key_env: Optional[str] = typer.Option(None, "--api-key-env", metavar="VAR", help="openai: environment variable holding the API key."),
        timeout: Optional[float] = typer.Option(None, "--timeout", help="openai: seconds per request."),
        max_retries: Optional[int] = typer.Option(None, "--max-retries", help="openai: retries on 429/5xx/timeouts."),
        gguf_file: Optional[str] = typer.Option(None, "--gguf-file", help="transformers: a .gguf file inside the --model folder."),
        script: Optional[str] = typer.Option(None, "--script", help="scripted: a YAML/JSON script (default: the built-in demo)."),
        config: Optional[str] = typer.Option(None, "--config", metavar="TOML", help="Backend settings file; flags win."),
        cache: Optional[str] = typer.Option(None, "--cache", metavar="DB", help="LLM response cache."),
        no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the LLM response cache."),
        judge_engine: str = typer.Option("rules", "--judge-engine", help="Refusal judgment engine used when re-checking edits."),
        taxonomy: Optional[str] = typer.Option(None, "--taxonomy", metavar="FILE", help="Your own taxonomy YAML (labels offered and checked when editing)."),
        quiet: bool = QuietOption,
    ) -> None:
        """Serve the review web app (binds 127.0.0.1 unless --host and --token are given)."""
        from prefcraft.errors import require

        check_bind(host, token)
        require("uvicorn", extra="review", feature="prefcraft review serve")
        _existing_store(store).close()
        llm = None
        if backend or config:
            from prefcraft.backends.config import build_backend, load_config, resolve_settings

            cfg = load_config(config)
            flags = {"name": backend, "model": model, "base_url": base_url, "api_key_env": api_key_env,
                     "timeout": timeout, "max_retries": max_retries, "gguf_file": gguf_file, "script": script}
            settings = resolve_settings(flags, cfg, "backend")
            cache_cfg = cfg.get("cache") or {}
            use_cache = not no_cache and bool(cache_cfg.get("enabled", True))
            llm = build_backend(settings, cache=use_cache, cache_path=cache)
        from prefcraft.refusal import engines
        from prefcraft.review.app import create_app

        engines.get(judge_engine)
        application = create_app(store, token=token, min_reviews=min_reviews, backend=llm, engine=judge_engine,
                                 taxonomy=taxonomy)
        _port_free(host, port)
        import uvicorn

        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
        if token:
            url += "?token=" + token
        note(f"reviewing {store} at {url}  (Ctrl+C stops; ? in the page lists the shortcuts)", quiet)
        if llm is None:
            note("regenerate is off: pass --backend to enable it", quiet)
        try:
            uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)
        finally:
            if llm is not None:
                llm.close()

    @review.command("import")
    def import_(
        dataset: str = typer.Argument(..., help="Dataset to put up for review (any format prefcraft reads)."),
        store: str = typer.Argument(..., metavar="DB", help="Review store; created if missing."),
        input_format: Optional[str] = typer.Option(None, "--input-format", help="Override format sniffing."),
        lenient: bool = typer.Option(False, "--lenient", help="Skip bad records (counted) instead of stopping."),
        judge_engine: str = typer.Option("rules", "--judge-engine", help="Refusal judgment engine run on import."),
        format: OutputFormat = FormatOption,
        quiet: bool = QuietOption,
    ) -> None:
        """Put an existing dataset up for review (validated and judged); re-importing adds nothing new."""
        from prefcraft.refusal import engines
        from prefcraft.review.annotate import import_dataset
        from prefcraft.review.store import ReviewStore

        engines.get(judge_engine)
        db = ReviewStore(store)
        try:
            with progress_bar("importing", quiet=quiet or format == OutputFormat.json) as bar:
                report = import_dataset(dataset, db, format=input_format, lenient=lenient, engine=judge_engine,
                                        progress=lambda done, total: bar.update(done))
        finally:
            db.close()
        out = report.to_dict()
        if format == OutputFormat.json:
            emit_json(out)
            return
        console.print(f"imported {report.added} new pair(s) from {dataset} into {store} "
                      f"({report.already_there} already there, {report.total} in the file)")
        if report.problems:
            console.print(f"skipped {report.problems} bad record(s) (--lenient)")
        for n in report.notes:
            note(f"note: {n}", quiet)
        console.print(f"next: prefcraft review serve {store}")

    @review.command("export")
    def export(
        store: str = typer.Argument(..., metavar="DB", help="Review store."),
        output: str = typer.Argument(..., help="Output dataset; the format comes from its extension."),
        min_reviews: int = typer.Option(1, "--min-reviews", min=1, help="Only pairs with at least N decisions (majority accept)."),
        output_format: Optional[str] = typer.Option(None, "--output-format", help="Override the output extension: jsonl, json, parquet, csv, tsv."),
        format: OutputFormat = FormatOption,
        quiet: bool = QuietOption,
    ) -> None:
        """Write the accepted pairs with review provenance (metadata.review: reviewers, edits, backend, model)."""
        from prefcraft.io.writers import output_format_for
        from prefcraft.review.annotate import export_accepted

        output_format_for(output, output_format)
        db = _existing_store(store)
        try:
            report = export_accepted(db, output, min_reviews=min_reviews, format=output_format)
        finally:
            db.close()
        if format == OutputFormat.json:
            emit_json(report.to_dict())
            return
        c = report.counts
        console.print(f"wrote {report.written} accepted pair(s) to {output} "
                      f"(of {c['total']}: {c['pending']} pending, {c['rejected']} rejected, "
                      f"{c['disputed']} disputed; min reviews {min_reviews})")
        if report.written == 0:
            note("note: nothing is accepted yet — review pairs with `prefcraft review serve " + store + "`", quiet)

    @review.command("stats")
    def stats(
        store: str = typer.Argument(..., metavar="DB", help="Review store."),
        min_reviews: int = typer.Option(1, "--min-reviews", min=1, help="Decisions a pair needs to count as decided."),
        format: OutputFormat = FormatOption,
    ) -> None:
        """Review progress and inter-reviewer agreement (percent agreement, Fleiss' and Cohen's kappa)."""
        db = _existing_store(store)
        try:
            out = {"store": store, "min_reviews": min_reviews, "progress": db.progress(min_reviews=min_reviews),
                   "agreement": db.agreement()}
        finally:
            db.close()
        if format == OutputFormat.json:
            emit_json(out)
            return
        p, a = out["progress"], out["agreement"]
        console.print(f"{p['total']} pairs: {p['accepted']} accepted, {p['rejected']} rejected, "
                      f"{p['disputed']} disputed, {p['pending']} pending ({p['reviews']} decisions, "
                      f"{p['edited']} edited)")
        if not a["items"]:
            console.print("agreement: no pair has two or more reviewers yet")
            return

        def k(v):  # type: ignore[no-untyped-def]
            return "undefined" if v is None else f"{v:.3f}"

        console.print(f"agreement over {a['items']} pair(s) with 2+ reviewers: "
                      f"{100 * a['percent_agreement']:.1f}% agreement, Fleiss' kappa {k(a['fleiss_kappa'])}")
        for c in a["cohen"]:
            console.print(f"  {' & '.join(c['reviewers'])}: {c['items']} shared, "
                          f"{100 * c['percent_agreement']:.1f}% agreement, Cohen's kappa {k(c['cohen_kappa'])}")
