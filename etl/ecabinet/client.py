"""E-CABINET HTTP client: Basic auth and the list envelope (sources.md §4.1), meeting details (§4.3)."""

import base64
from collections.abc import Mapping
from urllib.parse import quote, urlencode

from etl.ecabinet.settings import EcabinetSettings
from etl.http import HttpStatusError, JsonHttp, RetryableError, RetryPolicy

MAX_PAGE_SIZE = 200


def _check_envelope(payload: object) -> None:
    # A list answer without its items or total cannot be verified: read it again like a truncated body.
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        raise RetryableError("E-CABINET list answer without an items array")
    if not isinstance(payload.get("total"), int) or isinstance(payload.get("total"), bool):
        raise RetryableError("E-CABINET list answer without an integer total")


def _check_object(payload: object) -> None:
    if not isinstance(payload, dict):
        raise RetryableError("E-CABINET detail answer is not an object")


class EcabinetClient:
    def __init__(self, settings: EcabinetSettings, policy: RetryPolicy | None = None, pool_size: int = 8):
        self.settings = settings
        self.http = JsonHttp(
            policy, pool_size=pool_size, source="E-CABINET", url_setting="PARINDEX_ECABINET_URL"
        )
        self.base_url = settings.url.rstrip("/")
        token = base64.b64encode(f"{settings.user}:{settings.password}".encode()).decode("ascii")
        self._headers = {"Authorization": f"Basic {token}"}

    def url(self, path: str) -> str:
        """``path`` joined to the base URL, keeping any path prefix of it (§1.3)."""
        return f"{self.base_url}/{path.lstrip('/')}"

    def list(self, resource: str, params: Mapping[str, object]) -> tuple[str, dict]:
        """``(locator prefix, envelope)`` of ``GET /api/{resource}``; a 401 or 403 fails the step."""
        url = self.url(f"api/{resource}")
        payload = self.http.request("GET", url, params=params, headers=self._headers, check=_check_envelope)
        return f"{url}?{urlencode(params)}", payload

    def meeting(self, code: str) -> tuple[str, dict | None]:
        """``(URL, detail)`` of one meeting; the detail is None on a 404 (``detail_missing``, §6)."""
        url = self.url(f"api/cuoc-hop/{quote(code, safe='')}")
        try:
            return url, self.http.request("GET", url, headers=self._headers, check=_check_object)
        except HttpStatusError as exc:
            if exc.status == 404:
                return url, None
            raise

    def close(self) -> None:
        self.http.close()
