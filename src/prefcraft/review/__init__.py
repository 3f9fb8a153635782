"""Human review of preference pairs: a SQLite store (:mod:`prefcraft.review.store`) and a web app
(:mod:`prefcraft.review.app`, needs the ``review`` extra). The app only talks to the store."""

from __future__ import annotations

from prefcraft.review.store import ConflictError, ReviewStore, StoredPair

__all__ = ["ConflictError", "ReviewStore", "StoredPair"]
