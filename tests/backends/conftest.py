import pytest

from fake_openai import FakeOpenAI


@pytest.fixture
def server():
    s = FakeOpenAI().start()
    yield s
    s.stop()
