"""Fixtures: a review store filled by a real import, the app, a real uvicorn server, headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "review"
SAMPLE = DATA / "review_sample.jsonl"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def store_path(tmp_path) -> str:
    from prefcraft.review.annotate import import_dataset
    from prefcraft.review.store import ReviewStore

    path = str(tmp_path / "review.db")
    with ReviewStore(path) as store:
        import_dataset(str(SAMPLE), store)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the review server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def live_server(store_path):
    from prefcraft.review.app import create_app

    app = create_app(store_path, min_reviews=1)
    with LiveServer(app) as server:
        server.store = app.state.store
        yield server


def _chromium_or_fail() -> None:
    if shutil.which("chromium") or os.path.exists(CHROMIUM):
        return
    msg = ("Debian's chromium is not installed (apt-get install -y chromium; `make test` does it): "
           "the review app's browser tests cannot run")
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(msg + " — CI=true, so this is a failure, not a skip")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def browser():
    _chromium_or_fail()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
                              args=CHROMIUM_ARGS)
        yield b
        b.close()
