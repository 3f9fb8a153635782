"""``prefcraft backends``: the LLM backends that exist, what each needs, and whether it is installed."""

from __future__ import annotations

import typer
from rich.table import Table

import prefcraft.ai.judge  # noqa: F401  (registers the `llm` judge engine for `prefcraft score`)
from prefcraft.cli._common import FormatOption, OutputFormat, console, emit_json


def register(app: typer.Typer) -> None:
    @app.command()
    def backends(format: OutputFormat = FormatOption) -> None:
        """List the LLM backends (pick one with --backend; prefcraft never picks one for you)."""
        from prefcraft.backends import registry

        rows = [{"name": b.name, "description": b.description, "requires": b.requires,
                 "installed": b.installed(), "options": list(b.options),
                 "install": f"pip install 'prefcraft[{b.requires}]'" if b.requires else None}
                for b in registry.available()]
        if format == OutputFormat.json:
            emit_json({"backends": rows})
            return
        t = Table(title="LLM backends", title_justify="left")
        for col in ("name", "installed", "description", "settings"):
            t.add_column(col, overflow="fold")
        for r in rows:
            ok = "yes" if r["installed"] else f"no — {r['install']}"
            t.add_row(r["name"], ok, r["description"], ", ".join(o.replace("_", "-") for o in r["options"]))
        console.print(t)
