"""``prefcraft propose``: fill a review store with AI-proposed pairs (validated and judged), resumably.

    prefcraft propose --backend scripted --category direct_harm --n 20 --store review.db
    prefcraft propose --backend openai --model qwen2.5-7b --base-url http://127.0.0.1:8000/v1 \\
        --gaps-from data.jsonl --store review.db

The job id is a hash of the normalised command (backend identity, what to propose, seed), so running the
same command again resumes it: stored pairs are skipped, the rest are proposed. ``kill -9`` loses at most
the pairs in flight, and they are redone.
"""

from __future__ import annotations

from typing import Optional

import typer

from prefcraft.cli._common import FormatOption, OutputFormat, QuietOption, console, emit_json, note, progress_bar
from prefcraft.errors import UsageError
from prefcraft.io.digest import file_digest


def _open_store(path: str):
    try:
        from prefcraft.review.store import ReviewStore
    except ImportError as exc:  # pragma: no cover - the review package ships with prefcraft
        raise UsageError(f"the review store is not available ({exc}); reinstall prefcraft") from None
    return ReviewStore(path)


def _resolve_cell(tax, category, subcategory, harm):
    import difflib

    def bad(kind: str, value: str, options: list[str]) -> UsageError:
        close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
        hint = f" — did you mean {close[0]!r}?" if close else ""
        return UsageError(f"unknown {kind} {value!r}; expected one of: {', '.join(options)}{hint}")

    cid = tax.resolve_category(category)
    if cid is None:
        raise bad("--category", category, tax.category_ids)
    sid = None
    if subcategory:
        sid = tax.resolve_subcategory(subcategory, cid)
        if sid is None:
            raise bad(f"--subcategory for {cid}", subcategory,
                      [s.id for s in tax.category(cid).subcategories] or ["(none: this category has none)"])
    hid = None
    if harm:
        hid = tax.resolve_harm(harm)
        if hid is None:
            raise bad("--harm", harm, tax.harm_ids)
    return cid, sid, hid


def register(app: typer.Typer) -> None:
    @app.command()
    def propose(
        store: str = typer.Option(..., "--store", metavar="DB",
            help="Review store (SQLite) to fill; created if missing."),
        backend: Optional[str] = typer.Option(None, "--backend",
            help="openai | transformers | scripted (see `prefcraft backends`). Required (here or in --config)."),
        model: Optional[str] = typer.Option(None, "--model",
            help="Model name (openai), model folder (transformers) or script name (scripted)."),
        base_url: Optional[str] = typer.Option(None, "--base-url", help="openai: API root ending in /v1."),
        api_key_env: Optional[str] = typer.Option(None, "--api-key-env", metavar="VAR",
            help="openai: environment variable holding the API key (default OPENAI_API_KEY)."),
        timeout: Optional[float] = typer.Option(None, "--timeout", help="openai: seconds per request (default 60)."),
        max_retries: Optional[int] = typer.Option(None, "--max-retries",
            help="openai: retries on 429/5xx/timeouts (default 4)."),
        gguf_file: Optional[str] = typer.Option(None, "--gguf-file",
            help="transformers: a .gguf file inside the --model folder."),
        script: Optional[str] = typer.Option(None, "--script",
            help="scripted: a YAML/JSON script (default: the built-in demo)."),
        delay: Optional[float] = typer.Option(None, "--delay", help="scripted: seconds added to every call."),
        concurrency: Optional[int] = typer.Option(None, "--concurrency", min=1, help="LLM calls in flight at once."),
        config: Optional[str] = typer.Option(None, "--config", metavar="TOML",
            help="Backend settings file ([backend], [cache]); flags win."),
        category: Optional[str] = typer.Option(None, "--category", help="Category to propose for (id or alias)."),
        subcategory: Optional[str] = typer.Option(None, "--subcategory", help="Limit to one subcategory."),
        harm: Optional[str] = typer.Option(None, "--harm", help="Limit to one harm type."),
        n: Optional[int] = typer.Option(None, "--n", min=1,
            help="Pairs to propose (with --gaps-from: at most this many)."),
        gaps_from: Optional[str] = typer.Option(None, "--gaps-from", metavar="DATASET",
            help="Propose what `prefcraft gaps DATASET` says is missing."),
        input_format: Optional[str] = typer.Option(None, "--input-format", help="Format of the --gaps-from dataset."),
        taxonomy: Optional[str] = typer.Option(None, "--taxonomy", metavar="FILE", help="Your own taxonomy YAML."),
        job_id: Optional[str] = typer.Option(None, "--job-id",
            help="Name the job (default: derived from the command, so re-running resumes)."),
        seed: int = typer.Option(0, "--seed", help="Seed for the plan and the backend's sampling."),
        judge_engine: str = typer.Option("rules", "--judge-engine",
            help="Refusal judgment engine for each pair (rules, embed, llm)."),
        cache: Optional[str] = typer.Option(None, "--cache", metavar="DB",
            help="LLM response cache (default ~/.cache/prefcraft/llm.db)."),
        no_cache: bool = typer.Option(False, "--no-cache",
            help="Always call the backend (nothing read from or written to the cache)."),
        format: OutputFormat = FormatOption,
        quiet: bool = QuietOption,
    ) -> None:
        """Propose pairs with an LLM backend into a review store; each is validated and judged.

        Re-running the same command resumes the job (0 lost, 0 duplicated after kill -9)."""
        from pathlib import Path

        from prefcraft.ai import jobs
        from prefcraft.backends.config import build_backend, load_config, resolve_settings
        from prefcraft.refusal import engines
        from prefcraft.taxonomy import load_taxonomy

        if gaps_from and (category or subcategory or harm):
            raise UsageError("--gaps-from decides the categories itself; drop --category/--subcategory/--harm "
                             "or drop --gaps-from")
        if not gaps_from and not category:
            raise UsageError("say what to propose: --category NAME --n N, or --gaps-from DATASET")
        if category and n is None:
            raise UsageError("--category needs --n (how many pairs to propose)")
        cfg = load_config(config)
        flags = {"name": backend, "model": model, "base_url": base_url, "api_key_env": api_key_env,
                 "timeout": timeout, "max_retries": max_retries, "gguf_file": gguf_file, "script": script,
                 "delay": delay, "concurrency": concurrency}
        settings = resolve_settings(flags, cfg, "backend")
        cache_cfg = cfg.get("cache") or {}
        use_cache = not no_cache and bool(cache_cfg.get("enabled", True))
        cache_path = cache or (str(Path(cache_cfg["path"]).expanduser()) if cache_cfg.get("path") else None)
        engines.get(judge_engine)  # an unknown engine fails before any work
        tax = load_taxonomy(taxonomy)
        dataset = None
        digest = None
        if gaps_from:
            from prefcraft.io import read

            dataset = read(gaps_from, format=input_format).dataset
            digest = file_digest(gaps_from)
        else:
            category, subcategory, harm = _resolve_cell(tax, category, subcategory, harm)
        llm = build_backend(settings, cache=use_cache, cache_path=cache_path)
        if judge_engine == "llm":
            from prefcraft.ai.judge import use_backend

            use_backend(llm)
        spec = jobs.ProposalSpec(backend=llm.identity(), category=category, subcategory=subcategory, harm=harm,
                                 n=n, gaps_from=gaps_from, gaps_digest=digest, seed=seed,
                                 judge_engine=judge_engine, taxonomy=taxonomy)
        total = len(jobs.plan_slots(spec, tax, dataset))
        if total == 0:
            note("nothing to propose: the dataset has no gaps" if gaps_from else "nothing to propose", quiet)
        db = _open_store(store)
        try:
            with progress_bar("proposing", total, quiet=quiet or format == OutputFormat.json) as bar:
                report = jobs.run_job(spec, llm, db, job_id=job_id, dataset=dataset, taxonomy=tax,
                                      concurrency=concurrency, progress=lambda done, _t: bar.update(done))
        finally:
            llm.close()
            close = getattr(db, "close", None)
            if close:
                close()
        out = report.to_dict()
        out["store"] = store
        if format == OutputFormat.json:
            emit_json(out)
        else:
            _render(out, quiet)
        if report.failed:
            raise typer.Exit(1)


def say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _render(r: dict, quiet: bool) -> None:
    new = r["added"]
    old = r["already_done"] + r["skipped_existing"]
    say(f"job {r['job_id']}: {r['done']}/{r['total']} pairs in {r['store']} ({new} new, {old} already there)")
    say(f"{r['calls']} LLM calls ({r['cached_calls']} from cache), {r['seconds']:.1f} s")
    for msg in r["notes"]:
        note(f"note: {msg}", quiet)
    if r["failed"]:
        say(f"{len(r['failed'])} slot(s) failed (re-run the same command to retry them; an "
            f"unparseable cached reply needs --no-cache):")
        for f in r["failed"][:20]:
            say(f"  {f['key']}: {f['error']}; reply began: {f['raw'][:120]!r}")
    else:
        say(f"next: prefcraft review serve {r['store']}")
