"""The review web app: server-rendered pages over a :class:`~prefcraft.review.store.ReviewStore`.

    app = create_app("review.db", min_reviews=2, token=None, backend=None)

Pages: ``/`` the queue (filters, progress), ``/pair/{id}`` one pair (prompt as a conversation, chosen and
rejected side by side with findings and rubric evidence highlighted), ``/stats`` progress and agreement,
``/whoami`` the reviewer's name (a cookie per browser). Actions are plain HTML form POSTs to
``/pair/{id}/{accept|reject|flip|edit|regenerate}`` carrying the version the reviewer saw; a stale version
answers 409 with the current pair. ``static/review.js`` adds keyboard shortcuts and in-place editing; the
pages work without it. Every dataset text goes through Jinja's autoescaping; see ``security.py`` for the
token, CSRF and header rules.
"""


import re
import time
from typing import Any
from urllib.parse import quote, unquote, urlencode

from prefcraft.errors import PrefcraftError, UsageError, require
from prefcraft.model import PreferencePair
from prefcraft.review.annotate import annotate
from prefcraft.review.security import AUTH_COOKIE, REVIEWER_COOKIE, SECURITY_HEADERS, SESSION_COOKIE, Guard
from prefcraft.review.store import STATUSES, ConflictError, ReviewStore, StoredPair

__all__ = ["create_app"]

PAGE_SIZE = 50
REJECT_REASONS = ("chosen is not a graceful refusal", "chosen lectures or moralises", "rejected is not harmful enough",
                  "rejected is unrealistic", "prompt is off-topic for the Task API", "wrong category or harm",
                  "duplicate of another pair")
MESSAGES = {
    "accepted": "Accepted.", "rejected": "Rejected.", "flipped": "Flipped chosen ↔ rejected and re-checked.",
    "saved": "Saved and re-checked.", "regenerated": "Regenerated and re-checked.",
    "done": "Nothing left in this queue. Change the filters to see more.", "hello": "Welcome! Press ? for shortcuts.",
}
_LABEL_RE = re.compile(r"^[a-z_]{1,30}$")
_ROW_PREFIX = re.compile(r"^row \d+: ")  # a finding located in a one-pair batch: noise on the pair's page


def _segments(text: str, spans: list[dict[str, Any]] | None) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, label-or-None) by non-overlapping evidence spans that match the text."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for s in sorted(spans or [], key=lambda s: (int(s.get("start", 0)), -int(s.get("end", 0)))):
        a, b = int(s.get("start", -1)), int(s.get("end", -1))
        if a < pos or a >= b or b > len(text) or ("text" in s and text[a:b] != s["text"]):
            continue
        if a > pos:
            out.append((text[pos:a], None))
        label = str(s.get("label") or "evidence")
        out.append((text[a:b], label if _LABEL_RE.match(label) else "evidence"))
        pos = b
    if pos < len(text) or not out:
        out.append((text[pos:], None))
    return out


def _side(judgment: dict[str, Any] | None, prompt: str, response: str) -> dict[str, Any] | None:
    """One side's judgment with evidence (recomputed for the deterministic rules engine when not stored)."""
    if not judgment:
        return None
    j = dict(judgment)
    j.pop("rejected", None)
    if "evidence" not in j and j.get("engine", "rules") == "rules":
        try:
            from prefcraft.refusal import judge

            j["evidence"] = [s.to_dict() for s in judge(prompt, response).evidence]
        except PrefcraftError:  # pragma: no cover - the rules engine always loads
            j["evidence"] = []
    return j


def _check_fields(check_id: str) -> tuple[str, ...] | None:
    """The dataset fields a registered validator check reads (``None`` when unknown)."""
    try:
        from prefcraft.checks.registry import get
    except ImportError:
        return None
    try:
        return tuple(get(check_id).fields)
    except (PrefcraftError, ImportError):  # unknown id, or a check plugin that cannot load
        return None


def _findings_for(findings: list[dict[str, Any]], side: str) -> list[dict[str, Any]]:
    """Findings about one side: an explicit ``field``/``fields``, a check that reads only that side (or
    whose id starts with it), else the side named in the message."""
    out = []
    for f in findings or []:
        fields = f.get("fields") or ([f["field"]] if f.get("field") else None)
        check = str(f.get("check") or "")
        if fields is None and check:
            known = _check_fields(check)
            if known and len(known) == 1 and known[0] in ("prompt", "chosen", "rejected"):
                fields = known
            elif check.startswith((f"{side}-", f"{side}_")):
                fields = [side]
        if fields is not None:
            if side in fields:
                out.append(f)
        elif re.search(rf"\b{side}\b", str(f.get("message", "")), re.I):
            out.append(f)
    return out


class _Filters(dict):
    KEYS = ("status", "category", "harm", "finding", "job")

    @classmethod
    def parse(cls, params: Any) -> "_Filters":
        f = cls()
        status = params.get("status") or "todo"
        f["status"] = status if status in STATUSES else "todo"
        for k in ("category", "harm", "finding", "job"):
            v = (params.get(k) or "").strip()
            if v:
                f[k] = v[:80]
        return f

    def query(self, **extra: Any) -> str:
        items = {k: v for k, v in self.items() if v}
        items.update({k: v for k, v in extra.items() if v is not None})
        return urlencode(items)


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def create_app(store_path: str, *, token: str | None = None, min_reviews: int = 1, backend: Any = None,
               backend_note: str | None = None, engine: str = "rules", secret: bytes | None = None,
               taxonomy: Any = None) -> Any:
    """A FastAPI app over the store at ``store_path`` (needs ``pip install 'prefcraft[review]'``)."""
    require("fastapi", extra="review", feature="The review web app")
    import importlib.util

    if importlib.util.find_spec("python_multipart") is None and importlib.util.find_spec("multipart") is None:
        require("python_multipart", extra="review", feature="The review web app", package="python-multipart")
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
    from fastapi.staticfiles import StaticFiles
    from jinja2 import Environment, PackageLoader, select_autoescape
    from starlette.concurrency import run_in_threadpool

    if min_reviews < 1:
        raise UsageError(f"--min-reviews must be at least 1 (got {min_reviews})")
    store = ReviewStore(store_path)
    guard = Guard(token, secret)
    if taxonomy is None or isinstance(taxonomy, str):
        from prefcraft.taxonomy import load_taxonomy

        taxonomy = load_taxonomy(taxonomy)
    labels = {"category": taxonomy.category_ids, "harm": taxonomy.harm_ids,
              "subcategory": [sub.id for c in taxonomy.categories for sub in c.subcategories]}
    env = Environment(loader=PackageLoader("prefcraft.review", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["unlocated"] = lambda message: _ROW_PREFIX.sub("", str(message or ""), count=1)
    env.globals.update(labels=labels, segments=_segments, findings_for=_findings_for, reasons=REJECT_REASONS,
                       min_reviews=min_reviews)
    if backend is not None:
        regen = {"enabled": True, "why": f"Ask {backend.name} ({backend.model or 'default model'}) for a new reply"}
    else:
        regen = {"enabled": False, "why": backend_note or (
            "No backend configured: restart with e.g. `prefcraft review serve DB --backend scripted` "
            "(see `prefcraft backends`)")}

    app = FastAPI(title="prefcraft review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    from importlib import resources

    app.mount("/static", StaticFiles(directory=str(resources.files("prefcraft.review") / "static")), name="static")

    # ------------------------------------------------------------------ middleware
    @app.middleware("http")
    async def security(request: Request, call_next):  # type: ignore[no-untyped-def]
        def finish(resp):  # type: ignore[no-untyped-def]
            for k, v in SECURITY_HEADERS.items():
                resp.headers.setdefault(k, v)
            return resp

        if not guard.host_ok(request.headers.get("host")):
            return finish(PlainTextResponse("refused: this review server answers only to 127.0.0.1 / localhost "
                                            "(Host header mismatch)", status_code=400))
        if guard.token:
            given = request.query_params.get("token")
            if given is not None and request.method == "GET":
                if not guard.token_ok(given):
                    return finish(PlainTextResponse("wrong token", status_code=401))
                rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
                resp = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
                resp.set_cookie(AUTH_COOKIE, guard.auth_cookie_value(), httponly=True, samesite="strict", path="/")
                return finish(resp)
            if not guard.authorised({k.lower(): v for k, v in request.headers.items()}, request.cookies):
                return finish(PlainTextResponse(
                    "this review server needs its token: open the URL that `prefcraft review serve` printed "
                    "(…/?token=…) or send 'Authorization: Bearer TOKEN'", status_code=401))
        session = request.cookies.get(SESSION_COOKIE)
        fresh = None
        if not session or len(session) > 64:
            session = fresh = guard.new_session()
        request.state.session = session
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            why = guard.same_origin({k.lower(): v for k, v in request.headers.items()}, request.url.scheme)
            if why:
                return finish(PlainTextResponse(f"refused: {why}", status_code=403))
        resp = await call_next(request)
        if fresh:
            resp.set_cookie(SESSION_COOKIE, fresh, httponly=True, samesite="strict", path="/")
        return finish(resp)

    # ------------------------------------------------------------------ helpers
    def reviewer_of(request: Request) -> str | None:
        raw = request.cookies.get(REVIEWER_COOKIE)
        name = unquote(raw).strip() if raw else ""
        return name if 0 < len(name) <= 60 and all(ord(c) >= 32 for c in name) else None

    def render(request: Request, template: str, status_code: int = 200, **ctx: Any):  # type: ignore[no-untyped-def]
        reviewer = ctx.get("reviewer") or reviewer_of(request)
        ctx.setdefault("filters", _Filters.parse(request.query_params))
        base = {"csrf": guard.csrf_for(request.state.session), "reviewer": reviewer,
                "progress": store.progress(min_reviews=min_reviews, reviewer=reviewer), "regen": regen,
                "store_path": store.path}
        html = env.get_template(template).render({**base, **ctx})
        return HTMLResponse(html, status_code=status_code)

    def error_page(request: Request, status: int, title: str, message: str):  # type: ignore[no-untyped-def]
        return render(request, "error.html", status_code=status, title=title, message=message)

    async def checked_form(request: Request) -> dict[str, str] | None:
        form = await request.form()
        data = {k: v for k, v in form.items() if isinstance(v, str)}
        candidate = request.headers.get("x-csrf-token") or data.get("csrf")
        if not guard.csrf_ok(request.cookies.get(SESSION_COOKIE), candidate):
            return None
        return data

    def need_reviewer(request: Request):  # type: ignore[no-untyped-def]
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/whoami?" + urlencode({"next": path}), status_code=303)

    def neighbours(filters: _Filters, reviewer: str, pid: int) -> tuple[list[int], int | None, int | None]:
        ids = store.list_ids(min_reviews=min_reviews, reviewer=reviewer, **filters)
        after = [i for i in ids if i > pid]
        before = [i for i in ids if i < pid]
        return ids, (after[0] if after else (ids[0] if ids and ids[0] != pid else None)), \
            (before[-1] if before else None)

    def pair_page(request: Request, sp: StoredPair, reviewer: str, filters: _Filters, status_code: int = 200,
                  **extra: Any):  # type: ignore[no-untyped-def]
        ids, nxt, prev = neighbours(filters, reviewer, sp.id)
        p = sp.pair
        judgment = sp.judgment or {}
        jc = _side(judgment, p.prompt_text, p.chosen_text)
        jr = _side(judgment.get("rejected"), p.prompt_text, p.rejected_text) if judgment else None
        mine = [r for r in sp.reviews_of_current() if r["reviewer"] == reviewer]
        ctx: dict[str, Any] = dict(
            sp=sp, p=p, jc=jc, jr=jr, filters=filters, qs=filters.query(),
            position=(ids.index(sp.id) + 1 if sp.id in ids else None), in_queue=len(ids), next_id=nxt,
            prev_id=prev, current_reviews=sp.reviews_of_current(), my_review=mine[-1] if mine else None,
            reviewer=reviewer, message=MESSAGES.get(request.query_params.get("msg") or ""),
            edit=request.query_params.get("edit") == "1", conflict=None, problem=None, unsaved=None,
            draft=None)
        ctx.update(extra)
        return render(request, "pair.html", status_code=status_code, **ctx)

    # ------------------------------------------------------------------ pages
    @app.get("/whoami", response_class=HTMLResponse)
    async def whoami(request: Request):  # type: ignore[no-untyped-def]
        return render(request, "whoami.html", next=_safe_next(request.query_params.get("next")),
                      known=store.reviewers())

    @app.post("/whoami")
    async def whoami_post(request: Request):  # type: ignore[no-untyped-def]
        data = await checked_form(request)
        if data is None:
            return error_page(request, 403, "Stale form", "This form expired (the server restarted or the "
                              "session cookie changed). Reload the page and try again.")
        name = (data.get("name") or "").strip()
        if not (0 < len(name) <= 60) or any(ord(c) < 32 for c in name):
            return render(request, "whoami.html", status_code=400, next=_safe_next(data.get("next")),
                          known=store.reviewers(), problem="Enter a name of 1–60 characters.")
        resp = RedirectResponse(_safe_next(data.get("next")), status_code=303)
        resp.set_cookie(REVIEWER_COOKIE, quote(name), httponly=True, samesite="strict", path="/",
                        max_age=365 * 24 * 3600)
        return resp

    @app.get("/", response_class=HTMLResponse)
    async def queue(request: Request):  # type: ignore[no-untyped-def]
        reviewer = reviewer_of(request)
        if reviewer is None:
            return need_reviewer(request)
        filters = _Filters.parse(request.query_params)
        try:
            page = max(1, int(request.query_params.get("page") or 1))
        except ValueError:
            page = 1
        total = store.count(min_reviews=min_reviews, reviewer=reviewer, **filters)
        rows = store.list_pairs(min_reviews=min_reviews, reviewer=reviewer, limit=PAGE_SIZE,
                                offset=(page - 1) * PAGE_SIZE, **filters)
        return render(request, "queue.html", rows=rows, filters=filters, facets=store.facets(), page=page,
                      pages=max(1, -(-total // PAGE_SIZE)), matching=total, statuses=STATUSES,
                      qs=filters.query(), message=MESSAGES.get(request.query_params.get("msg") or ""))

    @app.get("/stats", response_class=HTMLResponse)
    async def stats(request: Request):  # type: ignore[no-untyped-def]
        reviewer = reviewer_of(request)
        if reviewer is None:
            return need_reviewer(request)
        counts = store._conn().execute(
            "SELECT reviewer, SUM(decision='accept'), SUM(decision='reject'), COUNT(DISTINCT pair) FROM reviews "
            "GROUP BY reviewer ORDER BY reviewer").fetchall()
        return render(request, "stats.html", agreement=store.agreement(), per_reviewer=counts, jobs=store.jobs())

    @app.get("/pair/{pid}", response_class=HTMLResponse)
    async def pair(request: Request, pid: int):  # type: ignore[no-untyped-def]
        reviewer = reviewer_of(request)
        if reviewer is None:
            return need_reviewer(request)
        try:
            sp = store.get(pid, min_reviews=min_reviews)
        except PrefcraftError:
            return error_page(request, 404, "No such pair", f"There is no pair {pid} in this store.")
        return pair_page(request, sp, reviewer, _Filters.parse(request.query_params))

    @app.post("/pair/{pid}/{action}")
    async def act(request: Request, pid: int, action: str):  # type: ignore[no-untyped-def]
        reviewer = reviewer_of(request)
        data = await checked_form(request)
        if data is None:
            return error_page(request, 403, "Stale form", "This form expired (the server restarted or the session "
                              "cookie changed). Reload the page: nothing was saved.")
        if reviewer is None:
            return need_reviewer(request)
        if action not in ("accept", "reject", "flip", "edit", "regenerate"):
            return error_page(request, 404, "Unknown action", "Expected accept, reject, flip, edit or regenerate.")
        filters = _Filters.parse(data)
        try:
            version = int(data.get("version", ""))
            sp = store.get(pid, min_reviews=min_reviews)
        except ValueError:
            return error_page(request, 400, "Bad form", "The form lacks the pair version; reload the page.")
        except PrefcraftError:
            return error_page(request, 404, "No such pair", f"There is no pair {pid} in this store.")
        try:
            if action in ("accept", "reject"):
                store.review(pid, reviewer=reviewer, decision=action, version=version, reason=data.get("reason"))
                _, nxt, _ = neighbours(filters, reviewer, pid)
                msg = "accepted" if action == "accept" else "rejected"
                if nxt is None:
                    return RedirectResponse("/?" + filters.query(msg="done"), status_code=303)
                return RedirectResponse(f"/pair/{nxt}?" + filters.query(msg=msg), status_code=303)
            if sp.version != version:  # fail before any slow work; the store checks again atomically
                raise ConflictError("stale", sp)
            if action == "edit":
                new, problem = _edited(sp.pair, data, taxonomy)
                if problem:
                    return pair_page(request, sp, reviewer, filters, status_code=400, problem=problem,
                                     edit=True, draft=data)
                note, msg = None, "saved"
            elif action == "flip":
                p = sp.pair
                new = PreferencePair(prompt=p.prompt, chosen=p.rejected, rejected=p.chosen, category=p.category,
                                     subcategory=p.subcategory, harm=p.harm, tags=p.tags, source=p.source,
                                     metadata=p.metadata, format=p.format, extra=p.extra)
                note, msg = None, "flipped"
            else:
                side = data.get("side")
                if side not in ("chosen", "rejected"):
                    return error_page(request, 400, "Bad form", "Regenerate which side: chosen or rejected?")
                if backend is None:
                    return error_page(request, 400, "No backend", regen["why"])
                new, note, problem = await run_in_threadpool(_regenerate, backend, sp, side)
                if problem:
                    return error_page(request, 502, "The backend's reply was not usable", problem)
                msg = "regenerated"
            findings, judgments, _ = await run_in_threadpool(annotate, [new], engine=engine)
            prov = None
            if action == "regenerate":
                prior = list(sp.provenance.get("regenerated") or [])
                prov = {"regenerated": prior + [{"side": data.get("side"), "backend": backend.name,
                                                 "model": backend.model, "by": reviewer,
                                                 "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}]}
            store.update_pair(pid, new, reviewer=reviewer, action=action, version=version, findings=findings[0],
                              judgment=judgments[0], note=note, provenance=prov)
            return RedirectResponse(f"/pair/{pid}?" + filters.query(msg=msg), status_code=303)
        except ConflictError as exc:
            current = store.get(exc.current.id, min_reviews=min_reviews)
            return pair_page(request, current, reviewer, filters, status_code=409,
                             conflict={"action": action, "your_version": version, "by": current.updated_by},
                             unsaved=_unsaved_changes(current.pair, data) if action == "edit" else None)
        except UsageError as exc:
            return pair_page(request, sp, reviewer, filters, status_code=400, problem=str(exc))
        except PrefcraftError as exc:  # a backend failure while regenerating
            return error_page(request, 502, "The backend failed", str(exc))

    return app


def _labels(pair: PreferencePair, data: dict[str, str], taxonomy: Any) -> tuple[dict[str, str | None], str | None]:
    """Category / subcategory / harm from the edit form: unchanged values stay as they are (imported data
    may use its own labels); changed ones must be taxonomy ids or aliases; empty clears the label."""
    import difflib

    out: dict[str, str | None] = {}
    for name in ("category", "subcategory", "harm"):
        current = getattr(pair, name)
        given = data.get(f"label-{name}")
        given = current if given is None else (given.strip() or None)
        if given == current or given is None:
            out[name] = given
            continue
        if name == "category":
            resolved, options = taxonomy.resolve_category(given), taxonomy.category_ids
        elif name == "harm":
            resolved, options = taxonomy.resolve_harm(given), taxonomy.harm_ids
        else:
            cat = taxonomy.resolve_category(out.get("category"))
            resolved = taxonomy.resolve_subcategory(given, cat)
            options = ([sub.id for sub in taxonomy.category(cat).subcategories] if cat else
                       [sub.id for c in taxonomy.categories for sub in c.subcategories])
        if resolved is None:
            close = difflib.get_close_matches(given, options, n=1, cutoff=0.6)
            hint = f" — did you mean {close[0]!r}?" if close else ""
            return out, f"unknown {name} {given!r}; expected one of: {', '.join(options) or '(none)'}{hint}"
        out[name] = resolved
    return out, None


def _edited(pair: PreferencePair, data: dict[str, str], taxonomy: Any = None) -> tuple[PreferencePair, str | None]:
    """The pair with the submitted message contents (roles unchanged) and labels, or why the form is not
    usable."""
    parts: dict[str, list[dict[str, str]]] = {}
    for name in ("prompt", "chosen", "rejected"):
        messages = []
        for i, m in enumerate(getattr(pair, name)):
            key = f"{name}-{i}"
            if key not in data:
                return pair, f"The form lacks {key}; reload the page."
            content = data[key].replace("\r\n", "\n")
            if not content.strip():
                return pair, f"{name} message {i + 1} ({m['role']}) is empty; write something or reject the pair."
            messages.append({"role": m["role"], "content": content})
        parts[name] = messages
    if parts["chosen"] == parts["rejected"]:
        return pair, "chosen and rejected are identical; a preference pair needs two different responses."
    labels = {"category": pair.category, "subcategory": pair.subcategory, "harm": pair.harm}
    if taxonomy is not None:
        labels, problem = _labels(pair, data, taxonomy)
        if problem:
            return pair, problem
    return PreferencePair(prompt=parts["prompt"], chosen=parts["chosen"], rejected=parts["rejected"],
                          category=labels["category"], subcategory=labels["subcategory"], harm=labels["harm"],
                          tags=pair.tags, source=pair.source, metadata=pair.metadata, format=pair.format,
                          extra=pair.extra), None


def _unsaved_changes(current: PreferencePair, data: dict[str, str]) -> list[tuple[str, str]]:
    """The submitted message texts that differ from the pair as it is now, labelled for the page."""
    out = []
    for name in ("prompt", "chosen", "rejected"):
        messages = getattr(current, name)
        i = 0
        while f"{name}-{i}" in data:
            text = data[f"{name}-{i}"].replace("\r\n", "\n")
            now = messages[i]["content"] if i < len(messages) else None
            if text != now:
                out.append((f"{name} message {i + 1}", text))
            i += 1
    return out


def _regenerate(backend: Any, sp: StoredPair, side: str) -> tuple[PreferencePair, str | None, str | None]:
    from prefcraft.ai import tasks

    p = sp.pair
    fn = tasks.write_chosen if side == "chosen" else tasks.write_rejected
    parsed = fn(backend, p.prompt_text, p.category or "unknown", p.harm, seed=sp.id * 7919 + sp.version)
    if not parsed.ok:
        return p, None, f"{parsed.error}; the reply began: {str(parsed.raw or '')[:300]!r}"
    msg = [{"role": "assistant", "content": parsed.value}]
    new = PreferencePair(prompt=p.prompt, chosen=msg if side == "chosen" else p.chosen,
                         rejected=msg if side == "rejected" else p.rejected, category=p.category,
                         subcategory=p.subcategory, harm=p.harm, tags=p.tags, source=p.source, metadata=p.metadata,
                         format=p.format, extra=p.extra)
    return new, f"{side} regenerated by {backend.name}/{backend.model}", None
