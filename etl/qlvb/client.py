"""QLVB HTTP client: the `X-API-Key` header (sources.md §3.1) and the cursor pages of `/api/documents`."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import orjson

from etl.http import HttpStatusError, JsonHttp, RetryableError, RetryPolicy
from etl.settings import MissingSetting
from etl.timeparse import DEFAULT_TIMEZONE

MAX_LIMIT = 500


@dataclass(frozen=True)
class QlvbSettings:
    url: str
    api_key: str = field(repr=False)
    timezone: str = DEFAULT_TIMEZONE

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "QlvbSettings":
        values = {}
        for name in ("PARINDEX_QLVB_URL", "PARINDEX_QLVB_API_KEY"):
            values[name] = env.get(name, "").strip()
            if not values[name]:
                raise MissingSetting(f"{name} is not set")
        return cls(
            values["PARINDEX_QLVB_URL"],
            values["PARINDEX_QLVB_API_KEY"],
            env.get("PARINDEX_TIMEZONE", "").strip() or DEFAULT_TIMEZONE,
        )


class InvalidCursor(Exception):
    """`400 invalid_cursor`: the cursor expired or is malformed; the traversal restarts (§1.8)."""


def error_code(body: bytes) -> str | None:
    """The `error.code` of a QLVB error body (§3.1), or None when the body is not one."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    error = payload.get("error") if isinstance(payload, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def _check_page(payload: object) -> None:
    # A 200 that is not a page cannot be used; the contract has no soft errors, so it is treated as a
    # truncated answer and retried.
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise RetryableError("QLVB page without a data list")
    cursor = payload.get("nextCursor")
    if cursor is not None and not isinstance(cursor, str):
        raise RetryableError("QLVB page with a nextCursor that is not a string")


class QlvbClient:
    def __init__(self, settings: QlvbSettings, policy: RetryPolicy | None = None):
        self.settings = settings
        self.http = JsonHttp(policy, pool_size=2, source="QLVB", url_setting="PARINDEX_QLVB_URL")
        self.base_url = settings.url.rstrip("/")

    def url(self, path: str) -> str:
        """`path` joined to the base URL, keeping any path prefix of it (§1.3)."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def documents(
        self, direction: str, modified_since: str | None, cursor: str | None, limit: int = MAX_LIMIT
    ) -> tuple[str, dict]:
        """`(locator prefix, page)` of `GET /api/documents`; with a cursor, `modifiedSince` is not sent."""
        params: dict[str, object] = {"direction": direction, "limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        elif modified_since is not None:
            params["modifiedSince"] = modified_since
        url = self.url("api/documents")
        headers = {"X-API-Key": self.settings.api_key}
        try:
            payload = self.http.request("GET", url, params=params, headers=headers, check=_check_page)
        except HttpStatusError as exc:
            if exc.status == 400 and error_code(exc.body) == "invalid_cursor" and cursor is not None:
                raise InvalidCursor(f"QLVB {direction}: cursor rejected") from None
            raise
        # The cursor is an opaque server token: the locator names the page by its other parameters.
        shown = {name: value for name, value in params.items() if name != "cursor"}
        return f"{url}?{urlencode(shown)}", payload

    def close(self) -> None:
        self.http.close()
