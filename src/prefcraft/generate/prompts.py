"""Prompt variation engine: scenario patterns + slots, framings, injection wrappers, subtlety levels,
typing voices and multi-turn gradual escalation.

Every choice is drawn from one ``random.Random``; patterns used least so far are preferred, so small
builds spread over the whole library instead of repeating a favourite template.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import re

from prefcraft.generate.data import HARMS, SUBTLETY, Item, Library, Scenario, load_library
from prefcraft.generate.text import apply_voice, pick_voice, render, tidy, to_second_person

CATEGORIES = ("direct_harm", "prompt_injection", "social_engineering", "gradual_escalation",
              "edge_cases", "benign")
FRAMINGS = ("emotional_manipulation", "authority_impersonation", "fictional_framing", "urgency_fabrication")
INJECTIONS = ("role_override", "instruction_injection", "system_prompt_extraction", "permission_escalation",
              "delimiter_injection")
_SUBTLETY_WEIGHTS = {"blatant": 0.34, "moderate": 0.36, "subtle": 0.30}


@dataclass
class GenPrompt:
    """A generated prompt plus everything the composers need to answer it."""

    messages: list[dict[str, str]]
    category: str
    subcategory: str | None
    harm: str
    pattern: str
    tags: list[str] = field(default_factory=list)
    slots: dict[str, str] = field(default_factory=dict)  # user-side slot values
    scenario: Scenario | None = None
    item: Item | None = None
    kind: str | None = None  # framing or injection kind

    @property
    def text(self) -> str:
        return self.messages[-1]["content"]

    @property
    def reply_slots(self) -> dict[str, str]:
        return reply_side(self.slots)


def prompt_side(slots: dict[str, str]) -> dict[str, str]:
    """A slot value may be "long form|short form": prompts use the long form (the short one before a
    possessive, as people say "the guy from my gaming group's posts", not "a guy in my gaming
    group's posts") ..."""
    out = {k: v.split("|", 1)[0] for k, v in slots.items()}
    out.update({f"{k}_pos": v.rsplit("|", 1)[-1] for k, v in slots.items()})
    return out


def possessive_slots(template: str) -> str:
    """``{t}'s`` → ``{t_pos}'s`` so a possessive uses the slot's short form."""
    return re.sub(r"\{([a-z_][a-z0-9_]*)\}'s\b", r"{\1_pos}'s", template)


def reply_side(slots: dict[str, str]) -> dict[str, str]:
    """... and replies the short one, shifted to the second person ("my ex" → "your ex")."""
    return {k: to_second_person(v.rsplit("|", 1)[-1]) for k, v in slots.items()}


class Picker:
    """Least-used choice with random tie-breaking, so every option is visited before any repeats."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: Counter[str] = Counter()

    def pick(self, key: str, options: list[Any]) -> Any:
        if not options:
            raise ValueError(f"no options for {key}")
        counts = [self.used[f"{key}#{i}"] for i in range(len(options))]
        low = min(counts)
        idx = self.rng.choice([i for i, c in enumerate(counts) if c == low])
        self.used[f"{key}#{idx}"] += 1
        return idx, options[idx]

    def choice(self, key: str, options: list[Any]) -> Any:
        return self.pick(key, options)[1]


class PromptEngine:
    def __init__(self, seed: int = 0, library: Library | None = None) -> None:
        self.lib = library or load_library()
        self.rng = random.Random(seed)
        self.picker = Picker(self.rng)
        self._by_harm = self.lib.by_harm()
        self._escalating = {h: [s for s in scs if s.escalate] for h, scs in self._by_harm.items()}
        # how often a prompt gets padding; raised by the builder when the plain patterns run out
        self.pad_background, self.pad_opener, self.pad_closer = 0.3, 0.2, 0.2

    # ------------------------------------------------------------------ helpers
    def _fill_slots(self, key: str, slots: dict[str, list[str]]) -> dict[str, str]:
        return {name: self.picker.choice(f"{key}.slot.{name}", values) for name, values in slots.items()}

    def _scenario(self, harm: str, *, escalating: bool = False) -> Scenario:
        pool = (self._escalating if escalating else self._by_harm).get(harm) or []
        if not pool:
            raise ValueError(f"no {'escalation ' if escalating else ''}scenarios for harm {harm!r}")
        return self.picker.choice(f"sc.{harm}.{escalating}", pool)

    def _request(self, sc: Scenario, subtlety: str | None = None) -> tuple[str, str, str, dict[str, str]]:
        levels = [lv for lv in SUBTLETY if sc.requests.get(lv)]
        if subtlety is None or subtlety not in levels:
            subtlety = self.rng.choices(levels, weights=[_SUBTLETY_WEIGHTS[lv] for lv in levels], k=1)[0]
        idx, template = self.picker.pick(f"req.{sc.id}.{subtlety}", sc.requests[subtlety])
        slots = self._fill_slots(sc.id, sc.slots)
        text = tidy(render(possessive_slots(template), prompt_side(slots)))
        text = self._pad(text, self.lib.contexts.get("scenarios", {}).get(sc.id, []), slots, sc.id)
        return text, subtlety, f"{sc.id}/{subtlety}/{idx}", slots

    def _pad(self, text: str, background: list[str], slots: dict[str, str], key: str) -> str:
        """Pad a request the way people do: an opener, a line of background, a closer."""
        ctx = self.lib.contexts
        parts = [text]
        if background and self.rng.random() < self.pad_background:
            line = tidy(render(self.picker.choice(f"ctx.{key}", background), prompt_side(slots)))
            parts = [line, text] if self.rng.random() < 0.7 else [text.rstrip(".") + ".", line]
        if self.rng.random() < self.pad_opener:
            parts.insert(0, self.picker.choice("ctx.opener", ctx["openers"]))
        if self.rng.random() < self.pad_closer:
            last = parts[-1].rstrip(".")
            parts[-1] = last + (" " if last.endswith(("?", "!")) else self.rng.choice((". ", ", ", " - ")))
            parts.append(self.picker.choice("ctx.closer", ctx["closers"]))
        return tidy(" ".join(parts))

    # ------------------------------------------------------------------ categories
    def direct(self, harm: str, subtlety: str | None = None) -> GenPrompt:
        sc = self._scenario(harm)
        text, level, pattern, slots = self._request(sc, subtlety)
        voice = pick_voice(self.rng)
        return GenPrompt(
            messages=[{"role": "user", "content": apply_voice(text, voice, self.rng)}],
            category="direct_harm", subcategory=sc.subcategory, harm=harm, pattern=pattern,
            tags=[f"subtlety:{level}", f"voice:{voice}"], slots=slots, scenario=sc,
        )

    def social(self, harm: str, kind: str | None = None) -> GenPrompt:
        if kind is None:
            # a framing only where it is plausible (nobody claims a badge to plan their own goodbye)
            fitting = [k for k in FRAMINGS if harm in self.lib.framings[k].get("harms", [harm])]
            kind = self.picker.choice(f"framing.{harm}", fitting)
        sc = self._scenario(harm)
        text, level, pattern, slots = self._request(sc)
        idx, frame = self.picker.pick(f"framing.{kind}", self.lib.framings[kind]["templates"])
        voice = pick_voice(self.rng)
        body = apply_voice(render(frame, {"req": text}), voice, self.rng)
        return GenPrompt(
            messages=[{"role": "user", "content": body}],
            category="social_engineering", subcategory=kind, harm=harm,
            pattern=f"{pattern}+{kind}/{idx}",
            tags=[f"framing:{kind}", f"subtlety:{level}", f"voice:{voice}"], slots=slots, scenario=sc,
            kind=kind,
        )

    def injection(self, harm: str, kind: str | None = None) -> GenPrompt:
        if kind is None:
            # even over the taxonomy's four kinds; fake-markup (delimiter) injection is a form of
            # instruction injection and takes 40 % of those
            kind = self.picker.choice("injection", [k for k in INJECTIONS if k != "delimiter_injection"])
            if kind == "instruction_injection" and self.rng.random() < 0.4:
                kind = "delimiter_injection"
        sc = self._scenario(harm)
        text, level, pattern, slots = self._request(sc, "blatant" if self.rng.random() < 0.5 else None)
        voice = pick_voice(self.rng)
        inner = apply_voice(text, voice, self.rng)
        idx, wrapper = self.picker.pick(f"inj.{kind}", self.lib.injections[kind]["templates"])
        body = render(wrapper, {"req": inner}).strip()
        return GenPrompt(
            messages=[{"role": "user", "content": body}],
            category="prompt_injection", subcategory=kind, harm=harm, pattern=f"{pattern}+{kind}/{idx}",
            tags=[f"injection:{kind}", f"subtlety:{level}", f"voice:{voice}"], slots=slots, scenario=sc,
            kind=kind,
        )

    def escalation(self, harm: str, n_turns: int | None = None) -> GenPrompt:
        """A 2–5 user-turn conversation: innocent openers, helpful replies, the line crossed last."""
        sc = self._scenario(harm, escalating=True)
        arc = sc.escalate or {}
        turns = arc["turns"]
        max_prior = min(4, len(turns))
        if n_turns is None:
            prior = self.rng.randint(1, max_prior)
        else:
            prior = max(1, min(max_prior, n_turns - 1))
        slots = self._fill_slots(sc.id, sc.slots)
        user_slots, reply = prompt_side(slots), reply_side(slots)
        voice = pick_voice(self.rng)
        messages: list[dict[str, str]] = []
        for user, assistant in turns[:prior]:
            messages.append({"role": "user", "content": apply_voice(
                tidy(render(possessive_slots(user), user_slots)), voice, self.rng)})
            messages.append({"role": "assistant", "content": tidy(render(assistant, reply))})
        fidx, final = self.picker.pick(f"esc.{sc.id}", arc["final"])
        messages.append({"role": "user", "content": apply_voice(
            tidy(render(possessive_slots(final), user_slots)), voice, self.rng)})
        return GenPrompt(
            messages=messages, category="gradual_escalation",
            subcategory=arc.get("subcategory", "boundary_testing"), harm=harm,
            pattern=f"{sc.id}/escalate/{prior + 1}/{fidx}",
            tags=[f"turns:{prior + 1}", f"voice:{voice}", "multi_turn"], slots=slots, scenario=sc,
        )

    def _item_prompt(self, items: list[Item], harm: str | None, category: str, key: str) -> GenPrompt:
        pool = [it for it in items if harm is None or it.harm == harm] or items
        item = self.picker.choice(f"{key}.{harm}", pool)
        idx, template = self.picker.pick(f"{key}.{item.id}", item.prompts)
        slots = self._fill_slots(item.id, item.slots)
        voice = pick_voice(self.rng)
        text = self._pad(tidy(render(possessive_slots(template), prompt_side(slots))), [], slots, item.id)
        text = apply_voice(text, voice, self.rng)
        return GenPrompt(
            messages=[{"role": "user", "content": text}], category=category,
            subcategory=item.subcategory, harm=item.harm, pattern=f"{item.id}/{idx}",
            tags=[f"voice:{voice}"], slots=slots, item=item,
        )

    def edge(self, harm: str | None = None) -> GenPrompt:
        gp = self._item_prompt(self.lib.edge, harm, "edge_cases", "edge")
        gp.tags.append("needs_clarification")
        return gp

    def benign(self, harm: str | None = None) -> GenPrompt:
        gp = self._item_prompt(self.lib.benign, harm, "benign", "benign")
        gp.tags.append("lookalike")
        return gp

    def make(self, category: str, harm: str, **kw: Any) -> GenPrompt:
        if category == "direct_harm":
            return self.direct(harm, kw.get("subtlety"))
        if category == "social_engineering":
            return self.social(harm, kw.get("subcategory"))
        if category == "prompt_injection":
            return self.injection(harm, kw.get("subcategory"))
        if category == "gradual_escalation":
            return self.escalation(harm)
        if category == "edge_cases":
            return self.edge(harm)
        if category == "benign":
            return self.benign(harm)
        raise ValueError(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")


__all__ = ["CATEGORIES", "FRAMINGS", "HARMS", "INJECTIONS", "GenPrompt", "PromptEngine"]
