"""Public names are a contract: adding one is deliberate, removing one breaks users."""

import prefcraft

EXPECTED = {
    "__version__", "Dataset", "Finding", "InputError", "MissingExtraError", "PreferencePair", "PrefcraftError",
    "UsageError", "content_hash", "load", "read",
}


def test_public_names_are_pinned():
    assert set(prefcraft.__all__) >= EXPECTED
    for name in prefcraft.__all__:
        assert hasattr(prefcraft, name), name
