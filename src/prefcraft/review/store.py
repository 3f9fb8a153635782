"""The review store: proposed / imported pairs, their annotations, reviews and edits in one SQLite file.

    store = ReviewStore("review.db")            # creates it, or migrates an older one
    store.start_job(job_id, spec, total)         # idempotent
    store.add_proposal(pair, job_id=..., key=..., provenance=..., findings=..., judgment=...)
    store.list_pairs(status="todo", reviewer="ana", min_reviews=2)
    store.review(pair_id, reviewer="ana", decision="accept", version=3)
    store.update_pair(pair_id, new_pair, reviewer="ana", action="edit", version=3, ...)

* The schema changes only through the numbered scripts in ``review/migrations`` (``0001_init.sql``, …);
  ``schema_version`` records how far a file has come. A file from a newer prefcraft is refused.
* ``add_proposal`` is one transaction and ``UNIQUE(job_id, key)`` makes a retry after ``kill -9`` a no-op.
* Every pair has a ``version``. Edits, flips and regenerations must name the version they started from;
  a stale version raises :class:`ConflictError` (nothing is written), so no update is ever lost. A review
  (accept / reject) also names the version it judged; reviews of an older version no longer count.
* Status is computed, not stored: a pair is ``pending`` until it has ``min_reviews`` decisions on its
  current version (the latest decision per reviewer counts), then ``accepted`` / ``rejected`` by majority,
  or ``disputed`` on a tie.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import orjson

from prefcraft.errors import InputError, PrefcraftError, UsageError
from prefcraft.model import PreferencePair

__all__ = ["ReviewStore", "StoredPair", "ConflictError", "STATUSES", "DECISIONS", "migrations",
           "LATEST_VERSION"]

STATUSES = ("todo", "pending", "accepted", "rejected", "disputed", "all")
DECISIONS = ("accept", "reject")
EDIT_ACTIONS = ("edit", "flip", "regenerate")


class ConflictError(PrefcraftError):
    """The pair changed since the caller read it; ``current`` is the pair as it is now."""

    def __init__(self, message: str, current: "StoredPair") -> None:
        super().__init__(message)
        self.current = current


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migration scripts shipped with prefcraft: ``(number, name, sql)`` in order."""
    out = []
    folder = resources.files("prefcraft.review") / "migrations"
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            out.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    out.sort()
    numbers = [n for n, _, _ in out]
    if numbers != list(range(1, len(out) + 1)):  # pragma: no cover - a packaging mistake
        raise RuntimeError(f"review migrations are not numbered 1..N without gaps: {numbers}")
    return out


LATEST_VERSION = len(migrations())


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _loads(text: str | None, default: Any = None) -> Any:
    if text is None or text == "":
        return default
    return orjson.loads(text)


def _messages(messages: list[dict]) -> list[dict[str, str]]:
    return [{"role": str(m["role"]), "content": str(m.get("content") or "")} for m in messages]


def _finding_checks(findings: list[dict]) -> str:
    names = sorted({str(f["check"]) for f in findings if f.get("check")})
    return ("," + ",".join(names) + ",") if names else ""


@dataclass
class StoredPair:
    """One pair as the store holds it now, with its annotations and history."""

    id: int
    pair: PreferencePair
    version: int
    status: str
    accepts: int
    rejects: int
    job_id: str | None
    key: str | None
    original_id: str
    provenance: dict[str, Any]
    findings: list[dict[str, Any]]
    judgment: dict[str, Any] | None
    created: str
    updated: str
    updated_by: str | None
    reviews: list[dict[str, Any]] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def edited(self) -> bool:
        return self.pair.id != self.original_id

    def reviews_of_current(self) -> list[dict[str, Any]]:
        """The latest decision per reviewer on the current version."""
        latest: dict[str, dict[str, Any]] = {}
        for r in self.reviews:
            if r["version"] == self.version:
                latest[r["reviewer"]] = r  # reviews come oldest first
        return list(latest.values())

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "pair_id": self.pair.id, "record": self.pair.to_record(), "version": self.version,
                "status": self.status, "accepts": self.accepts, "rejects": self.rejects,
                "job_id": self.job_id, "key": self.key, "original_id": self.original_id,
                "provenance": self.provenance, "findings": self.findings, "judgment": self.judgment,
                "created": self.created, "updated": self.updated, "updated_by": self.updated_by,
                "reviews": self.reviews, "edits": self.edits}


_PAIR_COLUMNS = ("p.id, p.job_id, p.key, p.pair_id, p.original_id, p.prompt, p.chosen, p.rejected, p.category, "
                 "p.subcategory, p.harm, p.source, p.tags, p.metadata, p.extra, p.format, p.provenance, "
                 "p.findings, p.judgment, p.version, p.created, p.updated, p.updated_by")


# Status from the per-pair tallies (migration 0003), given the server's minimum number of reviews.
_STATUS = ("(CASE WHEN p.n_accept + p.n_reject < :min_reviews THEN 'pending' "
           "WHEN p.n_accept > p.n_reject THEN 'accepted' WHEN p.n_reject > p.n_accept THEN 'rejected' "
           "ELSE 'disputed' END)")
_SELECT = f"SELECT {_PAIR_COLUMNS}, {_STATUS} AS status, p.n_accept AS acc, p.n_reject AS rej FROM pairs p"


class ReviewStore:
    """A review store in one SQLite file (WAL, foreign keys on, busy timeout); safe across threads."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 10_000) -> None:
        self.path = str(path)
        self._busy = int(busy_timeout_ms)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        p = Path(self.path)
        if p.exists() and p.is_dir():
            raise InputError(f"{self.path}: is a folder; expected a review store file (SQLite), e.g. review.db",
                             path=self.path)
        if p.parent and not p.parent.exists():
            raise InputError(f"{self.path}: folder {str(p.parent)!r} does not exist; create it first",
                             path=self.path)
        self.migrate()

    # ------------------------------------------------------------------ connections & migrations
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, isolation_level=None, timeout=self._busy / 1000,
                                       check_same_thread=False)
                conn.execute(f"PRAGMA busy_timeout = {self._busy}")
                conn.execute("PRAGMA foreign_keys = ON")
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                conn.execute("PRAGMA synchronous = NORMAL" if mode == "wal" else "PRAGMA synchronous = FULL")
            except sqlite3.DatabaseError as exc:
                raise InputError(f"{self.path}: not a review store ({exc}); expected a SQLite file made by "
                                 f"`prefcraft propose --store` or `prefcraft review import`",
                                 path=self.path) from None
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:  # pragma: no cover
                    pass
            self._all.clear()
        self._local = threading.local()

    def __enter__(self) -> "ReviewStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def schema_version(self) -> int:
        conn = self._conn()
        has = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'").fetchone()
        if not has:
            return 0
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def migrate(self, target: int | None = None) -> int:
        """Apply the migrations this file lacks (up to ``target``); returns the resulting version."""
        target = LATEST_VERSION if target is None else target
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            if conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == 0:
                conn.execute("INSERT INTO schema_version (version) VALUES (0)")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise InputError(f"{self.path}: not a review store ({exc}); expected a SQLite file made by "
                             f"`prefcraft propose --store` or `prefcraft review import`", path=self.path) from None
        current = self.schema_version()
        if current > LATEST_VERSION:
            raise InputError(f"{self.path}: review store schema version {current} is newer than this prefcraft "
                             f"understands ({LATEST_VERSION}); upgrade prefcraft", path=self.path)
        for number, name, sql in migrations():
            if number <= current or number > target:
                continue
            # One transaction per script: the version bump commits with the schema change or not at all.
            # (executescript would commit a pending transaction first, so BEGIN/COMMIT go inside the script.)
            try:
                conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\n;UPDATE schema_version SET version = {number};"
                                   f"\nCOMMIT;")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise PrefcraftError(f"{self.path}: migration {name} failed ({exc}); the file is left at "
                                     f"schema version {self.schema_version()}") from None
        return self.schema_version()

    # ------------------------------------------------------------------ jobs (the proposal contract)
    def start_job(self, job_id: str, spec: dict, total: int) -> None:
        """Record a job; starting a job that exists keeps it (same id → same job)."""
        conn = self._conn()
        conn.execute("INSERT INTO jobs (id, spec, total, created) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT(id) DO UPDATE SET total = excluded.total",
                     (job_id, _dumps(spec), int(total), _now()))

    def finish_job(self, job_id: str) -> None:
        self._conn().execute("UPDATE jobs SET finished = ? WHERE id = ?", (_now(), job_id))

    def job_done_keys(self, job_id: str) -> set[str]:
        rows = self._conn().execute("SELECT key FROM pairs WHERE job_id = ? AND key IS NOT NULL", (job_id,))
        return {r[0] for r in rows}

    def jobs(self) -> list[dict[str, Any]]:
        rows = self._conn().execute(
            "SELECT j.id, j.spec, j.total, j.created, j.finished, "
            "(SELECT COUNT(*) FROM pairs p WHERE p.job_id = j.id) AS stored FROM jobs j ORDER BY j.created")
        return [{"id": r["id"], "spec": _loads(r["spec"], {}), "total": r["total"], "stored": r["stored"],
                 "created": r["created"], "finished": r["finished"]} for r in rows]

    def add_proposal(self, pair: PreferencePair, *, job_id: str | None, key: str | None,
                     provenance: dict, findings: list[dict], judgment: dict | None) -> int | None:
        """Store one pair with its annotations in one transaction; ``None`` if (job_id, key) is stored."""
        now = _now()
        conn = self._conn()
        findings = [dict(f) for f in (findings or [])]
        try:
            cur = conn.execute(
                "INSERT INTO pairs (job_id, key, pair_id, original_id, prompt, chosen, rejected, category, "
                "subcategory, harm, source, tags, metadata, extra, format, provenance, findings, finding_checks, "
                "judgment, version, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
                "ON CONFLICT(job_id, key) DO NOTHING",
                (job_id, key, pair.id, pair.id, _dumps(_messages(pair.prompt)), _dumps(_messages(pair.chosen)),
                 _dumps(_messages(pair.rejected)), pair.category, pair.subcategory, pair.harm, pair.source,
                 _dumps(list(pair.tags)), _dumps(pair.metadata or {}), _dumps(pair.extra or {}), pair.format,
                 _dumps(provenance or {}), _dumps(findings), _finding_checks(findings),
                 _dumps(judgment) if judgment is not None else None, now, now))
        except sqlite3.IntegrityError as exc:
            if "FOREIGN KEY" in str(exc):
                raise UsageError(f"job {job_id!r} is not in {self.path}; call start_job first") from None
            raise
        if cur.rowcount == 0:
            return None
        return int(cur.lastrowid)

    # ------------------------------------------------------------------ reading
    def _row_to_stored(self, r: sqlite3.Row, status: str, acc: int, rej: int,
                       history: bool = False) -> StoredPair:
        pair = PreferencePair(prompt=_loads(r["prompt"]), chosen=_loads(r["chosen"]), rejected=_loads(r["rejected"]),
                              category=r["category"], subcategory=r["subcategory"], harm=r["harm"],
                              tags=_loads(r["tags"], []), source=r["source"], metadata=_loads(r["metadata"], {}),
                              format=r["format"], extra=_loads(r["extra"], {}))
        sp = StoredPair(id=r["id"], pair=pair, version=r["version"], status=status, accepts=acc, rejects=rej,
                        job_id=r["job_id"], key=r["key"], original_id=r["original_id"],
                        provenance=_loads(r["provenance"], {}), findings=_loads(r["findings"], []),
                        judgment=_loads(r["judgment"]), created=r["created"], updated=r["updated"],
                        updated_by=r["updated_by"])
        if history:
            conn = self._conn()
            sp.reviews = [dict(x) for x in conn.execute(
                "SELECT id, reviewer, decision, reason, version, created FROM reviews WHERE pair = ? ORDER BY id",
                (sp.id,))]
            sp.edits = [{**dict(x), "before": _loads(x["before"]), "after": _loads(x["after"])}
                        for x in conn.execute(
                            "SELECT id, reviewer, action, from_version, to_version, before, after, note, created "
                            "FROM edits WHERE pair = ? ORDER BY id", (sp.id,))]
        return sp

    def _where(self, *, status: str | None, reviewer: str | None, category: str | None, harm: str | None,
               finding: str | None, job: str | None, params: dict[str, Any]) -> str:
        clauses = []
        if status and status not in STATUSES:
            raise UsageError(f"unknown status {status!r}; expected one of: {', '.join(STATUSES)}")
        if status == "todo":
            clauses.append(f"{_STATUS} IN ('pending', 'disputed')")  # a tie needs another opinion
            if reviewer:
                clauses.append("NOT EXISTS (SELECT 1 FROM reviews r2 WHERE r2.pair = p.id AND "
                               "r2.version = p.version AND r2.reviewer = :reviewer)")
                params["reviewer"] = reviewer
        elif status and status != "all":
            clauses.append(f"{_STATUS} = :status")
            params["status"] = status
        if category:
            clauses.append("p.category IS :category" if category != "(none)" else "p.category IS NULL")
            if category != "(none)":
                params["category"] = category
        if harm:
            clauses.append("p.harm IS :harm" if harm != "(none)" else "p.harm IS NULL")
            if harm != "(none)":
                params["harm"] = harm
        if finding:
            if finding == "(any)":
                clauses.append("p.finding_checks != ''")
            elif finding == "(none)":
                clauses.append("p.finding_checks = ''")
            else:
                clauses.append("instr(p.finding_checks, ',' || :finding || ',') > 0")
                params["finding"] = finding
        if job:
            clauses.append("p.job_id IS :job")
            params["job"] = job
        return (" WHERE " + " AND ".join(clauses)) if clauses else ""

    def list_pairs(self, *, status: str | None = None, reviewer: str | None = None, category: str | None = None,
                   harm: str | None = None, finding: str | None = None, job: str | None = None,
                   min_reviews: int = 1, limit: int | None = None, offset: int = 0) -> list[StoredPair]:
        """Pairs in store order, filtered (``status="todo"``: pending or disputed, not yet decided by ``reviewer``)."""
        params: dict[str, Any] = {"min_reviews": max(1, int(min_reviews))}
        where = self._where(status=status, reviewer=reviewer, category=category, harm=harm, finding=finding,
                            job=job, params=params)
        sql = f"{_SELECT}{where} ORDER BY p.id"
        if limit is not None:
            sql += " LIMIT :limit OFFSET :offset"
            params.update(limit=int(limit), offset=int(offset))
        rows = self._conn().execute(sql, params).fetchall()
        return [self._row_to_stored(r, r["status"], r["acc"], r["rej"]) for r in rows]

    def list_ids(self, *, min_reviews: int = 1, **filters: Any) -> list[int]:
        params: dict[str, Any] = {"min_reviews": max(1, int(min_reviews))}
        where = self._where(status=filters.get("status"), reviewer=filters.get("reviewer"),
                            category=filters.get("category"), harm=filters.get("harm"),
                            finding=filters.get("finding"), job=filters.get("job"), params=params)
        rows = self._conn().execute(f"SELECT p.id FROM pairs p{where} ORDER BY p.id", params)
        return [r[0] for r in rows]

    def count(self, *, min_reviews: int = 1, **filters: Any) -> int:
        return len(self.list_ids(min_reviews=min_reviews, **filters))

    def get(self, store_id: int, *, min_reviews: int = 1) -> StoredPair:
        """One pair with its reviews and edits; :class:`InputError` if there is no such id."""
        params = {"min_reviews": max(1, int(min_reviews)), "id": int(store_id)}
        r = self._conn().execute(f"{_SELECT} WHERE p.id = :id", params).fetchone()
        if r is None:
            raise InputError(f"{self.path}: no pair with id {store_id}")
        return self._row_to_stored(r, r["status"], r["acc"], r["rej"], history=True)

    def progress(self, *, min_reviews: int = 1, reviewer: str | None = None) -> dict[str, int]:
        """Counts per status (plus ``todo`` for ``reviewer`` and ``total``)."""
        params: dict[str, Any] = {"min_reviews": max(1, int(min_reviews))}
        todo = "1"
        if reviewer:
            todo = ("NOT EXISTS (SELECT 1 FROM reviews r WHERE r.pair = p.id AND r.version = p.version "
                    "AND r.reviewer = :reviewer)")
            params["reviewer"] = reviewer
        rows = self._conn().execute(f"SELECT {_STATUS} AS status, COUNT(*), SUM({todo}) FROM pairs p "
                                    f"GROUP BY status", params)
        out = {"total": 0, "pending": 0, "accepted": 0, "rejected": 0, "disputed": 0, "todo": 0}
        for status, n, todo_n in rows:
            out[status] = n
            out["total"] += n
            if status in ("pending", "disputed"):
                out["todo"] += int(todo_n or 0)
        out["reviews"] = self._conn().execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
        out["edited"] = self._conn().execute("SELECT COUNT(*) FROM pairs WHERE pair_id != original_id").fetchone()[0]
        return out

    def facets(self) -> dict[str, list[str]]:
        """The values the queue can be filtered by."""
        conn = self._conn()

        def col(name: str) -> list[str]:
            vals = [r[0] for r in conn.execute(f"SELECT DISTINCT {name} FROM pairs ORDER BY {name}")]
            return [v for v in vals if v is not None] + (["(none)"] if None in vals else [])

        checks: set[str] = set()
        for (fc,) in conn.execute("SELECT DISTINCT finding_checks FROM pairs WHERE finding_checks != ''"):
            checks.update(x for x in fc.split(",") if x)
        return {"category": col("category"), "harm": col("harm"), "finding": sorted(checks),
                "job": [r[0] for r in conn.execute("SELECT id FROM jobs ORDER BY created")]}

    def reviewers(self) -> list[str]:
        return [r[0] for r in self._conn().execute("SELECT DISTINCT reviewer FROM reviews ORDER BY reviewer")]

    def agreement(self) -> dict[str, Any]:
        """Agreement over pairs decided by two or more reviewers on their current version."""
        from prefcraft.review.agreement import agreement

        rows = self._conn().execute(
            "SELECT r.pair, r.reviewer, r.decision FROM reviews r JOIN pairs p ON p.id = r.pair "
            "AND r.version = p.version ORDER BY r.id")
        items: dict[int, dict[str, str]] = {}
        for pair, reviewer, decision in rows:
            items.setdefault(pair, {})[reviewer] = decision  # the latest decision per reviewer wins
        return agreement(items.values())

    # ------------------------------------------------------------------ writing (optimistic concurrency)
    def _conflict(self, conn: sqlite3.Connection, store_id: int, version: int, what: str) -> ConflictError:
        conn.execute("ROLLBACK")
        current = self.get(store_id)
        who = f" by {current.updated_by}" if current.updated_by else ""
        return ConflictError(f"pair {store_id} was changed{who} (now version {current.version}; you started from "
                             f"version {version}); your {what} was not saved — look at the new version and "
                             f"try again", current)

    def _begin_checked(self, store_id: int, version: int, what: str) -> tuple[sqlite3.Connection, sqlite3.Row]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        row = conn.execute("SELECT * FROM pairs WHERE id = ?", (int(store_id),)).fetchone()
        if row is None:
            conn.execute("ROLLBACK")
            raise InputError(f"{self.path}: no pair with id {store_id}")
        if row["version"] != int(version):
            raise self._conflict(conn, store_id, version, what)
        return conn, row

    def review(self, store_id: int, *, reviewer: str, decision: str, version: int,
               reason: str | None = None) -> int:
        """Record ``reviewer``'s decision on ``version``; :class:`ConflictError` if the pair changed since."""
        if decision not in DECISIONS:
            raise UsageError(f"unknown decision {decision!r}; expected one of: {', '.join(DECISIONS)}")
        reviewer = _check_reviewer(reviewer)
        if decision == "reject" and not (reason or "").strip():
            raise UsageError("a rejection needs a reason (what is wrong with this pair)")
        if reason is not None and len(reason) > 2000:
            raise UsageError(f"the reason is {len(reason):,} characters; keep it under 2,000")
        conn, _ = self._begin_checked(store_id, version, decision)
        try:
            cur = conn.execute("INSERT INTO reviews (pair, reviewer, decision, reason, version, created) "
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               (int(store_id), reviewer, decision, (reason or "").strip() or None, int(version),
                                _now()))
            self._retally(conn, int(store_id), int(version))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return int(cur.lastrowid)

    @staticmethod
    def _retally(conn: sqlite3.Connection, store_id: int, version: int) -> None:
        """Recount the latest decision per reviewer on ``version`` (inside the caller's transaction)."""
        latest: dict[str, str] = {}
        for reviewer, decision in conn.execute("SELECT reviewer, decision FROM reviews WHERE pair = ? AND "
                                               "version = ? ORDER BY id", (store_id, version)):
            latest[reviewer] = decision
        acc = sum(d == "accept" for d in latest.values())
        conn.execute("UPDATE pairs SET n_accept = ?, n_reject = ? WHERE id = ?", (acc, len(latest) - acc, store_id))

    def update_pair(self, store_id: int, pair: PreferencePair, *, reviewer: str, action: str, version: int,
                    findings: list[dict] | None = None, judgment: dict | None = None,
                    note: str | None = None, provenance: dict | None = None) -> int:
        """Replace the pair's content (edit / flip / regenerate) if it is still at ``version``.

        Returns the new version. Findings and judgment are replaced when given (re-checked on save);
        ``provenance`` keys are merged into the stored provenance.
        """
        if action not in EDIT_ACTIONS:
            raise UsageError(f"unknown action {action!r}; expected one of: {', '.join(EDIT_ACTIONS)}")
        reviewer = _check_reviewer(reviewer)
        conn, row = self._begin_checked(store_id, version, action)
        try:
            before = {"prompt": _loads(row["prompt"]), "chosen": _loads(row["chosen"]),
                      "rejected": _loads(row["rejected"])}
            after = {"prompt": _messages(pair.prompt), "chosen": _messages(pair.chosen),
                     "rejected": _messages(pair.rejected)}
            new_version = int(version) + 1
            now = _now()
            prov = _loads(row["provenance"], {})
            if provenance:
                prov.update(provenance)
            sets = {"prompt": _dumps(after["prompt"]), "chosen": _dumps(after["chosen"]),
                    "rejected": _dumps(after["rejected"]), "pair_id": pair.id, "version": new_version,
                    "updated": now, "updated_by": reviewer, "provenance": _dumps(prov),
                    "category": pair.category, "subcategory": pair.subcategory, "harm": pair.harm,
                    "n_accept": 0, "n_reject": 0}  # a new version has no decisions yet
            if findings is not None:
                sets["findings"] = _dumps([dict(f) for f in findings])
                sets["finding_checks"] = _finding_checks(findings)
            if judgment is not None:
                sets["judgment"] = _dumps(judgment)
            assignments = ", ".join(f"{k} = :{k}" for k in sets)
            cur = conn.execute(f"UPDATE pairs SET {assignments} WHERE id = :id AND version = :old",
                               {**sets, "id": int(store_id), "old": int(version)})
            if cur.rowcount != 1:  # pragma: no cover - BEGIN IMMEDIATE already holds the write lock
                raise self._conflict(conn, store_id, version, action)
            conn.execute("INSERT INTO edits (pair, reviewer, action, from_version, to_version, before, after, note, "
                         "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (int(store_id), reviewer, action, int(version), new_version, _dumps(before), _dumps(after),
                          note, now))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return new_version

    # ------------------------------------------------------------------ export
    def accepted(self, *, min_reviews: int = 1) -> Iterable[StoredPair]:
        for sp in self.list_pairs(status="accepted", min_reviews=min_reviews):
            yield self.get(sp.id, min_reviews=min_reviews)


def _check_reviewer(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 60 or any(ord(c) < 32 for c in name):
        raise UsageError(f"reviewer name {name!r} is not usable; expected 1–60 printable characters")
    return name
