"""``too-long`` (with ``--tokenizer T --max-length N``): pairs that will not fit in training.

Tokens are counted with the given tokenizer (a local folder; conversational rows are rendered with its
chat template when it has one). A row whose *prompt alone* reaches N tokens is an **error**: TRL drops
it silently. A row whose prompt + chosen or prompt + rejected exceeds N is a warning: it is truncated.
Needs the ``train`` extra (transformers), imported only when this check runs.
"""

from __future__ import annotations

from prefcraft.checks.registry import Check, register

ID = "too-long"


def load_tokenizer(tok):
    """A tokenizer from a local folder (or an already-loaded tokenizer)."""
    if not isinstance(tok, str):
        return tok
    import os

    from prefcraft.errors import InputError, require

    if not os.path.isdir(tok):
        raise InputError(f"--tokenizer {tok}: no such folder — pass a local tokenizer folder (one saved with "
                         "tokenizer.save_pretrained); nothing is downloaded", path=tok)
    transformers = require("transformers", extra="train", feature="validate --tokenizer")
    try:
        return transformers.AutoTokenizer.from_pretrained(tok, local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - explained as bad input
        raise InputError(f"--tokenizer {tok}: not a readable tokenizer folder ({exc}) — pass a folder saved with "
                         "tokenizer.save_pretrained", path=tok) from None


def _render(tok, messages, generation_prompt: bool) -> str:
    return tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)


def run(ctx):
    tok = ctx.options.tokenizer
    limit = int(ctx.options.max_length)
    use_template = bool(getattr(tok, "chat_template", None))
    frame = ctx.frame
    prompts, chosen, rejected = [], [], []
    for p, c, r, fmt in zip(frame["prompt"].to_list(), frame["chosen"].to_list(), frame["rejected"].to_list(),
                            frame["format"].to_list()):
        if use_template and fmt == "conversational":
            ptxt = _render(tok, p, True)
            prompts.append(ptxt)
            chosen.append(_render(tok, p + c, False)[len(ptxt):] if _render(tok, p + c, False).startswith(ptxt)
                          else "\n".join(m["content"] for m in c))
            full_r = _render(tok, p + r, False)
            rejected.append(full_r[len(ptxt):] if full_r.startswith(ptxt) else "\n".join(m["content"] for m in r))
        else:
            prompts.append("\n\n".join(m["content"] for m in p))
            chosen.append("\n\n".join(m["content"] for m in c))
            rejected.append("\n\n".join(m["content"] for m in r))

    def count(texts):
        enc = tok(texts, add_special_tokens=not use_template)["input_ids"]
        return [len(x) for x in enc]

    pl_, cl, rl = count(prompts), count(chosen), count(rejected)
    for i, (p, c, r) in enumerate(zip(pl_, cl, rl)):
        if p >= limit:
            yield ctx.finding(i, ID, "error", f"prompt alone is {p} tokens, reaching --max-length {limit}: TRL drops "
                              "this row silently — shorten the prompt or raise max_length")
        elif p + max(c, r) > limit:
            which = "chosen" if c >= r else "rejected"
            yield ctx.finding(i, ID, "warning", f"prompt + {which} is {p + max(c, r)} tokens, over --max-length "
                              f"{limit}: the response will be truncated — shorten it or raise max_length")


register(Check(ID, "prompt + response exceeds --max-length tokens; prompt alone reaching it is an error",
               "warning", ("prompt", "chosen", "rejected"), run, group="dataset", requires=("tokenizer",)))
