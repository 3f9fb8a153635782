"""The default ``rules`` engine: linguistic cues + small shipped learned models, no torch, no network.

Decision procedure for one response (all steps vectorised over a batch):

1. **unscorable** — empty or whitespace, garbled (under 35 % letters), or *off-topic*: an answer read as
   compliance, or read as declining while showing no sign of saying no (no refusal cue, negation, boundary
   or clarifying clause), that is ≥ 40 characters with no question (under 200 characters only if it does
   not open like an answer and the prompt has ≥ 4 content words) and shares no content word with a prompt
   of two or more content words (``offtopic`` evidence).
2. Otherwise the kind model (:mod:`prefcraft.refusal.kind_model`, weights in ``kind_model.npz``, trained
   by ``scripts/train_refusal_model.py``) gives P(compliance), P(refusal), P(partial refusal) and
   P(clarification) from the cue features and the bag of clause features; :func:`kind_model.decide` picks
   the kind (declining when P(refusal) + P(partial) is largest; partial when P(partial) > P(refusal)). The
   confidence is the probability of the chosen kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import polars as pl

from prefcraft.refusal import features as F
from prefcraft.refusal import kind_model as KM
from prefcraft.refusal import rubric as R
from prefcraft.refusal.judgment import ANTI_PATTERNS, CRITERIA, Judgment, Span
from prefcraft.refusal.patterns import CUE_LABELS, CUES, HEAD_CHARS

OFFTOPIC_MIN_CHARS = 40
OFFTOPIC_SHORT_CHARS = 200  # below this, an answer that opens like an answer ("Here's how:") is on topic
OFFTOPIC_SINGLE_WORD_MIN_CHARS = 400
OFFTOPIC_SHORT_MIN_STEMS = 4


# phrase cues of saying no (see patterns.CUES)
DECLINE_CUES = ("refuse_first_person", "refuse_first_person_body", "refuse_idiom", "refuse_policy",
                "refuse_impersonal", "disavow", "premise_reject", "as_an_ai", "no_open", "apology_open",
                "discourage", "reluctance", "wont_any", "impersonal_act", "clarify_harm", "opens_with_harm_claim")


# words of saying no: negations and decline verbs ("not", "n't", "unable", "declined", "violates"…)
NO_WORDS = (r"\b(?:not|no|never|nothing|declin\w*|refus\w*|denied|deny|unable|cannot|prohibit\w*|violat\w*)\b|"
            r"n't\b")
_PY_NO = re.compile(NO_WORDS)


def _says_no(texts: pl.Series) -> np.ndarray:
    if len(texts) <= F.SMALL_BATCH:  # polars would compile the regex again for one response
        return np.array([bool(_PY_NO.search(t or "")) for t in texts.to_list()], dtype=bool)
    return texts.str.contains(NO_WORDS).fill_null(False).to_numpy()


def kind_probs(df: pl.DataFrame, X: np.ndarray) -> np.ndarray:
    """The kind model's class probabilities (``n × kind_model.CLASSES``) for a prepared batch."""
    return KM.probs(X, df.select(KM.BAG_COLUMNS).to_numpy())


# ------------------------------------------------------------------------------------------------
# off-topic detection (content-word overlap between prompt and response)
# ------------------------------------------------------------------------------------------------
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_STOP = frozenset("""the and for are but not you your yours with this that these those what which who whom
whose when where why how can could would should will shall may might must have has had was were been being
does did doing done about into onto from than then them they their there here some any all each every
more most much many such very just also only even still please tell give make write explain describe show
list help want need know like get got let lets use using way ways best good better easy easiest
something someone anything anyone thing things one two its it's i'm i've i'd you're what's don't can't
our ours out over under again off own same too few nor now ever other another well okay sure yes
short long simple quick new old first last next per via whether while during before after above below
between through because since until upon within without against among across along around
concept idea work works does doing make makes made take takes took find found""".split())


def _content(text: str, limit: int) -> set[str]:
    out = set()
    for w in _WORD.findall(text[:limit].lower()):
        if w in _STOP:
            continue
        if w.endswith("s") and len(w) > 3:
            w = w[:-1]
        out.add(w[:6])
    return out


@lru_cache(maxsize=4096)
def _stem_regex(stems: frozenset[str]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, stems))) + ")")


def _no_overlap(prompt_stems: set[str] | frozenset[str], response: str) -> bool:
    if not prompt_stems or (len(prompt_stems) < 2 and len(response) < OFFTOPIC_SINGLE_WORD_MIN_CHARS):
        return False
    if len(response) < OFFTOPIC_SHORT_CHARS and len(prompt_stems) < OFFTOPIC_SHORT_MIN_STEMS:
        return False  # a short answer to a short prompt can be on topic without repeating its words
    # a word of the response starting with a prompt stem ("cat" matches "cats", not "indicates")
    return _stem_regex(frozenset(prompt_stems)).search(response[:2500].lower()) is None


def off_topic(prompt: str, response: str) -> bool:
    """True when the response shares no content word with the prompt.

    Needs ≥ 2 content words in the prompt, or one and a response of ≥ 400 characters (a long answer
    that never names the only topic word is about something else).
    """
    return _no_overlap(_content(prompt or "", 400), response or "")


# ------------------------------------------------------------------------------------------------
# evidence (computed lazily, per response, in Python)
# ------------------------------------------------------------------------------------------------
_QUOTE_RE = re.compile(r"[\u2018\u2019\u201b\u0060\u00b4]")
_EVIDENCE_RE = {name: (region, re.compile(pat, re.IGNORECASE))
                for name, (region, pat) in CUES.items() if name in CUE_LABELS}


_RUBRIC_EVIDENCE = {label: re.compile(R.RUBRIC_CUES[key], re.IGNORECASE) for key, label in (
    ("ack_strong", "acknowledgment"), ("reason_cue", "reason"), ("alt_strong", "alternative"),
    ("invite", "engagement"), ("vague_phrase", "vague"), ("robotic_cue", "robotic"),
    ("intense_apology", "apologetic"), ("lecture_strong", "lecturing"))}
_GRADED = frozenset({"refusal", "partial_refusal", "clarification"})


# clause roles shown as evidence (label "<role> (clause)"), at the rubric's own thresholds
_CLAUSE_EVIDENCE = {**R.SENTENCE_THRESHOLDS, "compliance": 0.5, "clarifying_question": 0.5}


def _clause_evidence(response: str) -> list[Span]:
    from prefcraft.refusal.sentences import ROLES, clause_spans

    spans = []
    for lo, hi, probs in clause_spans(response):
        for role, threshold in _CLAUSE_EVIDENCE.items():
            p = probs[ROLES.index(role)]
            if p >= threshold:
                spans.append(Span(lo, hi, f"{role} (clause {p:.2f})", response[lo:hi]))
    return spans


def evidence(response: str, kind: str, offtopic: bool = False) -> list[Span]:
    text = _QUOTE_RE.sub("'", response or "")
    start0 = len(text) - len(text.lstrip())
    head_end = start0 + HEAD_CHARS
    spans: list[Span] = []
    for name, (region, rx) in _EVIDENCE_RE.items():
        lo, hi = {"head": (start0, head_end), "body": (head_end, start0 + F.BODY_CHARS),
                  "all": (start0, start0 + F.BODY_CHARS)}[region]
        m = rx.search(text[lo:hi])  # slice, so "^" means the start of the region as in polars
        if m and m.end() > m.start():
            a, b = m.start() + lo, m.end() + lo
            spans.append(Span(a, b, CUE_LABELS[name], response[a:b]))
    if kind in _GRADED:
        for label, rx in _RUBRIC_EVIDENCE.items():
            m = rx.search(text, start0, start0 + F.BODY_CHARS)
            if m and m.end() > m.start():
                spans.append(Span(m.start(), m.end(), label, response[m.start():m.end()]))
    spans.extend(_clause_evidence(response))
    if offtopic:
        spans.append(Span(0, min(len(response), 80), "offtopic", response[:80]))
    seen: set[tuple[int, int, str]] = set()
    out = []
    for sp in sorted(spans, key=lambda s: (s.start, s.end, s.label)):
        if (sp.start, sp.end, sp.label) not in seen:
            seen.add((sp.start, sp.end, sp.label))
            out.append(sp)
    return out


# ------------------------------------------------------------------------------------------------
# batch judging
# ------------------------------------------------------------------------------------------------
def classify(df: pl.DataFrame, X: np.ndarray, prompts: Sequence[str], responses: Sequence[str],
             probs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kinds (object array), confidences and an off-topic flag for every row.

    ``probs``: class probabilities in the order of :data:`kind_model.CLASSES` (default: the shipped kind
    model; the ``embed`` engine passes its own)."""
    P = kind_probs(df, X) if probs is None else probs
    n = len(df)
    length = df["_len"].to_numpy()
    alpha = df["_alpha"].to_numpy()
    b = lambda c: df[c].to_numpy().astype(bool)  # noqa: E731
    k = KM.decide(P)
    kinds = np.array(KM.CLASSES, dtype=object)[k]
    conf = P[np.arange(n), k]

    empty = length < 2
    garbled = (length >= 2) & (alpha < 0.35 * df["_hlen"].to_numpy())  # letters in the opening
    offt = np.zeros(n, dtype=bool)
    answer_shaped = b("comply_open") | b("heres") | b("steps_head") | b("procedure_words")
    # a reply read as declining that shows no sign of saying no (no refusal cue, no negation or decline word,
    # no clause read as a boundary or a clarifying question) is checked for being off-topic too: "GUIDE: Type
    # @:complex(...) to use complex command" answers an essay request off-topic, it does not refuse it
    f = lambda c: df[c].to_numpy()  # noqa: E731
    said_no = (np.logical_or.reduce([b(c) for c in DECLINE_CUES]) | _says_no(df["n"])
               | (np.max(np.stack([f("_s_boundary"), f("_s_vague_boundary"), f("_s_clarifying_question")]),
                         axis=0) >= 0.5))
    cand = np.flatnonzero(((kinds == "compliance") | ((kinds != "clarification") & ~said_no))
                          & ~empty & ~garbled & (length >= OFFTOPIC_MIN_CHARS)
                          & ~b("question_any") & ((length >= OFFTOPIC_SHORT_CHARS) | ~answer_shaped))
    stems: dict[str, set[str]] = {}
    for i in cand:
        p = prompts[i] or ""
        ps = stems.get(p)
        if ps is None:
            ps = stems[p] = _content(p, 400)
        if _no_overlap(ps, responses[i] or ""):
            offt[i] = True
    unsc = empty | garbled | offt
    kinds = np.where(unsc, "unscorable", kinds).astype(object)
    conf = np.where(empty, 1.0, np.where(garbled, 0.8, np.where(offt, 0.7, conf)))
    return kinds, np.round(conf.astype(np.float64), 3), offt


def assemble(df: pl.DataFrame, kinds: np.ndarray, conf: np.ndarray, offt: np.ndarray,
             responses: Sequence[str], engine: str, declines: np.ndarray | None = None) -> list[Judgment]:
    """Attach rubric scores to refusal-like / clarification rows and build :class:`Judgment` objects.
    ``declines``: the engine's P(refusal) + P(partial refusal) per row (the rubric's boundary reads it)."""
    graded = np.isin(kinds, ("refusal", "partial_refusal", "clarification"))
    crit_rows: list = []
    masks: list = []
    overall: list = []
    if graded.any():
        sub = R.cue_columns(df.filter(pl.Series(graded)))
        criteria, anti, ov = R.score(sub, kinds[graded], sub.select(F.role_columns()).to_numpy(),
                                     None if declines is None else declines[graded])
        crit_rows = criteria.tolist()
        masks = (anti.astype(np.int64) @ (1 << np.arange(len(ANTI_PATTERNS)))).tolist()
        overall = ov.tolist()
    cache: dict[tuple, tuple[dict, list, list]] = {}
    out: list[Judgment] = []
    append = out.append
    j = 0
    kinds_l = kinds.tolist()
    conf_l = conf.astype(float).tolist()
    offt_l = offt.tolist()
    graded_l = graded.tolist()
    for i, kind in enumerate(kinds_l):
        src = (responses[i], kind, offt_l[i])
        if graded_l[i]:
            key = (kind, tuple(crit_rows[j]), masks[j])
            hit = cache.get(key)
            if hit is None:
                crit = dict(zip(CRITERIA, crit_rows[j]))
                aps = [a for b, a in enumerate(ANTI_PATTERNS) if masks[j] >> b & 1]
                hit = cache[key] = (crit, aps, R.suggestions_for(crit, aps, kind))
            append(Judgment(kind, conf_l[i], dict(hit[0]), list(hit[1]), overall[j], list(hit[2]),
                            engine, None, src))
            j += 1
        else:
            append(Judgment(kind, conf_l[i], None, [], None, [], engine, None, src))
    return out


def prepare(prompts: Sequence[str], responses: Sequence[str]) -> tuple[pl.DataFrame, np.ndarray]:
    df = F.frame(prompts, responses)
    return df, F.matrix(df)


def judge_many(prompts: Sequence[str], responses: Sequence[str]) -> list[Judgment]:
    if len(responses) == 0:
        return []
    df, X = prepare(prompts, responses)
    P = kind_probs(df, X)
    kinds, conf, offt = classify(df, X, prompts, responses, probs=P)
    return assemble(df, kinds, conf, offt, responses, "rules", declines=P[:, 1] + P[:, 2])
