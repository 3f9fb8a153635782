"""Response composers: graceful refusals, clarifying questions, helpful answers, harmful task lists
and over-refusals, all assembled from the language data with varied order and wording.
"""

from __future__ import annotations

import random

import re

from prefcraft.generate.prompts import GenPrompt, Picker
from prefcraft.generate.text import capitalise, render, tidy


def _sentence(text: str) -> str:
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text


def _lcfirst(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper() and not text.startswith("I "):
        return text[0].lower() + text[1:]
    return text


_HAS_LEAD = re.compile(r"(before i (?:set|go|build)|just to check|so i can|to make sure)", re.I)


def _join(parts: list[str]) -> str:
    return tidy(" ".join(p for p in parts if p))


class Composer:
    def __init__(self, rng: random.Random, picker: Picker, responses: dict[str, list[str]],
                 framings: dict, injections: dict) -> None:
        self.rng = rng
        self.p = picker
        self.r = responses
        self.framings = framings
        self.injections = injections

    # ------------------------------------------------------------------ parts
    def _c(self, key: str, options: list[str], slots: dict[str, str]) -> str:
        return tidy(render(self.p.choice(key, options), slots))

    def _boundary(self, gp: GenPrompt, slots: dict[str, str]) -> str:
        sc = gp.scenario
        vp = self._c(f"refuse.{sc.id}", sc.refuse, slots)
        frame = self.p.choice("frame.boundary", self.r["boundary_frames"])
        if "help" in frame.split("{vp}")[0]:
            vp = re.sub(r"^help (you )?", "", vp)  # "helping you help identify" → "helping you identify"
        return render(frame, {"vp": vp})

    def _alternative(self, gp: GenPrompt, slots: dict[str, str], extra: list[str] | None = None) -> str:
        sc = gp.scenario
        pool = sc.alt if not extra or self.rng.random() < 0.6 else extra
        key = f"alt.{sc.id}" if pool is sc.alt else f"alt.{gp.kind}"
        vp = self._c(key, pool, slots)
        if self.rng.random() < 0.15 and len(sc.alt) > 1:
            second = self._c(f"alt.{sc.id}", sc.alt, slots)
            if second != vp:
                frame = self.p.choice("frame.alt2", self.r["alt_two_frames"])
                self._two_alts = True
                return render(frame, {"vp": vp, "vp2": second})
        self._two_alts = False
        frame = self.p.choice("frame.alt", self.r["alt_frames"])
        if "instead" in frame:
            vp = vp.replace(" instead,", ",").replace(" instead", "")  # never "instead … instead"
        return render(frame, {"vp": vp})

    def _ask(self, gp: GenPrompt, slots: dict[str, str]) -> str:
        sc = gp.scenario
        if gp.harm == "self_harm" and (not sc.ask or self.rng.random() < 0.5):
            return self.p.choice("ask.selfharm", self.r["self_harm_checkins"])
        if sc.ask and self.rng.random() < 0.75:
            return self._c(f"ask.{sc.id}", sc.ask, slots)
        if getattr(self, "_two_alts", False):
            return self.p.choice("ask.plural", self.r["generic_asks_plural"])
        return self.p.choice("ask.generic", self.r["generic_asks"])

    def _crisis(self) -> str:
        return self.p.choice("crisis", self.r["self_harm_resources"])

    # ------------------------------------------------------------------ chosen
    def refusal(self, gp: GenPrompt) -> str:
        sc = gp.scenario
        slots = gp.reply_slots
        ack = self._c(f"ack.{sc.id}", sc.ack, slots)
        boundary = _sentence(self._boundary(gp, slots))
        reason = _sentence(self._c(f"reason.{sc.id}", sc.reason, slots))
        extra_alt = None
        lead = ""
        if gp.category == "social_engineering" and gp.kind:
            spec = self.framings[gp.kind]
            lead = self.p.choice(f"fack.{gp.kind}", spec["ack"])
            # a framing-specific alternative only where it fits the situation
            fits = spec.get("alt_harms")
            if spec.get("alt") and (not fits or gp.harm in fits):
                extra_alt = spec["alt"]
        elif gp.category == "prompt_injection" and gp.kind:
            spec = self.injections[gp.kind]
            lead = self.p.choice(f"iack.{gp.kind}", spec["ack"])
            if spec.get("boundary_extra"):
                extra = self.p.choice(f"ibx.{gp.kind}", spec["boundary_extra"])
                boundary = boundary.rstrip(".") + ", " + extra + "."
        elif gp.category == "gradual_escalation" and self.rng.random() < 0.5:
            # thank them for the earlier, fine requests, then acknowledge the situation
            ack = ack + " " + self.p.choice("eack", self.r["escalation_acks"])
        alt = _sentence(self._alternative(gp, slots, extra_alt))
        ask = self._ask(gp, slots)
        crisis = self._crisis() if gp.harm == "self_harm" else ""

        if lead and gp.category == "prompt_injection":
            # name the injection and still acknowledge the person behind the request
            opening = [lead, ack] if self.rng.random() < 0.5 else [ack, lead]
            if lead.split()[:2] == ack.split()[:2]:
                opening = [ack]
        elif lead:
            # the framing acknowledgment leads; the scenario's own acknowledgment sometimes follows
            both = (self.rng.random() < 0.35 and len(lead) + len(ack) < 170
                    and lead.split()[:2] != ack.split()[:2])  # never "I can tell … I can tell …"
            opening = [lead, ack] if both else [lead]
        else:
            opening = [ack]
        order = self.rng.random()
        if gp.harm == "self_harm":
            # care first, then the line, then real help
            parts = opening + [boundary, reason, crisis, alt, ask]
        elif order < 0.6 or lead:
            parts = opening + [boundary, reason, alt, ask]
        elif order < 0.85:
            parts = [boundary] + opening + [reason, alt, ask]
        else:
            joined = boundary.rstrip(".") + " " + self.p.choice("joiner", self.r["reason_joiners"]) + " " + _lcfirst(reason)
            parts = opening + [joined, alt, ask]
        return capitalise(_join(parts))

    def clarification(self, gp: GenPrompt) -> str:
        it = gp.item
        slots = gp.reply_slots
        parts = it.parts
        ack = self._c(f"eack.{it.id}", parts["ack"], slots)
        question = self._c(f"eq.{it.id}", parts["clarify"], slots)
        lead = self.p.choice("clarify.lead", self.r["clarify_leads"])
        if not _HAS_LEAD.match(question):
            question = render(lead, {"q": question, "ql": _lcfirst(question)})
        path = self._c(f"epath.{it.id}", parts["paths"], slots)
        frame = self.p.choice("frame.path", self.r["path_frames"])
        offer = _sentence(render(frame, {"vp": path}))
        limit = ""
        if parts.get("limit") and self.rng.random() < 0.7:
            limit = _sentence(self._c(f"elimit.{it.id}", parts["limit"], slots))
        crisis = self._crisis() if gp.harm == "self_harm" and self.rng.random() < 0.6 else ""
        if self.rng.random() < 0.5:
            pool = parts.get("ask") or (self.r["self_harm_checkins"] if gp.harm == "self_harm"
                                        else self.r["clarify_closers"])
            close = self._c(f"eclose.{it.id}", pool, slots)
            seq = [ack, question, offer, limit, crisis, close]
        else:
            seq = [ack, offer, limit, crisis, question]
        return capitalise(_join(seq))

    def helpful(self, gp: GenPrompt) -> str:
        it = gp.item
        slots = gp.reply_slots
        intro_pool = it.parts.get("intro") or self.r["helpful_intros"]
        intro = self._c(f"bintro.{it.id}", intro_pool, slots)
        steps = self._steps(f"bsteps.{it.id}", it.parts["steps"], slots, lo=3, hi=4, keep_first=2)
        close = self._c(f"bclose.{it.id}", it.parts.get("close") or self.r["helpful_closers"], slots)
        return _join([capitalise(intro)]) + "\n\n" + steps + "\n\n" + capitalise(close)

    # ------------------------------------------------------------------ rejected
    def _steps(self, key: str, steps: list[str], slots: dict[str, str], lo: int = 3, hi: int = 6,
               keep_first: int = 0) -> str:
        k = min(len(steps), self.rng.randint(lo, hi))
        head = list(range(min(keep_first, k)))
        idx = head + sorted(self.rng.sample(range(len(head), len(steps)), k - len(head)))
        lines = [capitalise(tidy(render(steps[i], slots))) for i in idx]
        style = self.rng.random()
        if style >= 0.7:
            lines = [capitalise(re.sub(r"^task:\s*", "", line, flags=re.I)) for line in lines]
        if style < 0.5:
            return "\n".join(f"{n}. {_sentence(line) if not line.endswith(')') else line}" for n, line in enumerate(lines, 1))
        if style < 0.7:
            return "\n".join(f"{n}) {line}" for n, line in enumerate(lines, 1))
        if style < 0.85:
            return "\n".join(f"Task {n}: {line}" for n, line in enumerate(lines, 1))
        return "\n".join(f"{n}. [ ] {line}" for n, line in enumerate(lines, 1))

    def harmful(self, gp: GenPrompt) -> str:
        slots = gp.reply_slots
        if gp.item is not None:
            steps_src, key = gp.item.parts["steps"], f"hsteps.{gp.item.id}"
        else:
            steps_src, key = gp.scenario.steps, f"hsteps.{gp.scenario.id}"
        lead = ""
        if gp.category == "prompt_injection" and gp.kind:
            lead = self.p.choice(f"icomply.{gp.kind}", self.injections[gp.kind]["comply"])
        elif gp.category == "social_engineering" and gp.kind:
            lead = self.p.choice(f"fcomply.{gp.kind}", self.framings[gp.kind]["comply"])
        intro = self.p.choice("hintro", self.r["harmful_intros"])
        steps = self._steps(key, steps_src, slots, lo=5, hi=7, keep_first=1)
        outro = self.p.choice("houtro", self.r["harmful_outros"]) if self.rng.random() < 0.7 else ""
        why = self.p.choice("hwhy", self.r["harmful_rationales"]) if self.rng.random() < 0.75 else ""
        # a bad reply that swallowed a framing or injection says so, then gets straight to it
        head = lead if lead.endswith(":") else _join([lead, intro])
        text = head + "\n\n" + steps
        tail = _join([why, outro])
        if tail:
            text += "\n\n" + tail
        return text

    def over_refusal(self, gp: GenPrompt) -> str:
        it = gp.item
        slots = gp.reply_slots
        specific = it.parts.get("refusal")
        if specific and self.rng.random() < 0.6:
            core = self._c(f"oref.{it.id}", specific, slots)
        else:
            core = render(self.p.choice("oref.generic", self.r["over_refusals"]),
                          {"topic": self._c(f"otopic.{it.id}", it.parts.get("topic") or ["this"], slots)})
        middle = self.p.choice("oref.mid", self.r["over_refusal_middles"])
        redirect = self.p.choice("oref.redirect", self.r["over_refusal_redirects"]) if self.rng.random() < 0.7 else ""
        tail = self.p.choice("oref.tail", self.r["over_refusal_tails"]) if self.rng.random() < 0.8 else ""
        return capitalise(_join([core, middle, redirect, tail]))

    # ------------------------------------------------------------------ dispatch
    def chosen(self, gp: GenPrompt) -> str:
        if gp.category == "benign":
            return self.helpful(gp)
        if gp.category == "edge_cases":
            return self.clarification(gp)
        return self.refusal(gp)

    def rejected(self, gp: GenPrompt) -> str:
        if gp.category == "benign":
            return self.over_refusal(gp)
        return self.harmful(gp)

