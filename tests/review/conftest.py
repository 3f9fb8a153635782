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
    """uvicorn serving ``app`` in a thread on a free port of 127.0.0.1 (retried if the port is taken)."""

    def __init__(self, app) -> None:
        self.app = app

    def _start(self) -> bool:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port,
                                                    log_level="critical", access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive():
                return False  # could not bind (someone took the port meanwhile)
            if time.monotonic() > deadline:
                raise RuntimeError("the review server did not start within 15 s")
            time.sleep(0.02)
        return True

    def __enter__(self) -> "LiveServer":
        for _ in range(3):
            if self._start():
                return self
        raise RuntimeError("the review server could not bind a free port three times")

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
