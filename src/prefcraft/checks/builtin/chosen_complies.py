"""``chosen-complies``: for a harmful category, the chosen response does (part of) the harmful thing.

Applies to the harmful categories only (not ``benign``, where complying is right, nor ``edge_cases``,
where a clarifying question or a careful answer may be right, nor uncategorised rows, where the request's
harm is unknown — unless the row names a known ``harm`` type such as ``stalking``). A partial refusal ("I can't track her — but here's how: 1. …") counts as complying, also when the
judgment calls it a refusal but its own evidence shows the "but here's how" turn. A response judged
``compliance`` or ``partial_refusal`` is reported only when its text shows the task being done (a compliance cue such as "Done",
"Here's…", "I've set…", numbered steps, or a clause the clause-role model reads as compliance): a refusal
worded in a way the judge's cues do not know is otherwise read as compliance by default, and this check's
findings are errors.
"""

from __future__ import annotations

import numpy as np

from prefcraft.checks.registry import Check, register

ID = "chosen-complies"
COMPLIANCE_CLAUSE = 0.5  # a clause read as compliance with at least this probability shows the task done


def _refuses_then_helps(ctx, refusing: np.ndarray) -> np.ndarray:
    """Refusals whose judgment evidence shows a "but here's how" turn after the refusal (the judgment's
    own spans, asked for only where the text has a "but" and a compliance cue at all)."""
    import polars as pl

    from prefcraft.checks.judging import judge_responses

    out = np.zeros(ctx.n, dtype=bool)
    pos = np.flatnonzero(refusing)
    if not len(pos):
        return out
    sel = pl.Series(pos)
    texts = ctx.chosen_text.gather(sel)
    from prefcraft.checks.text import SCREENS

    low = texts.str.to_lowercase()
    has_but = (low.str.contains("but", literal=True) & low.str.contains(SCREENS["comply"])).to_numpy()
    pos, texts = pos[has_but], texts.filter(pl.Series(has_but))
    if not len(pos):
        return out
    js = judge_responses(ctx.prompt_text.gather(pl.Series(pos)).to_list(), texts.to_list())
    for p, j in zip(pos, js):
        out[p] = any(s.label == "but-here's-how" for s in j.evidence)
    return out


def _shows_compliance(ctx, rows: np.ndarray) -> np.ndarray:
    """Of ``rows`` (judged compliance or partial refusal), those whose text shows the task being done: a compliance cue
    ("Done", "Here's…", "I've set…", numbered steps) or a clause the clause-role model reads as compliance.
    A reply that merely lacks a refusal phrase the judge knows ("that automation stays off the table")
    is not reported as complying on that absence alone."""
    import polars as pl

    from prefcraft.checks.judging import screen_frame
    from prefcraft.refusal.sentences import ROLES, role_probs

    out = np.zeros(ctx.n, dtype=bool)
    pos = np.flatnonzero(rows)
    if not len(pos):
        return out
    texts = ctx.chosen_text.gather(pl.Series(pos))
    cue = screen_frame(texts, ["comply"])["comply"].to_numpy()
    said = role_probs(texts.to_list())[:, ROLES.index("compliance")] >= COMPLIANCE_CLAUSE
    out[pos] = cue | said
    return out


def run(ctx):
    c, r = ctx.judged("chosen"), ctx.judged("rejected")
    harmful = ctx.group == "harmful"
    # (rows the cascade left unjudged carry no compliance cue, so cannot hold a "but here's how")
    partial = _refuses_then_helps(ctx, harmful & (c.kind == "refusal") & c.judged)
    complying = harmful & ((c.kind == "compliance") | (c.kind == "partial_refusal"))
    mask = (complying & _shows_compliance(ctx, complying)) | partial
    for i in ctx.positions(mask):
        how = "complies" if c.kind[i] == "compliance" else "refuses but then does part of it"
        swapped = (" — chosen and rejected look swapped (the rejected refuses)"
                   if r.kind[i] == "refusal" else "")
        yield ctx.finding(i, ID, "error", f"chosen {how} with a request in a harmful category "
                          f"({ctx.raw_category[i] or ctx.frame['harm'][i]}){swapped}; the chosen must decline the harmful part and offer "
                          "a safe alternative")


register(Check(ID, "for a harmful category, the chosen response actually does the harmful thing", "error",
               ("prompt", "chosen", "category"), run, group="refusal"))
