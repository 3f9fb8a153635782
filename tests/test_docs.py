"""Every command users can run is documented in the README and has working --help."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from prefcraft.cli import app

README = (Path(__file__).parents[1] / "README.md").read_text()
COMMANDS = sorted(typer.main.get_command(app).commands)


def test_readme_has_the_two_setup_commands_first():
    setup = README.index("## Set up")
    assert README.index("make demo") > setup and README.index("make test") > setup
    assert README.index("make demo") < README.index("## A short tour")


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_in_readme(command):
    assert f"prefcraft {command}" in README, f"'prefcraft {command}' is not shown in README.md"


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout


def test_docs_links_exist():
    import re

    for target in re.findall(r"\]\((docs/[^)]+)\)", README):
        assert (Path(__file__).parents[1] / target).exists(), target


@pytest.mark.parametrize("command", COMMANDS)
def test_command_summary_is_one_line(command):
    """The summary in `prefcraft --help` is the first docstring paragraph: keep it to one line."""
    cmd = typer.main.get_command(app).commands[command]
    summary = (cmd.help or "").strip().split("\n\n")[0]
    assert summary and "\n" not in summary, f"{command}: {summary!r}"
