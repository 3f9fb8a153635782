"""Vectorised text helpers shared by checks: normalisation and the cheap screens of the cascade.

Every pattern is in the common subset of Python ``re`` and Rust ``regex`` (no look-around), runs on
lower-cased text with curly quotes folded to ``'`` and is applied with polars ``str.contains``.
"""

from __future__ import annotations

import polars as pl

__all__ = ["normalise_expr", "fold_expr", "SCREENS"]


def fold_expr(col: str) -> pl.Expr:
    """Lower-case, curly quotes → ``'`` (what the screens expect)."""
    return (pl.col(col).str.to_lowercase()
            .str.replace_all(r"[\u2018\u2019\u02bc`´]", "'"))


def normalise_expr(col: str) -> pl.Expr:
    """Lower-case, drop punctuation, collapse whitespace: the key of ``duplicate-prompt``."""
    return (pl.col(col).str.to_lowercase()
            .str.replace_all(r"['\u2018\u2019`´]", "")
            .str.replace_all(r"[\W_]+", " ")
            .str.strip_chars().alias(col))


# Screens: deliberately broad (high recall against prefcraft.refusal.judge_many); a row the screen
# passes over keeps a default judgment, a row it selects is judged for real. Measured in
# benchmarks/validate_accuracy.py (screen recall) and documented in docs/validate.md.
_DECLINE = (
    r"can ?not|can'?t|won'?t|will not|unable|not able|not going to|not comfortable|not willing|"
    r"rather not|prefer not|declin|refus|count me out|not something|no way|pass on|i'?ll pass|"
    r"sit this one out|i'?m out|sorry|apolog|afraid|not (?:appropriate|okay|ok|ethical|possible|allowed|permitted)|"
    r"against (?:my|the)|\bno[,.!]|(?:shouldn'?t|should not|must not|don'?t|do not|wouldn'?t|would not|not) "
    r"(?:\w+ ){0,3}(?:help|do|assist|set|create|write|track|share|provide|make|build|add|go|give)|"
    r"\bnope\b|not (?:\w+ ){0,2}(?:for me|my place|a good idea)"
)
_ALTERNATIVE = (
    r"instead|alternativ|what i can|what i could|i can help|i could help|happy to|glad to|i'?d be (?:glad|happy)|"
    r"i can (?:draft|write|help|suggest|set|create|add|share|walk|point|make|put)|i could (?:draft|write|suggest|"
    r"set|create|add|share|walk|point|make|put)|would you like|want me to|shall i|should i|you could|you might|"
    r"could try|consider|reach out|contact|talk (?:to|with)|speak (?:to|with)|let me know|if you'?d like|"
    r"how about|what if|here'?s what|one option|options|resources|hotline|helpline|support|ask (?:them|her|him)"
)
_ANTI = (
    # lecturing
    r"you should|you must|you need to|you ought|you have to|it'?s (?:wrong|important|never|not okay|unethical|"
    r"illegal|not right|crucial|essential)|how dare|shame|everyone deserves|think about how|how would you|"
    r"remember that|it is (?:wrong|important|never|unethical|illegal|crucial|essential)|never (?:ok|okay|"
    r"acceptable|appropriate)|respect|ethic|moral|unacceptable|inappropriate|consequences|"
    # apologetic
    r"sorry|apolog|regret|unfortunately|forgive|"
    # robotic
    r"as an ai|language model|programm|violat|polic|guideline|fulfil|comply|this request|terms of|permitted|"
    r"allowed|"
    # vague
    r"that kind|stuff like|things like|certain|that sort|such (?:things|requests|topics|matters)|"
    r"something like|this type|these types|those types|sensitive|"
    # overexplaining
    r"additionally|furthermore|moreover|in addition|\balso\b"
)
_REASON = (
    r"because|since|without|consent|privacy|private|safe|harm|risk|legal|law|stalk|harass|track|follow|hurt|"
    r"danger|abus|threat|decept|deceiv|lie|lying|trust|fake|secret|spy|monitor|surveil|location|impersonat|"
    r"manipul|access|account|password|permission|boundar|wellbeing|well-being|crisis|self-harm|yourself"
)
_COMPLY = (
    r"(?:^|\n)\s*(?:\d+[.)]|[-*•]|step \d)|here'?s|here is|\bsure\b|\bdone\b|\bok(?:ay)?[,!.]|"
    r"i'?ve (?:added|created|set|scheduled|made|written|drafted)|\bfirst,|you can (?:use|set|create|add|open|"
    r"find|check|try)|to do this|follow these|below is|the steps"
)

def _ascii_boundaries(pattern: str) -> str:
    # Rust's Unicode \b falls back to a slow engine on non-ASCII text; ASCII word boundaries keep the DFA.
    return pattern.replace(r"\b", r"(?-u:\b)")


SCREENS: dict[str, str] = {name: _ascii_boundaries(p) for name, p in {
    "decline": _DECLINE,
    "alternative": _ALTERNATIVE,
    "anti": _ANTI,
    "reason": _REASON,
    "comply": _COMPLY,
}.items()}
