"""``prefcraft score PATH``: classify responses and grade refusals (graceful-refusal rubric).

Reads any dataset the readers accept and judges its ``chosen`` (default) or ``rejected`` responses,
or plain ``prompt`` + ``response`` rows (``--field response``). ``--format json`` prints exactly
``{"rows": [{"row", "kind", "confidence", "criteria", "anti_patterns", "overall", "suggestions"}],
"summary": {…}}``; rows are numbered from 0 in input order.
"""

from __future__ import annotations

from enum import Enum
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from prefcraft.cli._common import FormatOption, OutputFormat, QuietOption, console, emit_json, note


class Field(str, Enum):
    chosen = "chosen"
    rejected = "rejected"
    response = "response"


_KIND_STYLE = {"refusal": "green", "partial_refusal": "yellow", "clarification": "cyan",
               "compliance": "red", "unscorable": "dim"}
_SHORT = {"acknowledgment": "ack", "boundary": "bnd", "reason": "rsn", "alternative": "alt",
          "engagement": "eng"}


def register(app: typer.Typer) -> None:
    @app.command()
    def score(
        path: str = typer.Argument(..., help="Dataset file/folder, or a file of prompt + response rows."),
        field: Field = typer.Option(Field.chosen, "--field", case_sensitive=False,
                                    help="chosen | rejected (dataset pairs) or response "
                                         "(rows with 'prompt' and 'response' fields)."),
        format: OutputFormat = FormatOption,
        explain: bool = typer.Option(False, "--explain", help="Show the evidence spans behind each judgment."),
        engine: str = typer.Option("rules", "--engine",
                                   help="rules (default, no torch) | embed (needs the embed extra)."),
        limit: int = typer.Option(50, "--limit", min=0,
                                  help="Text view: show at most N rows (weakest first); 0 = all."),
        input_format: Optional[str] = typer.Option(None, "--input-format", help="Override format sniffing."),
        quiet: bool = QuietOption,
    ) -> None:
        """Judge responses: refusal kind and the graceful-refusal rubric.

        Classifies each response (refusal, partial_refusal, compliance, clarification, unscorable) and
        grades refusals: acknowledgment, boundary, reason, alternative, engagement (1-5), anti-patterns,
        overall and suggestions."""
        from prefcraft.refusal import engines, judge_many
        from prefcraft.refusal.records import read_pairs_field, read_prompt_response
        from prefcraft.refusal.summary import summarise

        engines.get(engine)  # unknown engine / missing extra fails before reading
        if field == Field.response:
            prompts, responses = read_prompt_response(path, format=input_format)
        else:
            prompts, responses = read_pairs_field(path, field.value, format=input_format)
        judgments = judge_many(prompts, responses, engine=engine)
        rows = [{"row": i, **j.to_dict()} for i, j in enumerate(judgments)]
        summary = summarise(judgments, engine=engine, field=field.value)
        if format == OutputFormat.json:
            if explain:
                for r, j in zip(rows, judgments):
                    r["evidence"] = [s.to_dict() for s in j.evidence]
            emit_json({"rows": rows, "summary": summary})
            return
        _render(rows, judgments, summary, explain=explain, limit=limit)
        if not rows:
            note("no rows to score", quiet)


def _weakness(row: dict) -> tuple:
    # graded rows by overall (worst first), then compliance/unscorable rows (no rubric) in input order
    overall = row["overall"]
    return (0, overall, row["row"]) if overall is not None else (1, 0.0, row["row"])


def _render(rows: list[dict], judgments: list, summary: dict, *, explain: bool, limit: int) -> None:
    order = sorted(range(len(rows)), key=lambda i: _weakness(rows[i]))
    shown = order if limit == 0 else order[:limit]
    table = Table(title=f"refusal judgments ({summary['count']} rows, weakest first)")
    table.add_column("row", justify="right", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("conf", justify="right", no_wrap=True)
    table.add_column("overall", justify="right", no_wrap=True)
    for short in _SHORT.values():
        table.add_column(short, justify="right", no_wrap=True)
    table.add_column("anti-patterns")
    for i in shown:
        r = rows[i]
        crit = r["criteria"] or {}
        table.add_row(
            str(r["row"]), Text(r["kind"], style=_KIND_STYLE.get(r["kind"], "")), f"{r['confidence']:.2f}",
            "" if r["overall"] is None else f"{r['overall']:.1f}",
            *[str(crit.get(k, "")) for k in _SHORT],
            ", ".join(r["anti_patterns"]),
        )
    console.print(table)
    # suggestions are sentences: a list under the table reads better than a squeezed column
    advice = [(rows[i]["row"], rows[i]["suggestions"][0]) for i in shown if rows[i]["suggestions"]]
    if advice:
        console.print("top suggestion per row (weakest first):", style="bold")
        for row, text in advice:
            console.print(Text(f"  row {row}: ").append(text), soft_wrap=False)
    if explain:
        console.print("evidence (character spans in the response):", style="bold")
        for i in shown:
            line = Text(f"  row {rows[i]['row']} ({rows[i]['kind']}): ")
            spans = judgments[i].evidence
            if not spans:
                line.append("no cue matched", style="dim")
            for n, s in enumerate(spans):
                if n:
                    line.append("; ")
                line.append(f"[{s.label}]", style="bold")
                line.append(f" {s.start}-{s.end} {s.text!r}")
            console.print(line, soft_wrap=True)
    kinds = ", ".join(f"{k} {v}" for k, v in summary["kinds"].items() if v)
    console.print(f"kinds: {kinds}")
    if summary["mean_overall"] is not None:
        console.print(f"mean overall (graded rows): {summary['mean_overall']:.2f}")
    if len(shown) < len(rows):
        console.print(f"(showing {len(shown)} of {len(rows)} rows; --limit 0 shows all)")
