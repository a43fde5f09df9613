"""The retry policy and the transport bounds (redirects, deadline, size cap) against a tiny local HTTP
server that misbehaves a scripted number of times."""

import random
import threading
import time

import pytest

from etl.http import (
    BodyTooLarge,
    HttpStatusError,
    JsonHttp,
    RedirectRefused,
    RequestFailed,
    RetryableError,
    RetryPolicy,
    describe,
)
from tests.etl.local_http import LocalServer, send

FAST = RetryPolicy(
    base_delay=0.01, max_delay=0.04, connect_timeout=1.0, read_timeout=0.3, max_retry_after=0.05
)
BODY = b'{"ok": true}'
HTML = "<!DOCTYPE html><html><body>Cổng dịch vụ công: đăng nhập</body></html>".encode()


class ScriptedServer(LocalServer):
    """Answers each request with the next step of ``script``; then with ``BODY``."""

    def __init__(self, script: list[str]):
        self.script = list(script)
        self.requests = 0
        super().__init__(self._answer)
        self.url += "/api"

    def _answer(self, handler):
        self.requests += 1
        step = self.script.pop(0) if self.script else "ok"
        if step == "reset":
            handler.connection.close()
            handler.close_connection = True
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
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(BODY) if step == "truncated" else len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2] if step == "truncated" else body)
        if step == "truncated":
            handler.close_connection = True


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


def test_a_redirect_on_the_same_host_is_refused_naming_its_target():
    def answer(handler):
        send(handler, 302, b"", {"Location": "/elsewhere/api?page=2"})

    with LocalServer(answer) as server:
        http = JsonHttp(FAST, source="QLVB", url_setting="PARINDEX_QLVB_URL")
        with pytest.raises(RedirectRefused) as caught:
            http.request("GET", f"{server.url}/api")
    message = str(caught.value)
    # Not retried: a redirect is a configuration to change, not a fault that passes.
    assert (
        f"QLVB: GET {server.url}/api answered HTTP 302, a redirect to {server.url}/elsewhere/api;" in message
    )
    assert "another host" not in message
    assert "PARINDEX_QLVB_URL" in message


def drip(handler):
    """Announces 200 bytes of valid JSON, then sends one byte every 0.2 s (under the 1 s read timeout)."""
    body = b'{"ok": true}'.rjust(200)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    for byte in body:
        try:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
        except OSError:  # the client gave up: the test is over
            return
        time.sleep(0.2)


def test_a_server_that_drips_bytes_is_cut_at_the_deadline_and_retried():
    # Every single read arrives well within the read timeout; only the overall deadline can stop it.
    policy = RetryPolicy(max_attempts=2, base_delay=0.01, read_timeout=1.0, deadline=0.5)
    with LocalServer(drip) as server:
        with pytest.raises(RequestFailed) as caught:
            JsonHttp(policy, source="DVC").request("GET", f"{server.url}/api/v1/ho-so")
    assert f"DVC: GET {server.url}/api/v1/ho-so failed after 2 attempts" in str(caught.value)
    assert "no whole answer within the deadline of 0.5 s" in str(caught.value)


class LargeBodyServer(LocalServer):
    """Sends a JSON body of about 1 MiB, announced or not (then delimited by closing the connection)."""

    def __init__(self, announce: bool):
        self.requests = 0
        self.announce = announce
        super().__init__(self._answer)

    def _answer(self, handler):
        self.requests += 1
        body = b'{"data": "' + b"x" * 2**20 + b'"}'
        if self.announce:
            send(handler, 200, body, {"Content-Type": "application/json"})
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        handler.close_connection = True
        try:
            handler.wfile.write(body)
        except OSError:  # the client stopped reading at its cap
            pass


@pytest.mark.parametrize("announce", [True, False])
def test_a_body_over_the_cap_fails_at_once_naming_the_request_and_the_cap(announce):
    policy = RetryPolicy(base_delay=0.01, max_body_bytes=64 * 2**10)
    with LargeBodyServer(announce) as server:
        http = JsonHttp(policy, source="E-CABINET", url_setting="PARINDEX_ECABINET_URL")
        with pytest.raises(BodyTooLarge) as caught:
            http.request("GET", f"{server.url}/api/cuoc-hop", params={"limit": 200})
        assert server.requests == 1
    message = str(caught.value)
    assert f"E-CABINET: GET {server.url}/api/cuoc-hop?limit=200" in message
    assert "over the cap of 0.0625 MiB per answer" in message
    assert ("announces 1,048,588 bytes" if announce else "sent more than 65,536 bytes") in message


def test_a_body_under_the_cap_is_read_whole():
    policy = RetryPolicy(max_body_bytes=2 * 2**20)
    with LargeBodyServer(announce=False) as server:
        assert len(JsonHttp(policy).request("GET", server.url)["data"]) == 2**20


def error_of_constant_answer(status: int, body: bytes, content_type: str, source: str, error: type):
    """The `error` a request from `source` ends with when the server always sends the same answer."""

    def answer(handler):
        send(handler, status, body, {"Content-Type": content_type})

    with LocalServer(answer) as server:
        with pytest.raises(error) as caught:
            JsonHttp(FAST, source=source, url_setting=f"PARINDEX_{source}_URL").request("GET", server.url)
    return caught.value


def test_an_html_page_is_named_with_the_variable_to_check():
    error = error_of_constant_answer(200, HTML, "text/html; charset=utf-8", "DVC", RequestFailed)
    assert str(error).endswith(
        "failed after 5 attempts; last error: "
        "answered HTML, not JSON: is PARINDEX_DVC_URL the API's base address?"
    )


def test_an_html_error_page_is_named_with_the_variable_to_check():
    error = error_of_constant_answer(404, HTML, "text/html", "QLVB", HttpStatusError)
    assert error.status == 404
    assert "(answered HTML, not JSON: is PARINDEX_QLVB_URL the API's base address?)" in str(error)


def test_a_body_that_stays_invalid_json_is_named_with_the_variable_to_check():
    error = error_of_constant_answer(200, b'{"data": [1, 2', "application/json", "QLVB", RequestFailed)
    message = str(error)
    assert "failed after 5 attempts; last error: body is not JSON (" in message
    assert message.endswith("): is PARINDEX_QLVB_URL the API's base address?")


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        # Another scheme or port is another host: credentials stay with scheme, host and port together.
        ("https://127.0.0.1:{port}/x", "another host, https://127.0.0.1:{port}/x"),
        ("http://127.0.0.1:99999/x", "another host, http://127.0.0.1:99999/x"),
        ("//127.0.0.1:{port}/x", "http://127.0.0.1:{port}/x"),
        # What the server put in the target besides the address is not repeated.
        ("http://user:pw@127.0.0.1:{port}/x?token=abc", "http://127.0.0.1:{port}/x"),
    ],
)
def test_the_redirect_target_is_named_by_its_address_alone(location, shown):
    def answer(handler):
        port = handler.server.server_port
        send(handler, 307, b"", {"Location": location.format(port=port)})

    with LocalServer(answer) as server:
        with pytest.raises(RedirectRefused) as caught:
            JsonHttp(FAST).request("POST", f"{server.url}/token", data={"client_secret": "s"})
        port = server.server.server_port
    assert f"a redirect to {shown.format(port=port)};" in str(caught.value)


def stall_mid_body(handler):
    """Sends 10 of 20 announced bytes, then nothing for 1.5 s."""
    handler.send_response(200)
    handler.send_header("Content-Length", "20")
    handler.end_headers()
    handler.wfile.write(b'{"ok": tru')
    handler.wfile.flush()
    time.sleep(1.5)
    try:
        handler.wfile.write(b"e}".rjust(10))
    except OSError:  # the client gave up
        pass


@pytest.mark.parametrize(
    ("read_timeout", "deadline", "error"),
    [
        # The stall outlasts what is left of the deadline: that read waits no longer than the deadline.
        (5.0, 0.5, "no whole answer within the deadline of 0.5 s (10 bytes read;"),
        # The stall outlasts the read timeout long before the deadline.
        (0.3, 60.0, "read timeout after 10 bytes of the body"),
    ],
)
def test_a_stall_in_the_body_is_named_by_the_limit_it_hit(read_timeout, deadline, error):
    policy = RetryPolicy(max_attempts=1, read_timeout=read_timeout, deadline=deadline)
    with LocalServer(stall_mid_body) as server:
        with pytest.raises(RequestFailed) as caught:
            JsonHttp(policy).request("GET", server.url)
    assert f"failed after 1 attempts; last error: {error}" in str(caught.value)


def test_the_body_of_a_retried_status_is_not_read():
    """A 503 announcing 64 MiB: the client closes it unread and asks again, so the server could hand over
    no more than the sockets' buffers (a few MiB on any system) before its writes failed."""
    body = b"x" * 2**20
    answered, written, done = [], [], threading.Event()

    def answer(handler):
        answered.append(handler.path)
        if len(answered) > 1:
            send(handler, 200, BODY, {"Content-Type": "application/json"})
            return
        handler.send_response(503)
        handler.send_header("Content-Length", str(64 * len(body)))
        handler.end_headers()
        try:
            for _ in range(64):
                handler.wfile.write(body)
                written.append(len(body))
        except OSError:  # the client closed the connection
            pass
        done.set()

    with LocalServer(answer) as server:
        assert JsonHttp(FAST).request("GET", server.url) == {"ok": True}
        assert done.wait(30)
    assert len(answered) == 2
    assert sum(written) < 16 * len(body)
