"""``prefcraft checks``: the validator's checks (id, severity, group, fields read, description)."""

from __future__ import annotations

import typer
from rich.table import Table

from prefcraft.cli._common import FormatOption, OutputFormat, console, emit_json


def register(app: typer.Typer) -> None:
    @app.command()
    def checks(format: OutputFormat = FormatOption) -> None:
        """List the checks `prefcraft validate` runs (pick some with --only / --skip)."""
        from prefcraft.checks import available

        rows = [c.to_dict() for c in available()]
        if format == OutputFormat.json:
            emit_json({"checks": rows})
            return
        t = Table(title="validator checks", title_justify="left")
        t.add_column("id", no_wrap=True)
        for col in ("severity", "group", "reads", "description"):
            t.add_column(col, overflow="fold")
        for r in rows:
            needs = f" (needs {', '.join('--' + x for x in r['requires'])})" if r["requires"] else ""
            t.add_row(r["id"], r["severity"], r["group"], ", ".join(r["fields"]), r["description"] + needs)
        console.print(t)
