"""Request guards for the review app: access token, Host check, CSRF and security headers.

* ``--token``: every request needs it (``Authorization: Bearer T``, or the cookie set after opening the
  printed ``?token=T`` URL once). Required whenever the server binds anything but loopback.
* Without a token the server is loopback-only, so it also checks the ``Host`` header (DNS rebinding).
* State-changing requests (POST) must come from our own pages: ``Sec-Fetch-Site`` (when the browser
  sends it) must be ``same-origin``/``none``, ``Origin`` (when sent) must be this server, and the form field
  ``csrf`` (or header ``X-CSRF-Token``) must equal HMAC(server secret, session cookie).
* Every response carries a strict Content-Security-Policy (scripts only from our static file, no inline
  script or style), ``nosniff``, ``frame-ancestors 'none'`` and ``Referrer-Policy: same-origin``
  (``no-referrer`` would make browsers send ``Origin: null`` on our own form posts).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

SESSION_COOKIE = "prefcraft_session"
AUTH_COOKIE = "prefcraft_auth"
REVIEWER_COOKIE = "prefcraft_reviewer"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


class Guard:
    def __init__(self, token: str | None, secret: bytes | None = None) -> None:
        self.token = token or None
        self.secret = secret or secrets.token_bytes(32)

    def _mac(self, value: str) -> str:
        return hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()

    # -- token ---------------------------------------------------------------
    def auth_cookie_value(self) -> str:
        return self._mac("auth:" + (self.token or ""))

    def token_ok(self, candidate: str | None) -> bool:
        return bool(self.token) and candidate is not None and hmac.compare_digest(candidate.encode(),
                                                                                   self.token.encode())

    def authorised(self, headers: dict[str, str], cookies: dict[str, str]) -> bool:
        if not self.token:
            return True
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and self.token_ok(auth[7:].strip()):
            return True
        cookie = cookies.get(AUTH_COOKIE)
        return cookie is not None and hmac.compare_digest(cookie.encode(), self.auth_cookie_value().encode())

    # -- host / origin -------------------------------------------------------
    def host_ok(self, host_header: str | None) -> bool:
        if self.token:
            return True
        if not host_header:
            return False
        host = urlsplit("//" + host_header).hostname or ""
        return is_loopback(host)

    @staticmethod
    def same_origin(headers: dict[str, str], scheme: str) -> str | None:
        """``None`` when the request may change state, else why not."""
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            return f"cross-site request refused (Sec-Fetch-Site: {site})"
        origin = headers.get("origin")
        if origin is not None:
            host = headers.get("host", "")
            # Compare host:port only, so a TLS-terminating proxy (https outside, http here) still works.
            if origin == "null" or urlsplit(origin).netloc.lower() != host.lower():
                return "cross-origin request refused (Origin does not match this server)"
        return None

    # -- CSRF ----------------------------------------------------------------
    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(24)

    def csrf_for(self, session: str) -> str:
        return self._mac("csrf:" + session)

    def csrf_ok(self, session: str | None, candidate: str | None) -> bool:
        if not session or not candidate:
            return False
        return hmac.compare_digest(candidate.encode(), self.csrf_for(session).encode())
