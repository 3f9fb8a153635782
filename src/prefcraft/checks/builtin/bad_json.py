"""``bad-json``: a line of a JSONL file is not valid JSON (or a CSV row cannot be read)."""

from __future__ import annotations

from prefcraft.checks.builtin._common import problem_findings
from prefcraft.checks.registry import Check, register

ID = "bad-json"


def run(ctx):
    yield from problem_findings(ctx, ID)


register(Check(ID, "a record cannot be parsed (invalid JSON line, unreadable CSV row, bad encoding)", "error",
               ("*",), run, group="schema"))
