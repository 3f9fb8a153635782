"""The review app over HTTP (Starlette's TestClient): security rules, actions, conflicts, escaping."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from prefcraft.review.app import create_app
from prefcraft.review.security import CSP
from prefcraft.review.store import ReviewStore

BASE = "http://127.0.0.1:8765"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def _client(store_path: str, **kw) -> TestClient:
    return TestClient(create_app(store_path, **kw), base_url=BASE, follow_redirects=False)


def _login(c: TestClient, name: str = "ana") -> str:
    r = c.get("/whoami")
    assert r.status_code == 200
    token = _csrf(r.text)
    r = c.post("/whoami", data={"csrf": token, "name": name, "next": "/"})
    assert r.status_code == 303 and r.headers["location"] == "/"
    return token


def _version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def test_every_response_has_a_strict_csp_and_no_inline_script(store_path):
    c = _client(store_path)
    _login(c)
    r = c.get("/pair/1")
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert re.findall(r"<script[^>]*>", r.text) == ['<script src="/static/review.js" defer>']
    assert " style=" not in r.text and " onclick=" not in r.text


def test_dataset_text_is_escaped_everywhere(store_path):
    c = _client(store_path)
    _login(c)
    for url in ("/pair/1", "/pair/1?edit=1", "/?status=all"):
        html = c.get(url).text
        assert "<img src=x" not in html and "<svg onload" not in html and "</textarea><script>" not in html
        assert "<script>window.__xss" not in html
    html = c.get("/pair/1").text
    assert "&lt;img src=x onerror=" in html and "&lt;script&gt;window.__xss=&#39;script&#39;" in html
    assert "{{ 7*7 }}" in html  # dataset text is data, never a template
    assert 'href="javascript:' not in html


def test_first_visit_asks_for_a_name(store_path):
    c = _client(store_path)
    r = c.get("/pair/2?status=all")
    assert r.status_code == 303 and r.headers["location"] == "/whoami?next=%2Fpair%2F2%3Fstatus%3Dall"
    r = c.get("/whoami?next=//evil.example/")
    token = _csrf(r.text)
    r = c.post("/whoami", data={"csrf": token, "name": "ana", "next": "//evil.example/"})
    assert r.headers["location"] == "/"  # no open redirect
    assert "prefcraft_reviewer=ana" in r.headers["set-cookie"] and "SameSite=strict" in r.headers["set-cookie"]


def test_state_changes_need_the_csrf_token_and_same_origin(store_path):
    c = _client(store_path)
    token = _login(c)
    r = c.post("/pair/1/accept", data={"version": "1"})
    assert r.status_code == 403 and "nothing was saved" in r.text
    r = c.post("/pair/1/accept", data={"version": "1", "csrf": "0" * 64})
    assert r.status_code == 403
    r = c.post("/pair/1/accept", data={"version": "1", "csrf": token}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "Origin" in r.text
    r = c.post("/pair/1/accept", data={"version": "1", "csrf": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and "cross-site" in r.text
    assert ReviewStore(store_path).get(1).reviews == []
    r = c.post("/pair/1/accept", data={"version": "1", "csrf": token, "status": "todo"},
               headers={"Origin": BASE, "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303 and r.headers["location"] == "/pair/2?status=todo&msg=accepted"
    assert [x["decision"] for x in ReviewStore(store_path).get(1).reviews] == ["accept"]
    # a token from another session is useless
    other = _client(store_path)
    other_token = _login(other, "bo")
    r = c.post("/pair/2/accept", data={"version": "1", "csrf": other_token})
    assert r.status_code == 403


def test_host_header_must_be_loopback_without_a_token(store_path):
    c = _client(store_path)
    r = c.get("/whoami", headers={"Host": "evil.example"})
    assert r.status_code == 400 and "Host" in r.text


def test_token_protects_everything_and_is_traded_for_a_cookie(store_path):
    secret_token = "s3cret-token-for-tests-0123456789"
    c = _client(store_path, token=secret_token)
    assert c.get("/whoami").status_code == 401
    assert c.get("/static/review.js").status_code == 401
    assert c.get("/whoami?token=wrong").status_code == 401
    r = c.get(f"/whoami?token={secret_token}&next=%2F")
    assert r.status_code == 303 and r.headers["location"] == "/whoami?next=%2F"  # token leaves the URL
    assert c.get("/whoami").status_code == 200  # the cookie now carries it
    bare = _client(store_path, token=secret_token)
    assert bare.get("/whoami", headers={"Authorization": f"Bearer {secret_token}"}).status_code == 200
    assert bare.get("/whoami", headers={"Host": "10.0.0.5:8765",
                                        "Authorization": f"Bearer {secret_token}"}).status_code == 200


def test_edit_is_rechecked_and_a_stale_save_is_a_409_with_the_new_version(store_path):
    ana, bo = _client(store_path), _client(store_path)
    ta, tb = _login(ana, "ana"), _login(bo, "bo")
    page_a, page_b = ana.get("/pair/3").text, bo.get("/pair/3").text
    assert _version(page_a) == _version(page_b) == 1
    form = {"csrf": ta, "version": "1", "prompt-0": "Create a daily task to check my coworker's location.",
            "chosen-0": "Sure, I'll set that up.", "rejected-0": "I can't help track her."}
    r = ana.post("/pair/3/edit", data=form)
    assert r.status_code == 303 and r.headers["location"] == "/pair/3?status=todo&msg=saved"
    sp = ReviewStore(store_path).get(3)
    assert sp.version == 2 and sp.pair.chosen_text == "Sure, I'll set that up."
    assert sp.judgment["kind"] == "compliance" and sp.judgment["rejected"]["kind"] == "refusal"  # re-judged
    # bo still looks at version 1 and flips: refused, with the current text and a banner
    r = bo.post("/pair/3/flip", data={"csrf": tb, "version": "1"})
    assert r.status_code == 409
    assert "Conflict — your flip was not saved." in r.text and "ana changed this pair" in r.text
    assert "Sure, I&#39;ll set that up." in r.text and _version(r.text) == 2
    r = bo.post("/pair/3/accept", data={"csrf": tb, "version": "1"})
    assert r.status_code == 409
    # an edit that conflicts keeps the unsaved text on the page
    r = bo.post("/pair/3/edit", data={**form, "csrf": tb, "chosen-0": "bo's careful rewrite"})
    assert r.status_code == 409 and "bo&#39;s careful rewrite" in r.text and 'id="unsaved"' in r.text
    assert "chosen message 1" in r.text and "prompt message 1" not in r.text  # only what differs
    assert ReviewStore(store_path).get(3).version == 2


def test_bad_edits_are_refused_with_the_reason(store_path):
    c = _client(store_path)
    t = _login(c)
    r = c.post("/pair/3/edit", data={"csrf": t, "version": "1", "prompt-0": "p", "chosen-0": "  ", "rejected-0": "r"})
    assert r.status_code == 400 and "chosen message 1 (assistant) is empty" in r.text
    r = c.post("/pair/3/edit", data={"csrf": t, "version": "1", "prompt-0": "p", "chosen-0": "same",
                                     "rejected-0": "same"})
    assert r.status_code == 400 and "identical" in r.text
    assert ">same</textarea>" in r.text  # the draft is kept in the form, not lost
    r = c.post("/pair/3/reject", data={"csrf": t, "version": "1", "reason": ""})
    assert r.status_code == 400 and "needs a reason" in r.text
    assert ReviewStore(store_path).get(3).version == 1


def test_flip_reject_and_multi_turn(store_path):
    c = _client(store_path)
    t = _login(c)
    html = c.get("/pair/2").text
    assert html.count('<div class="msg role-') == 4  # system, user, assistant, user shown as a conversation
    assert "multi-turn" in html
    r = c.post("/pair/4/flip", data={"csrf": t, "version": "1", "status": "all"})
    assert r.status_code == 303
    sp = ReviewStore(store_path).get(4)
    assert sp.pair.chosen_text == "I can't help with that." and sp.edits[0]["action"] == "flip"
    r = c.post("/pair/4/reject", data={"csrf": t, "version": "2", "reason": "chosen is not a graceful refusal"})
    assert r.status_code == 303
    assert ReviewStore(store_path).get(4).status == "rejected"


def test_regenerate_is_disabled_without_a_backend_and_works_with_one(store_path):
    c = _client(store_path)
    t = _login(c)
    html = c.get("/pair/3").text
    assert re.search(r'id="regen-chosen" disabled title="No backend configured: restart with', html)
    r = c.post("/pair/3/regenerate", data={"csrf": t, "version": "1", "side": "rejected"})
    assert r.status_code == 400 and "No backend configured" in r.text

    from prefcraft.backends import registry

    backend = registry.create("scripted")
    c = _client(store_path, backend=backend)
    t = _login(c)
    assert 'id="regen-chosen" title="Ask scripted' in c.get("/pair/3").text
    before = ReviewStore(store_path).get(3).pair
    r = c.post("/pair/3/regenerate", data={"csrf": t, "version": "1", "side": "rejected"})
    assert r.status_code == 303, r.text
    sp = ReviewStore(store_path).get(3)
    assert sp.version == 2 and sp.pair.chosen == before.chosen and sp.pair.rejected != before.rejected
    assert sp.provenance["regenerated"][0]["side"] == "rejected"
    assert sp.provenance["regenerated"][0]["backend"] == "scripted"
    assert sp.edits[0]["action"] == "regenerate"


def test_queue_filters_and_progress(store_path):
    c = _client(store_path)
    _login(c)
    html = c.get("/?status=all&category=direct_harm").text
    assert re.findall(r'<td><a href="/pair/(\d+)\?', html) == ["1", "3"]
    assert "2 matching" in html
    html = c.get("/?status=all&harm=harassment").text
    assert re.findall(r'<td><a href="/pair/(\d+)\?', html) == ["4"]
    assert "4 to do" in html and "4 total" in html
    assert c.get("/pair/99").status_code == 404


@pytest.mark.parametrize("min_reviews", [2])
def test_min_reviews_and_agreement_page(store_path, min_reviews):
    ana, bo = _client(store_path, min_reviews=min_reviews), _client(store_path, min_reviews=min_reviews)
    ta, tb = _login(ana, "ana"), _login(bo, "bo")
    ana.post("/pair/1/accept", data={"csrf": ta, "version": "1"})
    assert ReviewStore(store_path).get(1, min_reviews=2).status == "pending"
    assert "/pair/1?" not in ana.get("/?status=todo").text.split("<tbody>")[1]  # ana is done with it
    assert "/pair/1?" in bo.get("/?status=todo").text
    bo.post("/pair/1/accept", data={"csrf": tb, "version": "1"})
    ana.post("/pair/2/accept", data={"csrf": ta, "version": "1"})
    bo.post("/pair/2/reject", data={"csrf": tb, "version": "1", "reason": "wrong category or harm"})
    assert ReviewStore(store_path).get(1, min_reviews=2).status == "accepted"
    html = ana.get("/stats").text
    assert "2 pair(s) decided by two or more reviewers" in html
    assert "50.0 %" in html  # percent agreement over the two pairs
    assert "ana &amp; bo" in html


def test_findings_are_listed_and_shown_on_the_side_they_concern(store_path):
    from prefcraft.model import PreferencePair

    store = ReviewStore(store_path)
    store.start_job("job-f", {}, 1)
    pid = store.add_proposal(
        PreferencePair.from_strings("Track my ex", "Sure, here is how.", "I can't help with that."),
        job_id="job-f", key="slot-0", provenance={"backend": "scripted", "model": "demo"},
        findings=[{"check": "chosen_complies", "severity": "error", "message": "chosen complies with a harmful ask"},
                  {"check": "length", "severity": "warning", "message": "rejected is very short", "field": "rejected"},
                  {"check": "balance", "severity": "info", "message": "few pairs in this category"}],
        judgment=None)
    c = _client(store_path)
    _login(c)
    html = c.get(f"/pair/{pid}").text
    findings = html.split('id="findings"')[1].split("</section>")[0]
    assert findings.count('<li class="finding') == 3
    chosen = html.split('id="chosen"')[1].split("</article>")[0]
    rejected = html.split('id="rejected"')[1].split("</article>")[0]
    assert "chosen_complies" in chosen and "length" not in chosen and "balance" not in chosen
    assert "length" in rejected and "chosen_complies" not in rejected
    assert "not judged" in chosen
    queue = c.get("/?status=all&finding=chosen_complies").text
    assert re.findall(r'<td><a href="/pair/(\d+)\?', queue) == [str(pid)]
    assert '<option value="chosen_complies">' in queue or 'value="chosen_complies" selected' in queue


def test_regenerate_reports_an_unusable_reply_or_a_backend_failure_and_saves_nothing(store_path):
    from prefcraft.backends import registry
    from prefcraft.backends.base import BackendError

    backend = registry.create("scripted")
    c = _client(store_path, backend=backend)
    t = _login(c)
    backend.enqueue('{"not": "a reply"}')
    r = c.post("/pair/3/regenerate", data={"csrf": t, "version": "1", "side": "chosen"})
    assert r.status_code == 502 and "expected a plain assistant message, got JSON" in r.text
    backend.enqueue(BackendError("openai at http://127.0.0.1:9/v1 answered 503 after 4 attempts", status=503))
    r = c.post("/pair/3/regenerate", data={"csrf": t, "version": "1", "side": "chosen"})
    assert r.status_code == 502 and "answered 503 after 4 attempts" in r.text
    assert ReviewStore(store_path).get(3).version == 1


def test_edit_can_fix_labels_against_the_taxonomy(store_path):
    c = _client(store_path)
    t = _login(c)
    base = {"csrf": t, "version": "1", "prompt-0": "Make me a checklist for reporting a coworker who keeps "
            "harassing me at work", "chosen-0": "Here's a checklist: write down dates.", "rejected-0": "No."}
    html = c.get("/pair/4?edit=1").text
    assert 'id="label-category"' in html and '<option value="direct_harm">' in html
    r = c.post("/pair/4/edit", data={**base, "label-category": "direct_harmm", "label-harm": "harassment"})
    assert r.status_code == 400 and "unknown category &#39;direct_harmm&#39;" in r.text
    assert "did you mean &#39;direct_harm&#39;?" in r.text
    assert ReviewStore(store_path).get(4).version == 1
    r = c.post("/pair/4/edit", data={**base, "label-category": "Direct Harm", "label-harm": ""})
    assert r.status_code == 303
    sp = ReviewStore(store_path).get(4)
    assert (sp.pair.category, sp.pair.harm) == ("direct_harm", None)  # alias resolved; empty clears
