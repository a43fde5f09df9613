"""DVC HTTP client: OAuth2 client credentials (sources.md §2.1) and the list envelope (§2.2)."""

import threading
import time
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

import orjson

from etl.http import HttpStatusError, JsonHttp, RetryableError, RetryPolicy, describe
from etl.settings import DvcSettings
from etl.source import SourceRefused

# A token is renewed when less than this much of its life is left (§2.1).
TOKEN_MARGIN_S = 30.0
MAX_PAGE_SIZE = 1000


class DvcError(Exception):
    """A DVC answer the connector cannot use (a malformed envelope)."""


# The variables an operator changes when DVC refuses the client (interface.md §1).
CREDENTIAL_VARIABLES = "PARINDEX_DVC_CLIENT_ID and PARINDEX_DVC_CLIENT_SECRET"


class CredentialsRefused(DvcError, SourceRefused):
    """DVC refused the OAuth2 client, or every token issued to it (§2.1): retrying cannot help."""

    def __init__(self, what: str, request: str, status: int):
        super().__init__(f"{what}: {request} answered HTTP {status}; check {CREDENTIAL_VARIABLES}")
        self.status = status


def _oauth_error(body: bytes) -> str:
    """The RFC 6749 `error` code of a token endpoint answer, if it has one (never the description)."""
    try:
        code = orjson.loads(body).get("error")
    except (orjson.JSONDecodeError, AttributeError):
        return ""
    return code if isinstance(code, str) and code.isidentifier() else ""


def _check_envelope(payload: object) -> None:
    # A 200 whose error_code is not "0" is a server error and is retried like a 5xx (§2.2).
    if not isinstance(payload, dict) or str(payload.get("error_code")) != "0":
        code = payload.get("error_code") if isinstance(payload, dict) else None
        raise RetryableError(f"DVC error_code {code!r}")
    if not isinstance(payload.get("data"), list) or not isinstance(payload.get("total"), int):
        raise RetryableError("DVC envelope without a data list or an integer total")


class DvcClient:
    def __init__(
        self,
        settings: DvcSettings,
        policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        pool_size: int = 8,
    ):
        self.settings = settings
        self.http = JsonHttp(policy, pool_size=pool_size, source="DVC", url_setting="PARINDEX_DVC_URL")
        self.base_url = settings.url.rstrip("/")
        self._clock = clock
        self._token_lock = threading.Lock()
        self._token: str | None = None
        self._token_expires = 0.0

    def url(self, path: str) -> str:
        """``path`` joined to the base URL, keeping any path prefix of it (§1.3)."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def _fetch_token(self) -> None:
        issued = self._clock()
        url = self.url("oauth2/token")
        try:
            payload = self.http.request(
                "POST",
                url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.settings.client_id,
                    "client_secret": self.settings.client_secret,
                },
            )
        except HttpStatusError as error:
            code = _oauth_error(error.body)
            what = "the DVC token endpoint refused the client" + (f" ({code})" if code else "")
            raise CredentialsRefused(what, describe("POST", url), error.status) from None
        if not isinstance(payload, dict) or not isinstance(payload.get("access_token"), str):
            raise DvcError("the token endpoint answered without an access_token")
        self._token = payload["access_token"]
        self._token_expires = issued + float(payload.get("expires_in") or 0)

    def token(self, rejected: str | None = None) -> str:
        """A token with more than 30 s left; ``rejected`` forces a new one unless another thread got it."""
        with self._token_lock:
            stale = self._token is None or self._token_expires - self._clock() < TOKEN_MARGIN_S
            if stale or (rejected is not None and rejected == self._token):
                self._fetch_token()
            assert self._token is not None
            return self._token

    def get(self, resource: str, params: Mapping[str, object]) -> tuple[str, dict]:
        """``(locator prefix, envelope)`` of ``GET /api/v1/{resource}``; a 401 renews the token once."""
        url = self.url(f"api/v1/{resource}")
        used: list[str] = []

        def headers() -> dict[str, str]:
            # Fetched per attempt: a backoff can outlast the token's remaining life.
            used.append(self.token())
            return {"Authorization": f"Bearer {used[-1]}"}

        def once() -> dict:
            return self.http.request("GET", url, params=params, headers=headers, check=_check_envelope)

        try:
            payload = once()
        except HttpStatusError as exc:
            if exc.status != 401:
                raise
            self.token(rejected=used[-1])
            try:
                payload = once()
            except HttpStatusError as again:
                if again.status != 401:
                    raise
                # A second 401 fails the step (§2.1).
                raise CredentialsRefused(
                    "the DVC API refused a newly issued token", describe("GET", url, params), 401
                ) from None
        return f"{url}?{urlencode(params)}", payload

    def close(self) -> None:
        self.http.close()
