"""OAuth2 client credentials for the DVC API (sources.md §2.1): credentials and expiring tokens."""

import os
import secrets
import threading
import time
from dataclasses import dataclass

CLIENT_ID_VARIABLE = "PARINDEX_DVC_CLIENT_ID"
CLIENT_SECRET_VARIABLE = "PARINDEX_DVC_CLIENT_SECRET"


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str


def resolve_credentials(given: dict[str, str] | None) -> Credentials:
    """From `given` (keyed by the variable names), else the environment, else random (sources.md §1.3)."""
    source = given if given is not None else os.environ
    return Credentials(
        client_id=source.get(CLIENT_ID_VARIABLE) or f"parindex-{secrets.token_hex(4)}",
        client_secret=source.get(CLIENT_SECRET_VARIABLE) or secrets.token_urlsafe(24),
    )


class TokenStore:
    def __init__(self, credentials: Credentials, ttl_s: float):
        self.credentials = credentials
        self.ttl_s = ttl_s
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def authenticate(self, client_id: str, client_secret: str) -> bool:
        return secrets.compare_digest(client_id.encode(), self.credentials.client_id.encode()) and (
            secrets.compare_digest(client_secret.encode(), self.credentials.client_secret.encode())
        )

    def issue(self, client_id: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (client_id, time.monotonic() + self.ttl_s)
        return token

    def client_of(self, token: str) -> str | None:
        """The client a token was issued to, or None when the token is unknown or expired."""
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None:
                return None
            if time.monotonic() >= entry[1]:
                del self._tokens[token]
                return None
            return entry[0]
