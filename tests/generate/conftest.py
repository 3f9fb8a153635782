from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def default_build():
    """The default build (300 pairs, seed 0) with its report, built once per test session."""
    from prefcraft.generate import build_dataset

    return build_dataset(size=300, seed=0, return_report=True)
