"""What every check reads: the dataset's columns, computed once and shared, plus the options.

Text columns, normalised prompts, resolved categories and refusal judgments are computed lazily on
first use, so a run with ``only=["chosen-too-short"]`` pays only for the chosen text.
"""

from __future__ import annotations

import functools
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
import polars as pl

from prefcraft.model import Dataset, Finding

__all__ = ["Context", "Options"]

BENIGN = "benign"
EDGE = "edge_cases"


@dataclass
class Options:
    min_chars: int = 50
    taxonomy: Any = None  # a prefcraft.taxonomy.Taxonomy (loaded lazily when None)
    taxonomy_path: str | None = None
    against: Dataset | None = None
    against_name: str | None = None
    tokenizer: Any = None  # a local tokenizer folder or a loaded tokenizer
    max_length: int | None = None
    cascade: bool | None = None  # None: judge everything below CASCADE_MIN rows, screen + judge above
    near_threshold: float = 0.6


class Context:
    """Lazily computed columns over one dataset. Positions ``i`` index the frame; ``row(i)`` is the
    record's 0-based index in the input (what findings report)."""

    CASCADE_MIN = 20_000

    def __init__(self, ds: Dataset, options: Options | None = None, problems: list | None = None) -> None:
        self.ds = ds
        self.frame = ds.frame
        self.options = options or Options()
        self.problems = list(problems or [])
        self.n = len(ds)
        self.path = ds.source_path
        self.lenient = False
        self.cache: dict[str, Any] = {}
        self.timings: dict[str, float] = {}
        self._memo: dict[str, Future] = {}
        self._memo_lock = threading.Lock()

    # ---------------------------------------------------------------- shared results
    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key, shared by every check (and thread) that asks: a caller that
        arrives while another thread computes it waits for that result; a failure is re-raised to each
        caller, so every check that needs it is skipped with the same reason."""
        with self._memo_lock:
            fut = self._memo.get(key)
            owner = fut is None
            if owner:
                fut = self._memo[key] = Future()
        if owner:
            try:
                fut.set_result(compute())
            except BaseException as exc:  # noqa: BLE001 - handed to every caller by fut.result()
                fut.set_exception(exc)
        return fut.result()

    def prefetch(self, jobs: list[Callable[["Context"], Any]]) -> threading.Thread:
        """Run ``jobs`` (each ``job(ctx)``, normally filling :meth:`memo` keys) in one background thread
        while the checks run: numpy and polars release the GIL, so on large inputs the duplicate search
        overlaps the refusal judging (see :func:`prefcraft.checks.runner.validate`)."""
        def work() -> None:
            for job in jobs:
                try:
                    job(self)
                except BaseException:  # noqa: BLE001 - the check that reads the result reports it
                    pass

        thread = threading.Thread(target=work, name="prefcraft-prefetch", daemon=True)
        thread.start()
        return thread

    # ---------------------------------------------------------------- locating
    @functools.cached_property
    def rows(self) -> np.ndarray:
        return self.frame.get_column("row").fill_null(-1).to_numpy()

    @functools.cached_property
    def lines(self) -> list[int | None]:
        return self.frame.get_column("line").to_list()

    def row(self, i: int) -> int:
        r = int(self.rows[i])
        return r if r >= 0 else int(i)

    def loc(self, i: int) -> str:
        """``data.jsonl:17`` when the line is known, else ``row 16``."""
        line = self.lines[i]
        if line is not None and self.path:
            return f"{self.path}:{line}"
        return f"row {self.row(i)}"

    def finding(self, i: int | None, check: str, severity: str, message: str) -> Finding:
        if i is None:
            return Finding(None, check, severity, message)
        return Finding(self.row(i), check, severity, f"{self.loc(i)}: {message}")

    @staticmethod
    def positions(mask: pl.Series | np.ndarray) -> Iterator[int]:
        arr = mask.to_numpy() if isinstance(mask, pl.Series) else mask
        return (int(i) for i in np.flatnonzero(np.asarray(arr, dtype=bool)))

    # ---------------------------------------------------------------- text
    def _single(self, column: str, role: str | None) -> pl.Series | None:
        """When every row holds exactly one message (of ``role``), its content without copying text
        (polars string views share the frame's buffers); else None."""
        col = self.frame.get_column(column)
        if self.n == 0 or col.null_count() or not (col.list.len() == 1).all():
            return None
        first = col.list.first().struct
        if role is not None and not (first.field("role") == role).all():
            return None
        return first.field("content").fill_null("")

    @functools.cached_property
    def prompt_text(self) -> pl.Series:
        single = self._single("prompt", "user")
        return single if single is not None else self.ds.prompt_text()

    @functools.cached_property
    def chosen_text(self) -> pl.Series:
        single = self._single("chosen", None)
        return single if single is not None else self.ds.chosen_text()

    @functools.cached_property
    def rejected_text(self) -> pl.Series:
        single = self._single("rejected", None)
        return single if single is not None else self.ds.rejected_text()

    def text(self, side: str) -> pl.Series:
        return {"prompt": self.prompt_text, "chosen": self.chosen_text, "rejected": self.rejected_text}[side]

    @functools.cached_property
    def chosen_len(self) -> np.ndarray:
        return self.chosen_text.str.len_chars().to_numpy()

    @functools.cached_property
    def rejected_len(self) -> np.ndarray:
        return self.rejected_text.str.len_chars().to_numpy()

    @functools.cached_property
    def full_prompt(self) -> pl.Series:
        """Every prompt message joined (role-tagged), for duplicate checks on multi-turn prompts (just the
        text when every prompt is a single user message)."""
        if self._single("prompt", "user") is not None:
            return self.prompt_text
        return self.frame.select(
            pl.col("prompt").list.eval(pl.element().struct.field("role") + pl.lit(": ")
                                       + pl.element().struct.field("content").fill_null(""))
            .list.join("\n").alias("p")).to_series()

    @property
    def norm_prompt(self) -> pl.Series:
        """Prompt (all turns) lower-cased, punctuation dropped, whitespace collapsed."""
        from prefcraft.checks.text import normalise_expr

        return self.memo("norm_prompt", lambda: pl.DataFrame({"p": self.full_prompt})
                         .select(normalise_expr("p")).to_series())

    # ---------------------------------------------------------------- taxonomy
    @functools.cached_property
    def taxonomy(self):
        if self.options.taxonomy is not None:
            return self.options.taxonomy
        from prefcraft.taxonomy import load_taxonomy

        return load_taxonomy(self.options.taxonomy_path)

    @functools.cached_property
    def raw_category(self) -> pl.Series:
        return self.frame.get_column("category")

    @functools.cached_property
    def category_id(self) -> pl.Series:
        """The taxonomy id of each row's category (null when absent or unknown)."""
        raw = self.raw_category
        uniq = raw.drop_nulls().unique().to_list()
        mapping = {u: self.taxonomy.resolve_category(u) for u in uniq}
        return raw.replace_strict(mapping, default=None, return_dtype=pl.Utf8) if uniq else \
            pl.Series("category", [None] * self.n, dtype=pl.Utf8)

    @functools.cached_property
    def group(self) -> np.ndarray:
        """Per row: "benign", "edge", "harmful" (any other known category, or no category but a known
        harm type such as ``stalking``) or "unknown"."""
        cid = self.category_id
        expr = (pl.when(pl.col("c") == BENIGN).then(pl.lit("benign"))
                .when(pl.col("c") == EDGE).then(pl.lit("edge"))
                .when(pl.col("c").is_not_null()).then(pl.lit("harmful"))
                .when(pl.col("h")).then(pl.lit("harmful"))
                .otherwise(pl.lit("unknown")))
        return pl.DataFrame({"c": cid, "h": self.known_harm}).select(expr.alias("g")).to_series().to_numpy()

    @functools.cached_property
    def known_harm(self) -> pl.Series:
        raw = self.frame.get_column("harm")
        uniq = raw.drop_nulls().unique().to_list()
        known = {u for u in uniq if self.taxonomy.resolve_harm(u) is not None}
        return raw.is_in(list(known)).fill_null(False) if known else pl.Series("h", [False] * self.n, dtype=pl.Boolean)

    # ---------------------------------------------------------------- refusal judgments
    @property
    def cascade(self) -> bool:
        if self.options.cascade is not None:
            return self.options.cascade
        return self.n >= self.CASCADE_MIN

    @functools.cached_property
    def _judged(self) -> dict[str, Any]:
        return {}

    def judged(self, side: str):
        """:class:`~prefcraft.checks.judging.Judged` for ``chosen`` or ``rejected`` (cached; a failure
        is cached too, so every check that needs it is skipped with the same reason)."""
        from prefcraft.checks.judging import judge_side

        if side not in self._judged:
            try:
                self._judged[side] = judge_side(self, side)
            except Exception as exc:  # noqa: BLE001 - re-raised in every check that needs it
                self._judged[side] = exc
        value = self._judged[side]
        if isinstance(value, Exception):
            raise value
        return value

    @functools.cached_property
    def benign_shaped(self) -> np.ndarray:
        """Rows to treat as benign: the benign category, or an uncategorised pair whose chosen complies
        and whose rejected refuses (the shape of a benign pair with an over-refusal)."""
        g = self.group
        out = g == "benign"
        unknown = g == "unknown"
        if unknown.any():
            c, r = self.judged("chosen"), self.judged("rejected")
            out = out | (unknown & (c.kind == "compliance") & r.refusal_like)
        return out
