"""HTTP requests with the retry policy of sources.md §1.7, returning parsed JSON bodies.

urllib3's `Retry` (through requests' adapter) retries what fails before a body is read: connection errors,
resets, timeouts, the retried statuses with their Retry-After. What only the body shows (truncated, not
JSON, a soft error of the source's envelope, too slow) is retried here, from the same budget of attempts.

Every request is bounded: redirects are never followed (no credential leaves for another address), an
attempt has an overall deadline (connect, headers and the whole body), and a body is read streamed and
abandoned as soon as it passes the size cap.
"""

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import orjson
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import RequestHistory, Retry

from etl.collector import paused_collection

RETRIED_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# The largest page of the contract is a DVC `ho-so` page: pageSize 1,000 (§2.3) plus up to 3 duplicate
# rows (§6). The simulator's dossiers measured 1,663 bytes on average and 2,529 at most (small, 2025), so
# that page is at most 1,003 × 2,529 ≈ 2.5 MB; the next largest are QLVB's (500 × 1,467 B ≈ 0.7 MB) and
# E-CABINET's polls (200 × 3,022 B ≈ 0.6 MB, about 1 MB with the 40 members of `large`).
# 120 s carries 2.5 MB at 21 kB/s, a tenth of a slow 0.25 MB/s link, and stays above the 30 s read
# timeout, so that a server that stalls once is still reported as a read timeout.
DEFAULT_DEADLINE_S = 120.0
# 25 times that page, 8 times even if a server escaped every Vietnamese letter as \uXXXX: a body past it
# is no page of the contract, and eight workers reading at the cap hold 512 MiB at most.
DEFAULT_MAX_BODY_BYTES = 64 * 2**20
# One socket read at most; a smaller one costs more Python calls per page, a larger one nothing.
READ_CHUNK_BYTES = 256 * 2**10


@dataclass(frozen=True)
class RetryPolicy:
    """Defaults are the contract's; tests shrink the delays and timeouts."""

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    jitter: float = 0.2
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # One attempt, from connecting to the body's last byte: a server that drips bytes is cut here.
    deadline: float = DEFAULT_DEADLINE_S
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    # The contract bounds Retry-After to 1–30 s; a test server's header can be capped lower here.
    max_retry_after: float = 30.0
    retried_statuses: frozenset[int] = field(default=RETRIED_STATUSES)

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Delay before attempt ``attempt + 1``: doubling from ``base_delay``, capped, ±``jitter``."""
        delay = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        return delay * (1 + rng.uniform(-self.jitter, self.jitter))


class RetryableError(Exception):
    """A response that arrived but must be retried (truncated, unparsable, a soft error, too slow)."""


class HttpStatusError(Exception):
    """A status that is not retried: a 4xx other than 408 and 429."""

    def __init__(self, request: str, status: int, body: bytes, hint: str = ""):
        super().__init__(f"{request} answered HTTP {status}: {body[:200]!r}{hint}")
        self.status = status
        self.body = body


class RequestFailed(Exception):
    """A request failed for good: retries ran out, or an answer that no retry can change. The message
    names the source and the request (method and URL, without credentials), never a credential."""


class RedirectRefused(RequestFailed):
    """The source answered with a redirect; it is never followed (sources.md defines none)."""


class BodyTooLarge(RequestFailed):
    """The body passed the size cap; reading stopped there."""


def describe(method: str, url: str, params: Mapping[str, object] | None = None) -> str:
    """``METHOD url?query`` with any user:password part of the URL removed."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = "&".join(filter(None, [parts.query, urlencode(params or {})]))
    return f"{method} {urlunsplit((parts.scheme, netloc, parts.path, query, ''))}"


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: what must stay the same for credentials to stay with their source."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:  # a port out of range, in a Location the server wrote: no port of the source
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _shown_target(url: str) -> str:
    # A redirect target is chosen by the server: show where it points, without user info or query.
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, "", ""))


def _looks_html(response: requests.Response, body: bytes) -> bool:
    return "html" in response.headers.get("Content-Type", "").lower() or body.lstrip()[:1] == b"<"


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class _PolicyRetry(Retry):
    """urllib3's transport retries (connection errors, resets, timeouts before the headers, the retried
    statuses) with the policy's pause between attempts: `pause(failed_attempts, retry_after)`.

    Its history counts every failed attempt of the request, those urllib3 never saw (a truncated body, a
    soft error) included, so the contract's maximum holds for both together. It also notes when the
    attempt it precedes started, which the body's deadline runs from."""

    # Only the policy's statuses are retried: a 413 with Retry-After is a 4xx that fails at once.
    RETRY_AFTER_STATUS_CODES = frozenset()
    pause: Callable[[int, float | None], None]
    attempt_started: float | None = None

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        # The body of a retried status is the source's error text, which no one reads: closed unread, as
        # urllib3 would otherwise read it whole, past the body cap and the deadline.
        if response is not None:
            response.close()
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def new(self, **kw) -> "_PolicyRetry":
        retry = super().new(**kw)
        retry.pause = self.pause
        return retry

    def sleep(self, response=None) -> None:
        self.pause(len(self.history), _retry_after(response.headers) if response is not None else None)
        self.attempt_started = time.monotonic()


class _PerRequestRetries(HTTPAdapter):
    """An adapter whose urllib3 retries are those of the request in progress on the calling thread: what a
    request may still try depends on what failed before it reached the adapter again."""

    def __init__(self, **kwargs):
        self._current = threading.local()
        super().__init__(**kwargs)

    @property
    def max_retries(self) -> Retry:
        return self._current.retry

    @max_retries.setter
    def max_retries(self, retry: Retry) -> None:
        self._current.retry = retry


class JsonHttp:
    """A ``requests`` session that retries by policy and returns ``(status, parsed JSON)``.

    ``source`` names the source in every error (``DVC``), and ``url_setting`` is the variable of its base
    URL, which is what to check when the answers are not the API's (HTML, redirects, oversized bodies).

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
        source: str = "source",
        url_setting: str = "its base URL",
    ):
        self.policy = policy or RetryPolicy()
        self.session = session or requests.Session()
        self._adapter = _PerRequestRetries(pool_connections=2, pool_maxsize=pool_size)
        self.session.mount("http://", self._adapter)
        self.session.mount("https://", self._adapter)
        self.source = source
        self.url_setting = url_setting
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
        name = f"{self.source}: {describe(method, url, params)}"
        # One entry per failed attempt: urllib3 adds those of the transport, this loop those of the body.
        history: tuple[RequestHistory, ...] = ()
        while True:
            retry = self._retry(history)
            try:
                sent_headers = headers() if callable(headers) else headers
                self._adapter.max_retries = retry
                started = time.monotonic()
                # A redirect is never followed: requests would re-send a form body (307/308) and custom
                # headers such as X-API-Key to wherever it points.
                with self.session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers=sent_headers,
                    timeout=(
                        min(policy.connect_timeout, policy.deadline),
                        min(policy.read_timeout, policy.deadline),
                    ),
                    allow_redirects=False,
                    stream=True,
                ) as response:
                    retry = response.raw.retries
                    status = response.status_code
                    if status in policy.retried_statuses:  # urllib3 gave up on it: no attempt is left
                        raise RetryableError(f"HTTP {status}")
                    if 300 <= status < 400:
                        raise self._redirect(name, response)
                    body = self._read_body(name, response, retry.attempt_started or started)
                payload = self._parse(name, response, body)
                if check is not None:
                    check(payload)
                return payload
            except (requests.ConnectionError, requests.Timeout) as exc:
                # Raised by urllib3 once the attempts ran out (the reason is its last error).
                last_error = f"{type(exc).__name__}: {exc}"
                break
            except RetryableError as exc:
                last_error = str(exc)
                history = (*retry.history, RequestHistory(method, url, exc, None, None))
                if len(history) >= policy.max_attempts:
                    break
                self._pause(len(history), None)
        raise RequestFailed(f"{name} failed after {policy.max_attempts} attempts; last error: {last_error}")

    def _retry(self, history: tuple[RequestHistory, ...]) -> _PolicyRetry:
        """What urllib3 may still retry of a request that already failed `len(history)` times."""
        retry = _PolicyRetry(
            total=self.policy.max_attempts - 1 - len(history),
            redirect=False,
            status_forcelist=self.policy.retried_statuses,
            allowed_methods=None,  # the DVC token POST is retried too (sources.md §1.7)
            raise_on_status=False,  # the last retried answer comes back, to be named like any other
            history=history,
        )
        retry.pause = self._pause
        return retry

    def _parse(self, name: str, response: requests.Response, body: bytes) -> object:
        """The JSON of a whole body; the error envelope of a status that no retry changes."""
        status = response.status_code
        if status >= 400:
            hint = self._html_hint(response, body)
            raise HttpStatusError(name, status, body, f" ({hint})" if hint else "")
        declared = response.headers.get("Content-Length")
        # A compressed body is measured before decoding, so only an identity body can be compared.
        encoded = response.headers.get("Content-Encoding", "identity") != "identity"
        if declared is not None and declared.isdigit() and not encoded and int(declared) != len(body):
            raise RetryableError(f"body of {len(body)} bytes, Content-Length {declared}")
        try:
            with paused_collection():  # a page of records is tens of thousands of new dicts and lists
                return orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise RetryableError(self._not_json(response, body, exc)) from None

    def _read_body(self, name: str, response: requests.Response, started: float) -> bytes:
        """The whole body, read one socket read at a time so that the deadline and the cap are checked
        between reads; each read waits at most for what is left of the deadline."""
        policy = self.policy
        cap = policy.max_body_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise self._too_large(name, f"announces {int(declared):,} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            left = policy.deadline - (time.monotonic() - started)
            if left <= 0:
                raise self._past_deadline(size)
            connection = response.raw.connection
            if connection is not None and connection.sock is not None:
                connection.sock.settimeout(min(policy.read_timeout, left))
            try:
                chunk = response.raw.read1(READ_CHUNK_BYTES)
            except urllib3.exceptions.ReadTimeoutError:
                if left < policy.read_timeout:  # the read waited for what was left of the deadline
                    raise self._past_deadline(size) from None
                raise RetryableError(f"read timeout after {size:,} bytes of the body") from None
            except urllib3.exceptions.HTTPError as exc:
                raise RetryableError(f"{type(exc).__name__} after {size:,} bytes: {exc}") from None
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > cap:
                raise self._too_large(name, f"sent more than {cap:,} bytes")
            chunks.append(chunk)

    def _past_deadline(self, size: int) -> RetryableError:
        return RetryableError(
            f"no whole answer within the deadline of {self.policy.deadline:g} s ({size:,} bytes read; "
            "PARINDEX_HTTP_DEADLINE_S sets it)"
        )

    def _too_large(self, name: str, what: str) -> BodyTooLarge:
        cap_mib = self.policy.max_body_bytes / 2**20
        return BodyTooLarge(
            f"{name} {what}, over the cap of {cap_mib:g} MiB per answer (no page of the contract comes "
            f"near it): check that {self.url_setting} is the API's base address, or raise the cap "
            "(PARINDEX_HTTP_MAX_BODY_MB)"
        )

    def _redirect(self, name: str, response: requests.Response) -> RedirectRefused:
        location = response.headers.get("Location")
        if location is None:
            where = "without a Location"
        else:
            target = urljoin(response.url, location)
            elsewhere = "another host, " if _origin(target) != _origin(response.url) else ""
            where = f"to {elsewhere}{_shown_target(target)}"
        return RedirectRefused(
            f"{name} answered HTTP {response.status_code}, a redirect {where}; redirects are not followed, "
            f"so no credential was sent there: set {self.url_setting} to the address the API answers at"
        )

    def _not_json(self, response: requests.Response, body: bytes, error: orjson.JSONDecodeError) -> str:
        # Retried like a truncated body (§1.7); if it stays so, the address is the likelier cause.
        hint = self._html_hint(response, body)
        return hint or f"body is not JSON ({error}): is {self.url_setting} the API's base address?"

    def _html_hint(self, response: requests.Response, body: bytes) -> str:
        if not _looks_html(response, body):
            return ""
        return f"answered HTML, not JSON: is {self.url_setting} the API's base address?"

    def _pause(self, failed_attempts: int, retry_after: float | None) -> None:
        self._sleep(self._delay(failed_attempts, retry_after))

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        with self._rng_lock:
            delay = self.policy.backoff(attempt, self._rng)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.policy.max_retry_after))
        return delay

    def close(self) -> None:
        self.session.close()
