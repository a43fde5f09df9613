"""No credential leaves for another host: each source's client against a source that redirects to a
second server on another port, which records whatever reaches it (issue 10, sources.md §2.1, §3.1, §4.1)."""

import base64

import pytest
import requests

from etl.dvc.client import DvcClient
from etl.ecabinet.client import EcabinetClient
from etl.ecabinet.settings import EcabinetSettings
from etl.http import RedirectRefused, RetryPolicy
from etl.qlvb.client import QlvbClient, QlvbSettings
from etl.settings import DvcSettings
from tests.etl.local_http import LocalServer, send

POLICY = RetryPolicy(base_delay=0.01, max_delay=0.01, connect_timeout=1.0, read_timeout=1.0)
SECRET = "s3cret-client-secret"
API_KEY = "qlvb-key-4f1c"
PASSWORD = "ecabinet-pass-9d2e"
TOKEN = "token-from-the-source"


class Recorder(LocalServer):
    """The other host: records each request (method, path, headers, body) and answers a valid page of
    every source, so that a client that followed the redirect would go on as if nothing happened."""

    def __init__(self):
        self.received: list[str] = []
        super().__init__(self._answer)

    def _answer(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode("latin-1")
        self.received.append(f"{handler.command} {handler.path}\n{handler.headers}\n{body}")
        page = b'{"error_code": "0", "total": 0, "data": [], "items": [], "nextCursor": null}'
        send(handler, 200, page, {"Content-Type": "application/json"})


def redirecting(target: str, status: int, token_too: bool):
    """A source that redirects to ``target`` (same path and query); when ``token_too`` is false it
    issues DVC tokens itself and redirects the data requests only."""

    def answer(handler):
        if not token_too and handler.path.endswith("/oauth2/token"):
            handler.rfile.read(int(handler.headers["Content-Length"]))
            send(handler, 200, b'{"access_token": "%s", "expires_in": 300}' % TOKEN.encode())
            return
        send(handler, status, b"", {"Location": f"{target}{handler.path}"})

    return answer


def test_the_recorder_sees_what_a_client_that_follows_redirects_would_leak():
    # The test's own premise: requests, left to follow a 307, re-posts the form with the secret.
    with Recorder() as other, LocalServer(redirecting(other.url, 307, token_too=True)) as source:
        requests.post(f"{source.url}/dvc/oauth2/token", data={"client_secret": SECRET}, timeout=2)
    assert SECRET in "".join(other.received)


@pytest.mark.parametrize(("status", "token_too"), [(307, True), (308, True), (302, False), (307, False)])
def test_dvc_never_sends_its_secret_or_token_to_another_host(status, token_too):
    with Recorder() as other, LocalServer(redirecting(other.url, status, token_too)) as source:
        client = DvcClient(DvcSettings(f"{source.url}/dvc", "client-id", SECRET), POLICY)
        try:
            with pytest.raises(RedirectRefused) as caught:
                client.get("ho-so", {"page": 1, "pageSize": 1000})
        finally:
            client.close()
        assert other.received == []  # no request at all: no secret, key or Authorization
    request = "POST {0}/dvc/oauth2/token" if token_too else "GET {0}/dvc/api/v1/ho-so?page=1&pageSize=1000"
    message = str(caught.value)
    assert message.startswith(f"DVC: {request.format(source.url)} answered HTTP {status}")
    target = "oauth2/token" if token_too else "api/v1/ho-so"
    assert f"a redirect to another host, {other.url}/dvc/{target};" in message
    assert "PARINDEX_DVC_URL" in message
    assert SECRET not in message and TOKEN not in message


def test_qlvb_never_sends_its_api_key_to_another_host():
    with Recorder() as other, LocalServer(redirecting(other.url, 302, token_too=True)) as source:
        client = QlvbClient(QlvbSettings(f"{source.url}/qlvb", API_KEY), POLICY)
        try:
            with pytest.raises(RedirectRefused) as caught:
                client.documents("den", None, None)
        finally:
            client.close()
        assert other.received == []  # no request at all: no secret, key or Authorization
    message = str(caught.value)
    assert message.startswith(f"QLVB: GET {source.url}/qlvb/api/documents?direction=den&limit=500 answered")
    assert f"another host, {other.url}/qlvb/api/documents;" in message
    assert API_KEY not in message


@pytest.mark.parametrize("status", [302, 307])
def test_ecabinet_never_sends_its_basic_credentials_to_another_host(status):
    basic = base64.b64encode(f"thu-ky:{PASSWORD}".encode()).decode()
    with Recorder() as other, LocalServer(redirecting(other.url, status, token_too=True)) as source:
        client = EcabinetClient(EcabinetSettings(f"{source.url}/ecabinet", "thu-ky", PASSWORD), POLICY)
        try:
            with pytest.raises(RedirectRefused) as caught:
                client.list("cuoc-hop", {"offset": 0, "limit": 200})
            with pytest.raises(RedirectRefused):
                client.meeting("CH-2025-001")
        finally:
            client.close()
        assert other.received == []  # no request at all: no secret, key or Authorization
    message = str(caught.value)
    assert f"E-CABINET: GET {source.url}/ecabinet/api/cuoc-hop?offset=0&limit=200" in message
    assert f"another host, {other.url}/ecabinet/api/cuoc-hop;" in message
    assert PASSWORD not in message and basic not in message
