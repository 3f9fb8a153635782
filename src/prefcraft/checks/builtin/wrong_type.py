"""``wrong-type``: a field has the wrong JSON type (a number for a text, a single message object, …)."""

from __future__ import annotations

from prefcraft.checks.builtin._common import problem_findings
from prefcraft.checks.registry import Check, register

ID = "wrong-type"


def run(ctx):
    # In-memory datasets are typed by construction; only records read from input can be mistyped.
    yield from problem_findings(ctx, ID)


register(Check(ID, "a field has the wrong type (e.g. a number or an object where text or messages belong)",
               "error", ("prompt", "chosen", "rejected", "tags", "metadata"), run, group="schema"))
