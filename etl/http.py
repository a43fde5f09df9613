"""HTTP requests with the retry policy of sources.md §1.7, returning parsed JSON bodies."""

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

import orjson
import requests
from requests.adapters import HTTPAdapter

RETRIED_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Defaults are the contract's; tests shrink the delays and timeouts."""

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    jitter: float = 0.2
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # The contract bounds Retry-After to 1–30 s; a test server's header can be capped lower here.
    max_retry_after: float = 30.0
    retried_statuses: frozenset[int] = field(default=RETRIED_STATUSES)

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Delay before attempt ``attempt + 1``: doubling from ``base_delay``, capped, ±``jitter``."""
        delay = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        return delay * (1 + rng.uniform(-self.jitter, self.jitter))


class RetryableError(Exception):
    """A response that arrived but must be retried (truncated, unparsable, a soft error)."""


class HttpStatusError(Exception):
    """A status that is not retried: a 4xx other than 408 and 429."""

    def __init__(self, request: str, status: int, body: bytes):
        super().__init__(f"{request} answered HTTP {status}: {body[:200]!r}")
        self.status = status
        self.body = body


class RequestFailed(Exception):
    """Retries ran out; names the request (method and URL, without credentials)."""


def describe(method: str, url: str, params: Mapping[str, object] | None = None) -> str:
    """``METHOD url?query`` with any user:password part of the URL removed."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = "&".join(filter(None, [parts.query, urlencode(params or {})]))
    return f"{method} {urlunsplit((parts.scheme, netloc, parts.path, query, ''))}"


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class JsonHttp:
    """A ``requests`` session that retries by policy and returns ``(status, parsed JSON)``.

    Safe to share between the threads of a window reader: the session pools connections, and each
    request keeps its own state.
    """

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        session: requests.Session | None = None,
        pool_size: int = 8,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ):
        self.policy = policy or RetryPolicy()
        self.session = session or requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, object] | None = None,
        data: Mapping[str, str] | None = None,
        headers: Callable[[], Mapping[str, str]] | Mapping[str, str] | None = None,
        check: Callable[[object], None] | None = None,
    ) -> object:
        """The parsed JSON body of a 2xx answer; ``check`` may raise ``RetryableError`` on it.

        ``headers`` may be a function, called before each attempt (a token can change between them).
        """
        policy = self.policy
        name = describe(method, url, params)
        last_error = ""
        for attempt in range(1, policy.max_attempts + 1):
            wait = None
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers=headers() if callable(headers) else headers,
                    timeout=(policy.connect_timeout, policy.read_timeout),
                )
                body = response.content
                status = response.status_code
                if status in policy.retried_statuses:
                    wait = _retry_after(response)
                    raise RetryableError(f"HTTP {status}")
                if status >= 400:
                    raise HttpStatusError(name, status, body)
                declared = response.headers.get("Content-Length")
                # A compressed body is measured before decoding, so only an identity body can be compared.
                encoded = response.headers.get("Content-Encoding", "identity") != "identity"
                if declared is not None and declared.isdigit() and not encoded and int(declared) != len(body):
                    raise RetryableError(f"body of {len(body)} bytes, Content-Length {declared}")
                try:
                    payload = orjson.loads(body)
                except orjson.JSONDecodeError as exc:
                    raise RetryableError(f"body is not JSON: {exc}") from None
                if check is not None:
                    check(payload)
                return payload
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            except RetryableError as exc:
                last_error = str(exc)
            if attempt < policy.max_attempts:
                self._sleep(self._delay(attempt, wait))
        raise RequestFailed(f"{name} failed after {policy.max_attempts} attempts; last error: {last_error}")

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        with self._rng_lock:
            delay = self.policy.backoff(attempt, self._rng)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.policy.max_retry_after))
        return delay

    def close(self) -> None:
        self.session.close()
