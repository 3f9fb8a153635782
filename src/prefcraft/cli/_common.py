"""What every command shares: consoles, JSON output, progress bars and the error boundary.

The library raises; only the CLI prints and exits. :class:`ErrorBoundaryGroup` turns every
:class:`~prefcraft.errors.PrefcraftError` into one paragraph on stderr and its exit code (2), so no
traceback ever reaches a user for bad input.
"""

from __future__ import annotations

import contextlib
import sys
from enum import Enum
from typing import Any, Iterator

import orjson
import typer
from rich.console import Console
from typer.core import TyperGroup

from prefcraft.errors import PrefcraftError

console = Console(highlight=False, soft_wrap=False)
err_console = Console(stderr=True, highlight=False)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


FormatOption = typer.Option(OutputFormat.text, "--format", help="text (tables) or json (for scripts).",
                            case_sensitive=False)
QuietOption = typer.Option(False, "--quiet", "-q", help="No progress bars or notes on stderr.")


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True, highlight=False)
    raise typer.Exit(code)


class ErrorBoundaryGroup(TyperGroup):
    """Turns library errors into a message and exit code, for every (sub)command."""

    def invoke(self, ctx):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except PrefcraftError as exc:
            err_console.print("[bold red]error:[/] ", end="", markup=True)
            err_console.print(str(exc), markup=False, soft_wrap=True, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("interrupted — nothing partial was written")
            raise typer.Exit(130) from None


def emit_json(obj: Any) -> None:
    """Write JSON to stdout (never through rich, so nothing wraps or colours it)."""
    sys.stdout.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())
    sys.stdout.write("\n")
    sys.stdout.flush()


def note(message: str, quiet: bool = False) -> None:
    if not quiet:
        err_console.print(message, markup=False, highlight=False, soft_wrap=True)


class _NullProgress:
    def update(self, completed: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


class _RichProgress:
    def __init__(self, progress, task) -> None:
        self._progress, self._task = progress, task

    def update(self, completed: int) -> None:
        self._progress.update(self._task, completed=completed)

    def advance(self, n: int = 1) -> None:
        self._progress.advance(self._task, n)


@contextlib.contextmanager
def progress_bar(description: str, total: int | None = None, *, quiet: bool = False) -> Iterator[Any]:
    """A rich progress bar on stderr when it is a terminal; silent when piped or with --quiet."""
    if quiet or not err_console.is_terminal:
        yield _NullProgress()
        return
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    columns = [SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield _RichProgress(progress, task)
