"""The ``prefcraft`` command line: a thin typer app; each command lives in its own module.

A command module exposes ``register(app)``; add its name to :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import importlib
from typing import Optional

import typer

from prefcraft import __version__
from prefcraft.cli._common import ErrorBoundaryGroup

COMMAND_MODULES = [
    "convert",
    "info",
    "stats",
    "build",
    "generate",
    "score",
    "backends",
    "propose",
    "review",
    "validate",
    "checks",
    "export",
]

app = typer.Typer(
    name="prefcraft",
    cls=ErrorBoundaryGroup,
    help="Build, validate, judge, analyse and export DPO safety preference datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"prefcraft {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                           help="Show the version and exit."),
) -> None:
    """Build, validate, judge, analyse and export DPO safety preference datasets."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"prefcraft.cli.{_name}").register(app)


def main() -> None:
    app()
