"""``bad-roles``: the prompt does not end with a user turn, or chosen/rejected hold non-assistant turns."""

from __future__ import annotations

import polars as pl

from prefcraft.checks.builtin._common import problem_findings
from prefcraft.checks.registry import Check, register

ID = "bad-roles"


def run(ctx):
    yield from problem_findings(ctx, ID)
    role = pl.element().struct.field("role")
    df = ctx.frame.select(
        pl.col("prompt").list.eval(role).list.last().alias("last"),
        pl.col("chosen").list.eval(role != "assistant").list.any().fill_null(False).alias("c"),
        pl.col("rejected").list.eval(role != "assistant").list.any().fill_null(False).alias("r"),
    )
    last = df["last"].to_list()
    bad_prompt = df.select(pl.col("last").is_not_null() & (pl.col("last") != "user")).to_series()
    for i in ctx.positions(bad_prompt):
        yield ctx.finding(i, ID, "error", f"the prompt ends with a {last[i]!r} turn; it must end with the user "
                          "turn being answered — move that turn into chosen/rejected or drop it")
    for side in ("c", "r"):
        name = "chosen" if side == "c" else "rejected"
        for i in ctx.positions(df[side]):
            roles = [m["role"] for m in ctx.frame.get_column(name)[i]]
            yield ctx.finding(i, ID, "error", f"{name} has roles {roles}; it must hold assistant turns only — "
                              "move other turns into the prompt")


register(Check(ID, "a conversational prompt does not end with a user turn, or a response is not an assistant turn",
               "error", ("prompt", "chosen", "rejected"), run, group="schema"))
