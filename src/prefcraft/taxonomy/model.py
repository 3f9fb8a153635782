"""Pydantic model of the taxonomy file, and the checks that turn a typo into a clear message.

The schema is strict (``extra="forbid"``): an unknown key is an error, never silently ignored.
Cross-references (duplicate ids/aliases, harms that do not exist, bands with lo > hi) are checked
after parsing by :func:`validate_references`, which collects every problem before raising.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "Band",
    "Category",
    "Example",
    "GapSettings",
    "Harm",
    "Hazards",
    "Subcategory",
    "SubcategoryRef",
    "TaxonomyFile",
    "UseCase",
    "normalise_name",
]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def normalise_name(name: str) -> str:
    """``"Direct Harm"``, ``"direct-harm"``, ``" DIRECT_HARM "`` → ``"direct_harm"``."""
    return _NON_ALNUM.sub("_", str(name).strip().lower()).strip("_")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Band = tuple[float, float]


def _check_band(value: Band | None) -> Band | None:
    if value is None:
        return None
    lo, hi = value
    for v in (lo, hi):
        if not 0.0 <= v <= 1.0:
            raise ValueError(
                f"band values are fractions between 0 and 1 (got {v}); write 0.25 for 25 %"
            )
    if lo > hi:
        raise ValueError(f"band lower bound {lo} is greater than its upper bound {hi}; "
                         f"write it as [{hi}, {lo}]")
    return (float(lo), float(hi))


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"ids are snake_case (lower-case letters, digits, '_', starting with a "
                         f"letter); got {value!r}, did you mean {normalise_name(value)!r}?")
    return value


class Hazards(_Strict):
    """Hazard codes from external taxonomies where one fits (empty when none does)."""

    llama_guard: list[str] = Field(default_factory=list)
    ailuminate: list[str] = Field(default_factory=list)

    @field_validator("llama_guard")
    @classmethod
    def _lg_codes(cls, v: list[str]) -> list[str]:
        for code in v:
            if not re.fullmatch(r"S(?:[1-9]|1[0-4])", code):
                raise ValueError(f"Llama Guard 3 codes are S1..S14 (got {code!r})")
        return v


class Example(_Strict):
    """An example prompt, optionally tagged with the harm it targets."""

    prompt: str = Field(min_length=1)
    harm: str | None = None


def _coerce_examples(v: object) -> object:
    if isinstance(v, list):
        return [{"prompt": x} if isinstance(x, str) else x for x in v]
    return v


class Subcategory(_Strict):
    id: str
    name: str | None = None
    description: str = ""
    aliases: list[str] = Field(default_factory=list)
    harms: list[str] = Field(default_factory=list)
    hazards: Hazards = Field(default_factory=Hazards)
    examples: list[Example] = Field(default_factory=list)

    _id = field_validator("id")(classmethod(lambda cls, v: _check_id(v)))
    _ex = field_validator("examples", mode="before")(classmethod(lambda cls, v: _coerce_examples(v)))

    @property
    def label(self) -> str:
        return self.name or self.id.replace("_", " ").capitalize()


class SubcategoryRef(Subcategory):
    """A subcategory declared at the top level (``subcategories:``) and attached to ``category``."""

    category: str


class Category(_Strict):
    id: str
    name: str | None = None
    description: str = ""
    seed: bool = False
    share_of: Literal["seed", "all"] | None = None
    target: Band | None = None
    aliases: list[str] = Field(default_factory=list)
    hazards: Hazards = Field(default_factory=Hazards)
    subcategories: list[Subcategory] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)

    _id = field_validator("id")(classmethod(lambda cls, v: _check_id(v)))
    _band = field_validator("target")(classmethod(lambda cls, v: _check_band(v)))
    _ex = field_validator("examples", mode="before")(classmethod(lambda cls, v: _coerce_examples(v)))

    @property
    def label(self) -> str:
        return self.name or self.id.replace("_", " ").capitalize()

    @property
    def basis(self) -> str:
        """What the band is a share of: ``"seed"`` rows or ``"all"`` rows."""
        return self.share_of or ("seed" if self.seed else "all")

    @property
    def harm_ids(self) -> list[str]:
        """Harms this category is expected to cover (from its subcategories and examples)."""
        out: list[str] = []
        for h in [h for s in self.subcategories for h in s.harms] + [
            e.harm for e in self.all_examples() if e.harm
        ]:
            if h not in out:
                out.append(h)
        return out

    def all_examples(self) -> list[Example]:
        return list(self.examples) + [e for s in self.subcategories for e in s.examples]


class Harm(_Strict):
    id: str
    name: str | None = None
    description: str = ""
    aliases: list[str] = Field(default_factory=list)
    target: Band | None = None
    hazards: Hazards = Field(default_factory=Hazards)

    _id = field_validator("id")(classmethod(lambda cls, v: _check_id(v)))
    _band = field_validator("target")(classmethod(lambda cls, v: _check_band(v)))

    @property
    def label(self) -> str:
        return self.name or self.id.replace("_", " ").capitalize()


class UseCase(_Strict):
    description: str = ""
    minimum: int = Field(ge=0)
    recommended: tuple[int, int]

    @field_validator("recommended")
    @classmethod
    def _rec(cls, v: tuple[int, int]) -> tuple[int, int]:
        if v[0] > v[1]:
            raise ValueError(f"recommended lower bound {v[0]} is greater than its upper bound "
                             f"{v[1]}; write it as [{v[1]}, {v[0]}]")
        return v


class GapSettings(_Strict):
    subcategory_min_share: float = Field(default=0.5, ge=0.0, le=1.0)
    subcategory_min_count: int = Field(default=1, ge=0)
    cell_min_count: int = Field(default=1, ge=0)


class TaxonomyFile(_Strict):
    """The raw file, as parsed. :class:`prefcraft.taxonomy.Taxonomy` wraps it with look-ups."""

    version: int = 1
    name: str = "custom"
    description: str = ""
    edge_case_category: str | None = None  # default: "edge_cases" when such a category exists
    benign_category: str | None = None  # default: "benign" when such a category exists
    categories: list[Category] = Field(min_length=1)
    subcategories: list[SubcategoryRef] = Field(default_factory=list)
    harms: list[Harm] = Field(default_factory=list)
    gaps: GapSettings = Field(default_factory=GapSettings)
    use_cases: dict[str, UseCase] = Field(default_factory=dict)
    default_use_case: str | None = None
