"""Errors the library raises. Only the CLI turns them into messages and exit codes.

Every message a user can see names where (file, line or row), what was expected, what was found and
the fix, in one paragraph.
"""

from __future__ import annotations


class PrefcraftError(Exception):
    """Base class: ``str(err)`` is a complete, user-facing message."""

    exit_code = 2


class InputError(PrefcraftError):
    """Input that cannot be read or does not have the expected structure."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 reason: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        # A short machine-friendly reason (used for quarantine files); defaults to the message.
        self.reason = reason or message


class UsageError(PrefcraftError):
    """Contradictory or invalid options."""


class MissingExtraError(PrefcraftError, ImportError):
    """An optional dependency is missing; the message gives the exact install command."""

    def __init__(self, extra: str, package: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional package '{package}', which is not installed. "
            f"Install it with: pip install 'prefcraft[{extra}]'"
        )
        self.extra = extra
        self.package = package


def require(module: str, *, extra: str, feature: str, package: str | None = None):
    """Import ``module`` or raise :class:`MissingExtraError` naming the pip command."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingExtraError(extra, package or module.split(".")[0], feature) from exc
