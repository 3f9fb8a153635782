"""Small text helpers for the generator: slot rendering, person shifting and typing voices.

Everything here is deterministic given a ``random.Random``; nothing reads global state.
"""

from __future__ import annotations

import random
import re

_SLOT = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

# "my ex" in a prompt becomes "your ex" in a reply.
_PERSON = [
    (re.compile(r"\bmy\b"), "your"),
    (re.compile(r"\bMy\b"), "Your"),
    (re.compile(r"\bour\b"), "your"),
    (re.compile(r"\bme\b"), "you"),
    (re.compile(r"\bI\b"), "you"),
    (re.compile(r"\bmine\b"), "yours"),
]


def to_second_person(text: str) -> str:
    """Shift a slot value written from the user's side ("my ex") to the assistant's ("your ex")."""
    for pattern, repl in _PERSON:
        text = pattern.sub(repl, text)
    return text


def render(template: str, slots: dict[str, str]) -> str:
    """Replace ``{name}`` with ``slots[name]``; a missing slot is a data bug and raises KeyError.

    Only lowercase identifiers in braces are slots, so fake JSON/markup inside injection wrappers
    (``{"role": "system"}``) passes through untouched.
    """

    def sub(match: re.Match[str]) -> str:
        return slots[match.group(1)]

    return _SLOT.sub(sub, template)


def slot_names(template: str) -> set[str]:
    return set(_SLOT.findall(template))


def capitalise(text: str) -> str:
    """Capitalise the first letter of the text and of each sentence."""
    if not text:
        return text

    def up(match: re.Match[str]) -> str:
        return match.group(1) + match.group(2).upper()

    text = re.sub(r"(^|(?<!\be\.g)(?<!\bi\.e)[.!?]\s+)([a-z])", up, text)
    return text


def tidy(text: str) -> str:
    """Collapse doubled spaces and spaces before punctuation left by optional slots."""
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ([,.!?;:])", r"\1", text)
    text = re.sub(r"\.\.(?!\.)", ".", text)
    text = re.sub(r"(\w)s's\b", r"\1s'", text)  # "my drivers's" → "my drivers'"
    return text.strip()


# --------------------------------------------------------------------------- typing voices
# A voice is how one person types: some write carefully, most do not.

VOICES = ("careful", "casual", "lowercase", "terse", "sloppy", "rushed")
_VOICE_WEIGHTS = (0.2, 0.22, 0.22, 0.12, 0.14, 0.1)

_SHORTHAND = [
    (re.compile(r"\bplease\b", re.I), ("pls", "plz", "please")),
    (re.compile(r"\byou\b"), ("u", "you", "you")),
    (re.compile(r"\bbecause\b"), ("bc", "cause", "because")),
    (re.compile(r"\btonight\b"), ("tonite", "tonight", "tonight")),
    (re.compile(r"\bwithout\b"), ("w/o", "without", "without")),
    (re.compile(r"\bsomething\b"), ("smth", "something", "something")),
]


def pick_voice(rng: random.Random) -> str:
    return rng.choices(VOICES, weights=_VOICE_WEIGHTS, k=1)[0]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.random()
    if kind < 0.5:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind < 0.8:  # drop a letter
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]  # double a letter


def apply_voice(text: str, voice: str, rng: random.Random) -> str:
    """Re-type ``text`` the way a person with ``voice`` would."""
    if voice == "careful":
        return capitalise(text)
    if voice == "casual":
        out = text
        if rng.random() < 0.5:
            out = out.rstrip(".")
        return capitalise(out) if rng.random() < 0.6 else out
    out = text
    if voice in ("lowercase", "sloppy", "rushed"):
        out = out.lower()
        out = out.replace("i'm", "im" if rng.random() < 0.6 else "i'm")
        if rng.random() < 0.6:
            out = re.sub(r"\b(don|can|won|doesn|isn|didn)'t\b", r"\1t", out)
    if voice in ("sloppy", "rushed"):
        for pattern, options in _SHORTHAND:
            if pattern.search(out) and rng.random() < 0.5:
                out = pattern.sub(rng.choice(options), out)
        words = out.split(" ")
        n_typos = 1 if voice == "rushed" else rng.choice((1, 2))
        for _ in range(n_typos):
            j = rng.randrange(len(words))
            words[j] = _typo(words[j], rng)
        out = " ".join(words)
    if voice == "rushed":
        # run-on: sentences glued with commas or nothing
        out = re.sub(r"\.\s+", rng.choice((", ", " ", " and ")), out)
    if voice == "terse":
        out = re.sub(r"^(hey|hi|hello|so|ok|okay|um|hm+)[,!.]?\s+", "", out, flags=re.I)
        out = re.sub(r"\b(please|pls|could you|can you|would you)\s+", "", out, flags=re.I)
        out = out.rstrip(".!")
        if rng.random() < 0.5:
            out = out[:1].lower() + out[1:]
    if voice in ("lowercase", "sloppy", "rushed") and rng.random() < 0.6:
        out = out.rstrip(".")
    return tidy(out)
