"""The openai backend against a real HTTP server on 127.0.0.1: replies, retries, backoff, errors."""

import threading
import time

import pytest

from prefcraft.backends import BackendError, create
from prefcraft.backends.openai_compat import OpenAIBackend, parse_retry_after
from prefcraft.errors import UsageError

HI = [{"role": "user", "content": "hi"}]


def backend(server, **kw):
    kw.setdefault("backoff", 0.01)
    kw.setdefault("timeout", 5)
    return create("openai", model="m-1", base_url=server.base_url, **kw)


def test_completion_text_usage_and_request_shape(server):
    server.push(text="Hello there")
    b = backend(server)
    c = b.complete(HI, temperature=0.2, max_tokens=30, seed=None)
    assert (c.text, c.model, c.attempts) == ("Hello there", "m-1", 1)
    assert c.usage == {"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9}
    req = server.requests[0]
    assert req["path"] == "/v1/chat/completions"
    assert req["json"] == {"model": "m-1", "messages": HI, "temperature": 0.2, "max_tokens": 30}
    assert "authorization" not in {k.lower() for k in req["headers"]}


def test_api_key_comes_from_the_named_environment_variable(server, monkeypatch):
    monkeypatch.setenv("MY_VLLM_KEY", "sk-secret-123")
    b = backend(server, api_key_env="MY_VLLM_KEY")
    b.complete(HI)
    assert server.requests[0]["headers"]["Authorization"] == "Bearer sk-secret-123"
    assert "sk-secret" not in repr(b.describe())
    assert b.describe()["api_key_set"] is True


def test_named_key_variable_missing_is_a_usage_error(server, monkeypatch):
    monkeypatch.delenv("NOPE_KEY", raising=False)
    with pytest.raises(UsageError, match=r"--api-key-env names \$NOPE_KEY, which is not set"):
        backend(server, api_key_env="NOPE_KEY")


def test_429_with_retry_after_is_honoured_then_succeeds(server):
    server.push(status=429, headers={"Retry-After": "1"}).push(text="ok")
    b = backend(server)
    t0 = time.monotonic()
    c = b.complete(HI)
    assert c.text == "ok" and c.attempts == 2
    assert b.sleeps == [1.0]
    gap = server.requests[1]["time"] - server.requests[0]["time"]
    assert gap >= 0.95
    assert time.monotonic() - t0 < 4


def test_500s_back_off_exponentially_with_jitter_then_succeed(server):
    for _ in range(3):
        server.push(status=500, body="upstream exploded")
    server.push(text="finally")
    b = backend(server, backoff=0.05, max_retries=4)
    c = b.complete(HI)
    assert c.text == "finally" and c.attempts == 4 and len(server.requests) == 4
    # equal jitter: attempt k waits in [base/2, base] with base = 0.05 * 2**k
    for k, wait in enumerate(b.sleeps):
        base = 0.05 * 2 ** k
        assert base / 2 <= wait <= base


def test_retries_exhausted_gives_a_clear_error(server):
    for _ in range(3):
        server.push(status=503, body='{"error": "model is loading"}')
    b = backend(server, max_retries=2)
    with pytest.raises(BackendError) as ei:
        b.complete(HI)
    msg = str(ei.value)
    assert msg.startswith(f"POST {server.base_url}/chat/completions returned HTTP 503: "
                          '{"error": "model is loading"}. The server failed')
    assert msg.endswith("(gave up after 3 attempts)")
    assert ei.value.status == 503 and ei.value.attempts == 3 and len(server.requests) == 3


def test_timeout_is_retried_and_reported(server):
    server.push(sleep=1.5, text="too late").push(text="in time")
    b = backend(server, timeout=0.3)
    c = b.complete(HI)
    assert c.text == "in time" and c.attempts == 2

    server.push(sleep=1.5, text="late").push(sleep=1.5, text="late")
    with pytest.raises(BackendError) as ei:
        backend(server, timeout=0.3, max_retries=1).complete(HI)
    assert str(ei.value) == (
        f"POST {server.base_url}/chat/completions: no reply within 0.3 s (model 'm-1'). The server may be "
        "overloaded or still loading the model: raise --timeout, lower --concurrency, or check the "
        "server's log (gave up after 2 attempts)")


def test_client_errors_are_not_retried_and_name_the_fix(server):
    server.push(status=401, body='{"error": "invalid api key"}')
    with pytest.raises(BackendError, match=r"HTTP 401: .*set \$OPENAI_API_KEY to a valid key") as ei:
        backend(server).complete(HI)
    assert ei.value.attempts == 1 and len(server.requests) == 1


def test_wrong_base_url_404_says_to_check_it(server):
    b = create("openai", model="m-1", base_url=f"http://127.0.0.1:{server.port}", backoff=0.01)
    with pytest.raises(BackendError, match=r"HTTP 404: .*Check --base-url \(it should be the API root ending in /v1"):
        b.complete(HI)


def test_non_openai_200_body_is_an_error(server):
    server.push(status=200, body="<html>welcome to nginx</html>")
    with pytest.raises(BackendError, match=r"returned HTTP 200 but not an OpenAI chat completion .*nginx"):
        backend(server).complete(HI)


def test_connection_refused_is_clear():
    b = OpenAIBackend("m", base_url="http://127.0.0.1:9/v1", max_retries=1, backoff=0.01, timeout=2)
    with pytest.raises(BackendError, match=r"cannot connect .*Is the server running and is --base-url right"):
        b.complete(HI)


def test_batch_respects_the_concurrency_limit_and_keeps_order(server):
    server.default_sleep = 0.15
    b = backend(server, concurrency=3)
    chats = [[{"role": "user", "content": f"q{i}"}] for i in range(9)]
    out = b.complete_many(chats)
    assert [c.text for c in out] == [f"echo: q{i}" for i in range(9)]
    assert 2 <= server.max_in_flight <= 3


def test_batch_concurrency_limit_holds_across_caller_threads(server):
    server.default_sleep = 0.1
    b = backend(server, concurrency=2)
    threads = [threading.Thread(target=b.complete, args=(HI,)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert server.max_in_flight <= 2


def test_batch_return_exceptions(server):
    server.push(text="a").push(status=400, body="bad request").push(text="c")
    b = backend(server, concurrency=1)
    out = b.complete_many([HI, HI, HI], return_exceptions=True)
    assert out[0].text == "a" and isinstance(out[1], BackendError) and out[2].text == "c"


@pytest.mark.parametrize("value,expected", [("3", 3.0), ("0.5", 0.5), ("", None), ("soon", None),
                                            ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


def test_http_date_retry_after_in_the_future():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0


@pytest.mark.parametrize("kw,message", [
    ({"model": "m"}, "the openai backend needs --base-url"),
    ({"base_url": "http://x/v1"}, "the openai backend needs --model"),
    ({"model": "m", "base_url": "localhost:8000"}, "--base-url must start with http:// or https://"),
])
def test_missing_settings(kw, message):
    with pytest.raises(UsageError, match=message):
        create("openai", **kw)


def test_missing_httpx_names_the_extra(monkeypatch):
    import sys

    from prefcraft.errors import MissingExtraError

    monkeypatch.setitem(sys.modules, "httpx", None)  # as if the package were not installed
    b = OpenAIBackend("m", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(MissingExtraError, match=r"The openai backend needs the optional package 'httpx', which is "
                                                r"not installed. Install it with: pip install 'prefcraft\[llm\]'"):
        b.complete(HI)
