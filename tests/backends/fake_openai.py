"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests (stdlib only, runs in a thread).

Replies come from a queue of steps; each step says what the next request gets::

    server.push(text="hello")                          # 200 with a chat completion
    server.push(status=429, headers={"Retry-After": "1"})
    server.push(status=500, body="upstream exploded")
    server.push(sleep=2.0, text="too late")            # sleeps past the client's timeout

When the queue is empty, requests get ``default`` (a 200 echo of the last user message). Every request
is recorded (path, headers, JSON body, arrival time); ``max_in_flight`` is the peak concurrency seen.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(text: str, model: str = "fake-model") -> dict[str, Any]:
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 7, "completion_tokens": len(text.split()), "total_tokens": 7 + len(text.split())}}


class FakeOpenAI:
    def __init__(self) -> None:
        self.steps: deque[dict[str, Any]] = deque()
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.default_sleep = 0.0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802
                owner._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    def start(self) -> "FakeOpenAI":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def push(self, *, text: str | None = None, status: int = 200, body: str | None = None,
             headers: dict[str, str] | None = None, sleep: float = 0.0) -> "FakeOpenAI":
        self.steps.append({"text": text, "status": status, "body": body, "headers": headers or {},
                           "sleep": sleep})
        return self

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            payload = None
        with self.lock:
            self.requests.append({"path": h.path, "headers": dict(h.headers), "json": payload,
                                  "time": time.monotonic()})
            step = self.steps.popleft() if self.steps else None
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if step is None:
                last = ""
                for m in (payload or {}).get("messages", []):
                    if m.get("role") == "user":
                        last = m.get("content", "")
                step = {"text": f"echo: {last}", "status": 200, "body": None, "headers": {},
                        "sleep": self.default_sleep}
            if step["sleep"]:
                time.sleep(step["sleep"])
            if h.path != "/v1/chat/completions":
                status, body = 404, json.dumps({"error": {"message": f"no route {h.path}"}})
            elif step["body"] is not None:
                status, body = step["status"], step["body"]
            elif step["status"] == 200:
                status, body = 200, json.dumps(completion(step["text"] or "", (payload or {}).get("model", "")))
            else:
                status, body = step["status"], json.dumps({"error": {"message": f"status {step['status']}"}})
            data = body.encode()
            try:
                h.send_response(status)
                h.send_header("Content-Type", "application/json")
                h.send_header("Content-Length", str(len(data)))
                for k, v in step["headers"].items():
                    h.send_header(k, v)
                h.end_headers()
                h.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass
        finally:
            with self.lock:
                self.in_flight -= 1
