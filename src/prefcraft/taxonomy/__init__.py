"""The taxonomy as data: request categories × Task-API harm types, target bands and minimum sizes.

>>> tax = load_taxonomy()                       # the built-in file, cached
>>> tax.resolve_category("Direct Harm")
'direct_harm'
>>> tax.resolve_category("injection")
'prompt_injection'
>>> tax.targets["edge_cases"]
(0.2, 0.3)

A user file is loaded with ``load_taxonomy("my_taxonomy.yaml")``; any mistake in it raises
:class:`prefcraft.errors.InputError` naming the file, the key path and the fix.
"""

from __future__ import annotations

import difflib
import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from prefcraft.errors import InputError
from prefcraft.taxonomy.model import (
    Category,
    Example,
    GapSettings,
    Harm,
    Subcategory,
    TaxonomyFile,
    UseCase,
    normalise_name,
)

__all__ = [
    "BUILTIN_PATH",
    "Category",
    "Example",
    "Harm",
    "Subcategory",
    "Taxonomy",
    "UseCase",
    "load_taxonomy",
    "normalise_name",
]

BUILTIN_PATH = "taxonomy.yaml"


class Taxonomy:
    """Read-only view of a validated taxonomy file with alias resolution."""

    def __init__(self, spec: TaxonomyFile, source: str | None = None) -> None:
        self.spec = spec
        self.source = source
        self.name = spec.name
        self.categories: list[Category] = list(spec.categories)
        self.harms: list[Harm] = list(spec.harms)
        self.use_cases: dict[str, UseCase] = dict(spec.use_cases)
        self.gap_settings: GapSettings = spec.gaps
        self.edge_case_category = spec.edge_case_category
        self.benign_category = spec.benign_category
        self.default_use_case = spec.default_use_case or next(iter(self.use_cases), None)
        self._cat = {c.id: c for c in self.categories}
        self._harm = {h.id: h for h in self.harms}
        self._sub: dict[str, tuple[Category, Subcategory]] = {
            s.id: (c, s) for c in self.categories for s in c.subcategories
        }
        self._cat_alias = _alias_map((c.id, c.aliases) for c in self.categories)
        self._harm_alias = _alias_map((h.id, h.aliases) for h in self.harms)
        self._sub_alias = _alias_map((s.id, s.aliases) for _, s in self._sub.values())

    # -- look-ups ---------------------------------------------------------------------------------
    @property
    def category_ids(self) -> list[str]:
        return [c.id for c in self.categories]

    @property
    def harm_ids(self) -> list[str]:
        return [h.id for h in self.harms]

    @property
    def seed_categories(self) -> list[str]:
        """Ids of the banded seed categories (bands are shares of rows in these categories)."""
        return [c.id for c in self.categories if c.seed]

    @property
    def targets(self) -> dict[str, tuple[float, float]]:
        """Category id → band ``(lo, hi)`` for every category that has one."""
        return {c.id: c.target for c in self.categories if c.target is not None}

    @property
    def harm_targets(self) -> dict[str, tuple[float, float]]:
        return {h.id: h.target for h in self.harms if h.target is not None}

    @property
    def minimum_sizes(self) -> dict[str, int]:
        return {name: uc.minimum for name, uc in self.use_cases.items()}

    @property
    def recommended_sizes(self) -> dict[str, tuple[int, int]]:
        return {name: uc.recommended for name, uc in self.use_cases.items()}

    def category(self, cid: str) -> Category:
        return self._cat[cid]

    def harm(self, hid: str) -> Harm:
        return self._harm[hid]

    def subcategory(self, sid: str) -> Subcategory:
        return self._sub[sid][1]

    def parent_of(self, sid: str) -> str:
        return self._sub[sid][0].id

    def use_case(self, name: str) -> UseCase:
        try:
            return self.use_cases[name]
        except KeyError:
            raise InputError(
                f"unknown use case {name!r}; expected one of: {', '.join(self.use_cases)}"
                f"{_did_you_mean(name, list(self.use_cases))}"
            ) from None

    def resolve_category(self, name: str | None) -> str | None:
        """Category id for an id, alias or spelling variant (``"Direct Harm"``); None if unknown."""
        if name is None:
            return None
        return self._cat_alias.get(normalise_name(name))

    def resolve_harm(self, name: str | None) -> str | None:
        if name is None:
            return None
        return self._harm_alias.get(normalise_name(name))

    def resolve_subcategory(self, name: str | None, category: str | None = None) -> str | None:
        """Subcategory id; with ``category`` given, only a subcategory of that category matches."""
        if name is None:
            return None
        sid = self._sub_alias.get(normalise_name(name))
        if sid is None or (category is not None and self._sub[sid][0].id != category):
            return None
        return sid

    def examples(self, category: str, subcategory: str | None = None,
                 harm: str | None = None) -> list[str]:
        """Example prompts, most specific first (matching harm before others)."""
        cat = self._cat[category]
        pool = self._sub[subcategory][1].examples if subcategory else cat.all_examples()
        matching = [e.prompt for e in pool if harm is None or e.harm == harm]
        others = [e.prompt for e in pool if harm is not None and e.harm != harm]
        return matching + others

    def to_dict(self) -> dict[str, Any]:
        return self.spec.model_dump(mode="json")

    def __repr__(self) -> str:
        return f"Taxonomy({self.name!r}, categories={self.category_ids}, harms={self.harm_ids})"


def _alias_map(entries) -> dict[str, str]:
    out: dict[str, str] = {}
    for eid, aliases in entries:
        for a in (eid, *aliases):
            out.setdefault(normalise_name(a), eid)
    return out


def _did_you_mean(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" — did you mean {close[0]!r}?" if close else ""


# -- loading ---------------------------------------------------------------------------------------

def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load the built-in taxonomy (``path=None``, cached) or a user file (validated strictly)."""
    if path is None:
        return _builtin()
    return _load_file(str(path))


@functools.lru_cache(maxsize=1)
def _builtin() -> Taxonomy:
    text = resources.files(__package__).joinpath(BUILTIN_PATH).read_text(encoding="utf-8")
    return parse_taxonomy(text, source="<built-in taxonomy.yaml>")


def _load_file(path: str) -> Taxonomy:
    p = Path(path)
    if not p.is_file():
        builtin = resources.files(__package__).joinpath(BUILTIN_PATH)
        raise InputError(f"{path}: taxonomy file not found; pass the path of a YAML file "
                         f"(to start one, copy the built-in {builtin})", path=path)
    return parse_taxonomy(p.read_text(encoding="utf-8"), source=path)


def parse_taxonomy(text: str, source: str = "<string>") -> Taxonomy:
    """Parse and validate taxonomy YAML text; ``source`` names the file in error messages."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise InputError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); "
                         f"check indentation and quoting near that line", path=source,
                         line=mark.line + 1 if mark else None) from None
    if not isinstance(raw, dict):
        raise InputError(f"{source}: expected a YAML mapping with 'categories' and 'harms' at the "
                         f"top level, found {type(raw).__name__}", path=source)
    ids = {c.get("id") for c in raw.get("categories") or [] if isinstance(c, dict)}
    for key, default in (("edge_case_category", "edge_cases"), ("benign_category", "benign")):
        if key not in raw and default in ids:
            raw[key] = default
    try:
        spec = TaxonomyFile.model_validate(raw)
    except ValidationError as exc:
        raise InputError(_format_validation(exc, raw, source), path=source) from None
    problems = validate_references(spec, raw)
    if problems:
        raise InputError(_join(source, problems), path=source)
    return Taxonomy(_attach_subcategories(spec), source=source)


def _attach_subcategories(spec: TaxonomyFile) -> TaxonomyFile:
    """Move top-level ``subcategories:`` (each naming its ``category``) under their category."""
    if not spec.subcategories:
        return spec
    cats = []
    for c in spec.categories:
        extra = [Subcategory(**s.model_dump(exclude={"category"})) for s in spec.subcategories
                 if s.category == c.id]
        cats.append(c.model_copy(update={"subcategories": [*c.subcategories, *extra]}) if extra else c)
    return spec.model_copy(update={"categories": cats, "subcategories": []})


def _key_path(loc: tuple, raw: Any) -> str:
    """``("categories", 0, "subcategories", 1, "aliasses")`` → ``categories[0](direct_harm)...``."""
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            try:
                node = node[part]
                if isinstance(node, dict) and "id" in node:
                    out += f"({node['id']})"
            except (IndexError, KeyError, TypeError):
                node = None
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


_MODEL_FOR = {
    "categories": Category, "subcategories": Subcategory, "harms": Harm, "examples": None,
    "gaps": GapSettings, "use_cases": UseCase, "hazards": None,
}


def _allowed_keys(loc: tuple) -> list[str]:
    from prefcraft.taxonomy.model import Example, Hazards

    names = [p for p in loc[:-1] if isinstance(p, str)]
    parent = names[-1] if names else None
    if parent is None:
        model = TaxonomyFile
    elif parent == "use_cases":
        model = UseCase
    elif parent == "hazards":
        model = Hazards
    elif parent == "examples":
        model = Example
    else:
        model = _MODEL_FOR.get(parent) or TaxonomyFile
    return list(model.model_fields)


def _format_validation(exc: ValidationError, raw: Any, source: str) -> str:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = _key_path(loc, raw)
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(loc)
            lines.append(f"{path}: unknown key {key!r}{_did_you_mean(key, allowed)} "
                         f"(allowed keys: {', '.join(allowed)})")
        elif err["type"] == "missing":
            lines.append(f"{path}: required key is missing; add it")
        else:
            got = err.get("input")
            got_s = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{path}: {msg}{got_s}")
    return _join(source, lines)


def _join(source: str, problems: list[str]) -> str:
    head = f"{source}: invalid taxonomy file ({len(problems)} problem{'s' if len(problems) > 1 else ''}):"
    return head + "".join(f"\n  - {p}" for p in problems)


def validate_references(spec: TaxonomyFile, raw: Any = None) -> list[str]:
    """Cross-reference checks the schema cannot express; returns every problem found."""
    problems: list[str] = []
    harm_ids = [h.id for h in spec.harms]
    cat_ids = [c.id for c in spec.categories]

    def dupes(kind: str, entries: list[tuple[str, str, list[str]]]) -> None:
        seen: dict[str, str] = {}
        for where, eid, aliases in entries:
            for name in (eid, *aliases):
                key = normalise_name(name)
                owner = seen.get(key)
                if owner is not None and owner != f"{where}":
                    problems.append(f"{where}: {kind} id/alias {name!r} is already used by "
                                    f"{owner}; each id and alias must be unique — rename or "
                                    f"remove one")
                elif owner is None:
                    seen[key] = where

    dupes("category", [(f"categories[{i}]({c.id})", c.id, c.aliases)
                       for i, c in enumerate(spec.categories)])
    dupes("harm", [(f"harms[{i}]({h.id})", h.id, h.aliases) for i, h in enumerate(spec.harms)])
    dupes("subcategory", [(f"categories[{i}]({c.id}).subcategories[{j}]({s.id})", s.id, s.aliases)
                          for i, c in enumerate(spec.categories)
                          for j, s in enumerate(c.subcategories)]
          + [(f"subcategories[{j}]({s.id})", s.id, s.aliases) for j, s in enumerate(spec.subcategories)])

    def harm_ref(where: str, hid: str | None) -> None:
        if hid is not None and hid not in harm_ids:
            problems.append(f"{where}: harm {hid!r} does not exist{_did_you_mean(hid, harm_ids)}; "
                            f"use one of: {', '.join(harm_ids) or '(no harms defined)'}")

    for i, c in enumerate(spec.categories):
        base = f"categories[{i}]({c.id})"
        if c.seed and c.target is None:
            problems.append(f"{base}.target: a seed category needs a band; add e.g. "
                            f"'target: [0.10, 0.20]' or set 'seed: false'")
        if c.share_of == "seed" and not c.seed:
            problems.append(f"{base}.share_of: 'seed' bands are only for seed categories; "
                            f"set 'seed: true' or 'share_of: all'")
        for k, e in enumerate(c.examples):
            harm_ref(f"{base}.examples[{k}].harm", e.harm)
        for j, s in enumerate(c.subcategories):
            sbase = f"{base}.subcategories[{j}]({s.id})"
            for k, h in enumerate(s.harms):
                harm_ref(f"{sbase}.harms[{k}]", h)
            for k, e in enumerate(s.examples):
                harm_ref(f"{sbase}.examples[{k}].harm", e.harm)
    for j, s in enumerate(spec.subcategories):
        sbase = f"subcategories[{j}]({s.id})"
        if s.category not in cat_ids:
            problems.append(f"{sbase}.category: category {s.category!r} does not exist"
                            f"{_did_you_mean(s.category, cat_ids)}; use one of: {', '.join(cat_ids)}")
        for k, h in enumerate(s.harms):
            harm_ref(f"{sbase}.harms[{k}]", h)
        for k, e in enumerate(s.examples):
            harm_ref(f"{sbase}.examples[{k}].harm", e.harm)
    for key in ("edge_case_category", "benign_category"):
        val = getattr(spec, key)
        if val is not None and val not in cat_ids:
            problems.append(f"{key}: category {val!r} does not exist"
                            f"{_did_you_mean(val, cat_ids)}; use one of: {', '.join(cat_ids)} "
                            f"or null")
    seeds = [c for c in spec.categories if c.seed and c.target]
    if seeds and sum(c.target[0] for c in seeds) > 1.0 + 1e-9:
        problems.append("categories: the lower bounds of the seed bands add up to "
                        f"{sum(c.target[0] for c in seeds):.2f} > 1, so no dataset can meet them; "
                        "lower some bands")
    if seeds and sum(c.target[1] for c in seeds) < 1.0 - 1e-9:
        problems.append("categories: the upper bounds of the seed bands add up to "
                        f"{sum(c.target[1] for c in seeds):.2f} < 1, so no dataset can meet them; "
                        "raise some bands")
    if spec.default_use_case is not None and spec.default_use_case not in spec.use_cases:
        problems.append(f"default_use_case: {spec.default_use_case!r} is not one of use_cases "
                        f"({', '.join(spec.use_cases) or 'none defined'})"
                        f"{_did_you_mean(spec.default_use_case, list(spec.use_cases))}")
    for name, uc in spec.use_cases.items():
        if uc.minimum > uc.recommended[1]:
            problems.append(f"use_cases.{name}: minimum {uc.minimum} is above the recommended "
                            f"range {list(uc.recommended)}; lower the minimum")
    return problems
