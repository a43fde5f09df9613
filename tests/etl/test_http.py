"""The retry policy against a tiny local HTTP server that misbehaves a scripted number of times."""

import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from etl.http import HttpStatusError, JsonHttp, RequestFailed, RetryableError, RetryPolicy, describe

FAST = RetryPolicy(
    base_delay=0.01, max_delay=0.04, connect_timeout=1.0, read_timeout=0.3, max_retry_after=0.05
)
BODY = b'{"ok": true}'


class ScriptedServer:
    """Answers each request with the next step of ``script``; then with ``BODY``."""

    def __init__(self, script: list[str]):
        self.script = list(script)
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests += 1
                step = outer.script.pop(0) if outer.script else "ok"
                if step == "reset":
                    self.connection.close()
                    self.close_connection = True
                    return
                if step == "slow":
                    time.sleep(0.6)
                    step = "ok"
                status, body, headers = 200, BODY, {}
                if step.isdigit():
                    status, body = int(step), b'{"error_code": "%s"}' % step.encode()
                elif step == "retry-after":
                    status, headers = 429, {"Retry-After": "1"}
                elif step == "not-json":
                    body = b"<html>"
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(BODY) if step == "truncated" else len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if step == "truncated" else body)
                if step == "truncated":
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    "fault", ["500", "503", "408", "reset", "slow", "truncated", "not-json", "retry-after"]
)
def test_each_transient_fault_is_retried(fault):
    with ScriptedServer([fault, fault]) as server:
        assert JsonHttp(FAST).request("GET", server.url) == {"ok": True}
        assert server.requests == 3


def test_other_4xx_fail_at_once():
    with ScriptedServer(["403"]) as server:
        with pytest.raises(HttpStatusError) as caught:
            JsonHttp(FAST).request("GET", server.url)
        assert caught.value.status == 403
        assert server.requests == 1


def test_running_out_of_attempts_names_the_request():
    with ScriptedServer(["500"] * 5) as server:
        with pytest.raises(
            RequestFailed, match=r"GET http://127\.0\.0\.1:\d+/api\?page=2 failed after 5 attempts"
        ):
            JsonHttp(FAST).request("GET", server.url, params={"page": 2})
        assert server.requests == 5


def test_check_can_reject_a_200():
    calls = []

    def check(payload):
        calls.append(payload)
        if len(calls) == 1:
            raise RetryableError("soft error")

    with ScriptedServer([]) as server:
        assert JsonHttp(FAST).request("GET", server.url, check=check) == {"ok": True}
        assert server.requests == 2


def test_backoff_doubles_caps_and_jitters():
    policy = RetryPolicy()
    never_jitter = random.Random(0)
    delays = [policy.backoff(attempt, never_jitter) for attempt in range(1, 8)]
    # Nominal 1, 2, 4, 8, 16, 30 (cap), 30; each within ±20 %.
    for delay, nominal in zip(delays, [1, 2, 4, 8, 16, 30, 30], strict=True):
        assert nominal * 0.8 <= delay <= nominal * 1.2


def test_retry_after_wins_when_longer():
    slept = []
    http = JsonHttp(RetryPolicy(base_delay=0.01, max_delay=0.01), sleep=slept.append)
    assert http._delay(1, retry_after=3.0) == 3.0
    assert http._delay(1, retry_after=None) <= 0.012
    assert JsonHttp(RetryPolicy(max_retry_after=0.5))._delay(1, retry_after=3.0) < 1.3


def test_describe_drops_credentials_from_the_url():
    assert (
        describe("GET", "https://user:secret@host/dvc/api", {"page": 1}) == "GET https://host/dvc/api?page=1"
    )
