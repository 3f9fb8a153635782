"""The review app in headless Chromium (Debian's chromium via Playwright): the real server, real keys.

Without chromium these tests skip locally and FAIL when CI=true (see conftest)."""

from __future__ import annotations

import pytest

from prefcraft.review.store import ReviewStore


@pytest.fixture
def page_for(browser, live_server):
    contexts = []

    def make(name: str):
        ctx = browser.new_context(viewport={"width": 1300, "height": 900})
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        page.goto(live_server.url + "/")
        assert "/whoami" in page.url  # first visit asks for a name
        page.fill("#name", name)
        page.click("#whoami-form button[type=submit]")
        page.wait_for_selector("#queue")
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def test_review_accept_reject_flip_edit_with_the_keyboard(page_for, live_server):
    page = page_for("ana")
    assert page.locator("#reviewer-name").text_content() == "ana"
    page.click("#start")
    page.wait_for_url("**/pair/1?status=todo")
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#help").is_visible()

    page.keyboard.press("a")  # accept → next pair in the queue
    page.wait_for_url("**/pair/2?status=todo&msg=accepted")
    assert page.locator("#message").text_content() == "Accepted."
    assert page.locator("#prompt .msg").count() == 4  # the multi-turn prompt as a conversation

    page.keyboard.press("r")  # reject: the reason box takes focus, Enter submits
    page.keyboard.type("wrong category or harm")
    page.keyboard.press("Enter")
    page.wait_for_url("**/pair/3?status=todo&msg=rejected")

    page.keyboard.press("f")  # flip
    page.wait_for_url("**/pair/3?status=todo&msg=flipped")
    assert "Sure! I set a task" in page.locator("#chosen .text").text_content()

    page.keyboard.press("e")  # edit in place, Ctrl+Enter saves
    assert page.locator("#edit-form").is_visible() and not page.locator("#view").is_visible()
    page.fill("#edit-chosen-0", "I won't track her. I can set a reminder to talk to HR instead.")
    page.fill("#edit-rejected-0", "Done — her location will be sent to you every morning.")
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/pair/3?status=todo&msg=saved")
    assert page.locator("#chosen .kind").text_content() == "refusal"  # re-checked on save
    assert page.locator("#rejected .kind").text_content() == "compliance"
    page.keyboard.press("j")
    page.wait_for_url("**/pair/4?status=todo")
    page.keyboard.press("k")
    page.wait_for_url("**/pair/3?status=todo")  # 1 and 2 are decided: they left ana's to-do queue
    assert page.locator("#prev").count() == 0

    store: ReviewStore = live_server.store
    assert [r["decision"] for r in store.get(1).reviews] == ["accept"]
    assert store.get(2).reviews[0]["reason"] == "wrong category or harm"
    sp = store.get(3)
    assert sp.version == 3 and [e["action"] for e in sp.edits] == ["flip", "edit"]
    assert sp.pair.chosen_text == "I won't track her. I can set a reminder to talk to HR instead."


def test_two_reviewers_saving_the_same_pair_conflict(page_for, live_server):
    ana, bo = page_for("ana"), page_for("bo")
    for p in (ana, bo):
        p.goto(live_server.url + "/pair/3?status=all")
    ana.keyboard.press("e")
    ana.fill("#edit-chosen-0", "Ana's version: I won't track your coworker.")
    ana.click("#save")
    ana.wait_for_url("**/pair/3?status=all&msg=saved")

    bo.keyboard.press("e")  # bo still sees version 1
    bo.fill("#edit-chosen-0", "Bo's version, written meanwhile.")
    with bo.expect_response(lambda r: r.request.method == "POST") as resp:
        bo.click("#save")
    assert resp.value.status == 409
    bo.wait_for_load_state("load")  # the shortcuts script runs before 'load'; keys pressed earlier are lost
    banner = bo.locator("#conflict")
    assert banner.is_visible() and "your edit was not saved" in banner.text_content()
    assert "Ana's version" in bo.locator("#chosen .text").text_content()  # bo now sees the new version
    assert "Bo's version, written meanwhile." in bo.locator("#unsaved").text_content()
    assert bo.locator("#version").text_content().startswith("version 2")
    sp = live_server.store.get(3)
    assert sp.version == 2 and sp.pair.chosen_text == "Ana's version: I won't track your coworker."

    bo.keyboard.press("a")  # acting on the version now shown works
    bo.wait_for_url("**msg=accepted")
    assert live_server.store.get(3).reviews[0]["reviewer"] == "bo"


def test_xss_payloads_in_the_data_never_execute(page_for, live_server):
    page = page_for("mallory")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.context.add_init_script("window.__xss = undefined;")
    for url in ("/?status=all", "/pair/1?status=all", "/pair/1?status=all&edit=1"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, url
    page.goto(live_server.url + "/pair/1?status=all")
    assert "<img src=x onerror=" in page.locator("#prompt").text_content()  # shown as text
    assert page.locator("#prompt img, #chosen script, #rejected svg, #rejected a").count() == 0
    page.keyboard.press("e")
    page.keyboard.press("Control+Enter")  # save the payloads unchanged: re-rendered, still inert
    page.wait_for_url("**msg=saved")
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
