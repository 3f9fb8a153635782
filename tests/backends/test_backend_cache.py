"""The response cache: a re-run costs nothing; the key covers backend, model, messages and options."""

import pytest

from prefcraft.backends import CachedBackend, ResponseCache, ScriptedBackend, cache_key, create
from prefcraft.backends.config import build_backend, load_config, resolve_settings
from prefcraft.errors import InputError, UsageError

HI = [{"role": "user", "content": "hi"}]


def test_rerun_hits_the_cache_and_the_server_sees_one_request(server, tmp_path):
    db = tmp_path / "llm.db"
    server.push(text="first")
    b = CachedBackend(create("openai", model="m", base_url=server.base_url), ResponseCache(db))
    c1 = b.complete(HI, temperature=0.1)
    assert (c1.text, c1.cached) == ("first", False)
    b.close()
    # a new process would open the same file: a new cache object over it
    b2 = CachedBackend(create("openai", model="m", base_url=server.base_url), ResponseCache(db))
    c2 = b2.complete(HI, temperature=0.1)
    assert (c2.text, c2.cached, c2.usage["total_tokens"]) == ("first", True, 8)
    assert len(server.requests) == 1
    assert (b2.cache.hits, b2.cache.misses) == (1, 0)
    # other options, other model, other server: misses
    b2.complete(HI, temperature=0.9)
    CachedBackend(create("openai", model="m2", base_url=server.base_url), b2.cache).complete(HI, temperature=0.1)
    assert len(server.requests) == 3


def test_cache_key_is_order_independent_for_options():
    ident = {"backend": "openai", "model": "m"}
    assert cache_key(ident, HI, {"a": 1, "b": 2}) == cache_key(ident, HI, {"b": 2, "a": 1})
    assert cache_key(ident, HI, {"a": 1}) != cache_key({"backend": "openai", "model": "n"}, HI, {"a": 1})


def test_scripted_identity_includes_the_script(tmp_path):
    a = ScriptedBackend(script="demo").identity()
    s = tmp_path / "x.yaml"
    s.write_text("name: demo\nrules: []\ndefault: hi\n")
    assert ScriptedBackend(script=s).identity() != a


def test_config_file_flags_win_and_keys_never_in_files(tmp_path):
    cfg = tmp_path / "prefcraft.toml"
    cfg.write_text('[backend]\nname = "openai"\nmodel = "qwen"\nbase_url = "http://127.0.0.1:1/v1"\n'
                   'concurrency = 8\n[cache]\nenabled = false\n')
    conf = load_config(cfg)
    s = resolve_settings({"name": None, "model": "llama"}, conf)
    assert s == {"name": "openai", "model": "llama", "base_url": "http://127.0.0.1:1/v1", "concurrency": 8}
    # a flag naming another backend drops the file's settings (they describe the other one)
    assert resolve_settings({"name": "scripted"}, conf) == {"name": "scripted"}
    b = build_backend(s, cache=False)
    assert b.describe()["base_url"] == "http://127.0.0.1:1/v1" and b.concurrency == 8
    bad = tmp_path / "bad.toml"
    bad.write_text('[backend]\nname = "openai"\napi_key = "sk-x"\n')
    with pytest.raises(UsageError, match="API keys are never read from files or flags"):
        resolve_settings({}, load_config(bad))
    typo = tmp_path / "typo.toml"
    typo.write_text('[backends]\nname = "openai"\n')
    with pytest.raises(InputError, match=r"unknown sections \['backends'\]; expected backend, cache, judge, propose"):
        load_config(typo)
