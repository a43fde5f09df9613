"""Token handling of the DVC client (sources.md §2.1) with the HTTP layer replaced by a recorder."""

from datetime import datetime

import pytest

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.dvc.client import CredentialsRefused, DvcClient
from etl.dvc.context import DvcContext, ProcedureCodes
from etl.dvc.extract import DvcExtractor
from etl.http import HttpStatusError, RequestFailed, RetryableError, RetryPolicy
from etl.settings import DvcSettings, MissingSetting

SETTINGS = DvcSettings(url="http://sim.test/prefix/dvc/", client_id="id", client_secret="s3cret")
ENVELOPE = {"error_code": "0", "message": "Thành công", "page": 1, "pageSize": 1, "total": 0, "data": []}


class RecordingHttp:
    """Answers the token endpoint with numbered tokens and the API from a script of outcomes."""

    def __init__(self, api_outcomes=()):
        self.calls = []
        self.tokens = 0
        self.api_outcomes = list(api_outcomes)

    def request(self, method, url, *, params=None, data=None, headers=None, check=None):
        if url.endswith("/oauth2/token"):
            self.calls.append(("token", url, data))
            self.tokens += 1
            return {"access_token": f"t{self.tokens}", "token_type": "Bearer", "expires_in": 300}
        sent = headers()["Authorization"]
        self.calls.append(("api", url, sent))
        outcome = self.api_outcomes.pop(0) if self.api_outcomes else "ok"
        if outcome == 401:
            raise HttpStatusError(f"GET {url}", 401, b"{}")
        check(ENVELOPE)
        return ENVELOPE


def client(clock, http) -> DvcClient:
    c = DvcClient(SETTINGS, clock=lambda: clock[0])
    c.http = http
    return c


def test_paths_keep_the_base_url_prefix_and_credentials_go_in_the_form():
    http = RecordingHttp()
    locator, _ = client([0.0], http).get("ho-so", {"page": 1, "pageSize": 1000})
    assert http.calls[0] == (
        "token",
        "http://sim.test/prefix/dvc/oauth2/token",
        {"grant_type": "client_credentials", "client_id": "id", "client_secret": "s3cret"},
    )
    assert http.calls[1] == ("api", "http://sim.test/prefix/dvc/api/v1/ho-so", "Bearer t1")
    assert locator == "http://sim.test/prefix/dvc/api/v1/ho-so?page=1&pageSize=1000"


def test_token_is_reused_until_less_than_30_seconds_remain():
    clock = [0.0]
    http = RecordingHttp()
    dvc = client(clock, http)
    dvc.get("ho-so", {})
    clock[0] = 269.0  # 31 s left of 300: reused
    dvc.get("ho-so", {})
    clock[0] = 271.0  # 29 s left: renewed
    dvc.get("ho-so", {})
    assert [c[2] for c in http.calls if c[0] == "api"] == ["Bearer t1", "Bearer t1", "Bearer t2"]
    assert http.tokens == 2


def test_a_401_renews_the_token_and_retries_once():
    http = RecordingHttp([401, "ok"])
    client([0.0], http).get("ho-so", {})
    assert [c[2] for c in http.calls if c[0] == "api"] == ["Bearer t1", "Bearer t2"]


def test_a_second_401_fails_naming_the_credential_variables():
    http = RecordingHttp([401, 401])
    with pytest.raises(CredentialsRefused, match="PARINDEX_DVC_CLIENT_ID and PARINDEX_DVC_CLIENT_SECRET"):
        client([0.0], http).get("ho-so", {})
    assert http.tokens == 2


class RefusingTokenEndpoint:
    """The token endpoint answers 401 invalid_client (sources.md §2.1) to every request."""

    def request(self, method, url, *, params=None, data=None, headers=None, check=None):
        if url.endswith("/oauth2/token"):
            raise HttpStatusError(f"{method} {url}", 401, b'{"error": "invalid_client"}')
        headers()
        raise AssertionError("no API request without a token")


def test_a_refused_client_fails_naming_the_request_the_status_and_the_variables():
    # Before: the refusal escaped the 401 handler of get() with an empty token list (IndexError).
    with pytest.raises(CredentialsRefused) as refused:
        client([0.0], RefusingTokenEndpoint()).get("ho-so", {})
    message = str(refused.value)
    assert "POST http://sim.test/prefix/dvc/oauth2/token answered HTTP 401" in message
    assert "invalid_client" in message and "PARINDEX_DVC_CLIENT_SECRET" in message
    assert "s3cret" not in message


def test_a_soft_error_is_retryable():
    from etl.dvc.client import _check_envelope

    with pytest.raises(RetryableError):
        _check_envelope({"error_code": "500", "message": "Lỗi hệ thống"})
    _check_envelope(ENVELOPE)


def test_settings_from_environment_never_show_the_secret():
    env = {
        "PARINDEX_DVC_URL": "http://h/dvc",
        "PARINDEX_DVC_CLIENT_ID": "id",
        "PARINDEX_DVC_CLIENT_SECRET": "s3cret",
    }
    settings = DvcSettings.from_env(env)
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert "s3cret" not in repr(settings)
    with pytest.raises(MissingSetting, match="PARINDEX_DVC_CLIENT_SECRET"):
        DvcSettings.from_env({**env, "PARINDEX_DVC_CLIENT_SECRET": ""})


def test_unreachable_server_fails_naming_the_request():
    settings = DvcSettings(url="http://127.0.0.1:9/dvc", client_id="id", client_secret="s3cret-value")
    client = DvcClient(settings, RetryPolicy(base_delay=0.01, max_delay=0.01, connect_timeout=0.2))
    context = DvcContext(b"k", AgencyResolver(), ProcedureCodes(), CodeMappings.load("dvc"))
    extractor = DvcExtractor(client, context)
    failure = r"POST http://127\.0\.0\.1:9/dvc/oauth2/token failed after 5 attempts"
    with pytest.raises(RequestFailed, match=failure) as caught:
        list(extractor.extract("ho-so", None, datetime(2024, 12, 1)))
    assert "s3cret-value" not in str(caught.value)
    assert extractor.new_watermark is None
