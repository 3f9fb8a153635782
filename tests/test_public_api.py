"""Public names are a contract: adding one is deliberate, removing one breaks users."""

import prefcraft

EXPECTED = {
    "__version__", "Dataset", "ExportResult", "Finding", "InputError", "Judgment", "MissingExtraError",
    "PreferencePair", "PrefcraftError", "Taxonomy", "UsageError", "ValidationReport", "content_hash", "export",
    "judge", "judge_many", "load", "load_taxonomy", "read", "validate",
}


def test_public_names_are_pinned():
    assert set(prefcraft.__all__) == EXPECTED
    for name in prefcraft.__all__:
        assert hasattr(prefcraft, name), name
