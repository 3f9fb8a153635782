"""``mixed-format``: rows in TRL's standard (strings) and conversational (messages) shapes are mixed.

TRL decides the format from the first row, so a row of the other shape breaks training. Each row whose
shape differs from the first row's is flagged; a record that mixes shapes inside itself comes from the
reader.
"""

from __future__ import annotations

from prefcraft.checks.builtin._common import problem_findings
from prefcraft.checks.registry import Check, register

ID = "mixed-format"


def run(ctx):
    yield from problem_findings(ctx, ID)
    if ctx.n == 0:
        return
    fmt = ctx.frame.get_column("format")
    first = fmt[0]
    other = "conversational" if first == "standard" else "standard"
    mask = fmt != first
    count = int(mask.sum())
    if not count:
        return
    for i in ctx.positions(mask):
        yield ctx.finding(i, ID, "error",
                          f"row is {other} but the first row ({ctx.loc(0)}) is {first}; TRL decides the format "
                          f"from the first row ({count} of {ctx.n} rows differ) — convert them all to one shape, "
                          f"e.g. prefcraft convert IN OUT --row-format conversational")


register(Check(ID, "the dataset mixes standard and conversational rows (TRL reads the format from row 0)",
               "error", ("prompt", "chosen", "rejected"), run, group="schema"))
