"""``prefcraft generate prompts`` and ``prefcraft generate gaps``: prompt variations and gap filling."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from prefcraft.cli._common import (ErrorBoundaryGroup, FormatOption, OutputFormat, QuietOption, console,
                                   emit_json, note)


def _render_prompts(rows: list[dict]) -> None:
    t = Table(title=f"{len(rows)} prompt variations", title_justify="left", show_lines=True)
    for col in ("#", "harm", "subcategory", "prompt", "tags"):
        t.add_column(col, justify="right" if col == "#" else "left",
                     max_width=70 if col == "prompt" else None)
    for i, r in enumerate(rows, 1):
        p = r["prompt"]
        if isinstance(p, list):
            p = "\n".join(f"{m['role']}: {m['content']}" for m in p)
        t.add_row(str(i), r["harm"], r["subcategory"] or "—", p, ", ".join(r["tags"]))
    console.print(t)


def register(app: typer.Typer) -> None:
    gen = typer.Typer(cls=ErrorBoundaryGroup, no_args_is_help=True,
                      help="Prompt variations and gap filling from the built-in generator.")

    @gen.command("prompts")
    def prompts(
        category: str = typer.Option(..., "--category", "-c",
                                     help="direct_harm | prompt_injection | social_engineering | "
                                          "gradual_escalation | edge_cases | benign"),
        subcategory: Optional[str] = typer.Option(None, "--subcategory", "-s",
                                                  help="e.g. fictional_framing, role_override, subtle."),
        harm: Optional[str] = typer.Option(None, "--harm",
                                           help="stalking | harassment | deception | privacy_violation | self_harm"),
        n: int = typer.Option(10, "--n", "-n", min=1, help="How many variations."),
        seed: int = typer.Option(0, "--seed", help="Random seed."),
        format: OutputFormat = FormatOption,
    ) -> None:
        """Prompt variations only (no responses), deduplicated and reproducible."""
        from prefcraft.generate import generate_prompts
        from prefcraft.taxonomy import load_taxonomy

        tax = load_taxonomy()
        cat = tax.resolve_category(category) or category
        hm = tax.resolve_harm(harm) if harm else None
        rows = generate_prompts(cat, n=n, seed=seed, subcategory=subcategory, harm=hm or harm)
        if format == OutputFormat.json:
            emit_json({"category": cat, "n": len(rows), "prompts": rows})
        else:
            _render_prompts(rows)

    @gen.command("gaps")
    def gaps(
        dataset: str = typer.Argument(..., help="Dataset whose gaps (as `prefcraft stats` reports them) to fill."),
        out: str = typer.Option(..., "--out", "-o", metavar="FILE",
                                help="Where to write the dataset plus the new pairs (.jsonl, .json, .parquet…)."),
        n: Optional[int] = typer.Option(None, "--n", "-n", min=1,
                                        help="At most this many new pairs (default: what the gaps need)."),
        seed: int = typer.Option(0, "--seed", help="Random seed."),
        taxonomy: Optional[str] = typer.Option(None, "--taxonomy", metavar="FILE"),
        format: OutputFormat = FormatOption,
        quiet: bool = QuietOption,
    ) -> None:
        """Append pairs for the gaps that `prefcraft stats` reports."""
        from prefcraft.analysis.stats import gaps_only
        from prefcraft.generate import fill_gaps
        from prefcraft.io import read
        from prefcraft.model import Dataset
        from prefcraft.taxonomy import load_taxonomy

        tax = load_taxonomy(taxonomy)
        base = read(dataset).dataset
        found = gaps_only(base, tax)["gaps"]
        new, report = fill_gaps(base, found, n=n, seed=seed)
        merged = Dataset.concat([base, new]) if len(new) else base
        merged.save(out)
        added: dict[str, int] = {}
        for p in new:
            added[p.category] = added.get(p.category, 0) + 1
        doc = {"dataset": dataset, "out": out, "rows_before": len(base), "added": len(new),
               "rows": len(merged), "added_per_category": added,
               "gaps": [{k: g.get(k) for k in ("category", "subcategory", "harm", "needed")} for g in found],
               "shortfall": report.shortfall}
        if format == OutputFormat.json:
            emit_json(doc)
            return
        if not found:
            note("no gaps: every band is met; nothing added", quiet)
        console.print(f"added {len(new)} pairs ({', '.join(f'{k} +{v}' for k, v in added.items()) or 'none'}) "
                      f"→ {len(merged):,} pairs in {out}")

    app.add_typer(gen, name="generate")
