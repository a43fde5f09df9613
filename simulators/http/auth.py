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


QLVB_KEY_VARIABLE = "PARINDEX_QLVB_API_KEY"
ECABINET_USER_VARIABLE = "PARINDEX_ECABINET_USER"
ECABINET_PASSWORD_VARIABLE = "PARINDEX_ECABINET_PASSWORD"


@dataclass(frozen=True)
class SourceSecrets:
    """The QLVB key and the E-CABINET Basic credentials (sources.md §3.1, §4.1)."""

    qlvb_api_key: str
    ecabinet_user: str
    ecabinet_password: str

    def qlvb_allows(self, key: str | None) -> bool:
        return key is not None and secrets.compare_digest(key.encode(), self.qlvb_api_key.encode())

    def ecabinet_allows(self, user: str, password: str) -> bool:
        return secrets.compare_digest(user.encode(), self.ecabinet_user.encode()) and secrets.compare_digest(
            password.encode(), self.ecabinet_password.encode()
        )


def resolve_source_secrets(given: dict[str, str] | None) -> SourceSecrets:
    """As resolve_credentials: from `given`, else the environment, else random."""
    source = given if given is not None else os.environ
    return SourceSecrets(
        qlvb_api_key=source.get(QLVB_KEY_VARIABLE) or secrets.token_urlsafe(24),
        ecabinet_user=source.get(ECABINET_USER_VARIABLE) or f"ecabinet-{secrets.token_hex(4)}",
        ecabinet_password=source.get(ECABINET_PASSWORD_VARIABLE) or secrets.token_urlsafe(18),
    )
