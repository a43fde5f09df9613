"""The E-CABINET extractor's own logic (details of new versions, detail_missing, watermark) with the client
replaced by a stub that serves a fixed list; HTTP behaviour is tested against the simulator."""

import base64
from datetime import datetime

import pytest

from etl.ecabinet.client import EcabinetClient
from etl.ecabinet.extract import EcabinetExtractor
from etl.ecabinet.settings import EcabinetSettings, configured_owner, owner_code
from etl.http import HttpStatusError
from etl.settings import MissingSetting
from etl.timeparse import parse_iso_datetime
from tests.etl.ecabinet_fixtures import MEETING_DETAIL, MEETING_LIST, context, variant

NOW = datetime(2025, 12, 1, 12, 0)
START = datetime(2025, 10, 1)


class StubClient:
    """Serves ``records`` (sorted by version and ``ma``) to list requests; details from ``details``, where a
    list of outcomes per code is consumed one per request (None answers 404)."""

    def __init__(self, records, details):
        self.records = records
        self.details = {code: list(outcomes) for code, outcomes in details.items()}
        self.detail_calls: list[str] = []

    def list(self, resource, params):
        tz = context().timezone
        low = parse_iso_datetime(params["updatedSince"], tz)
        high = parse_iso_datetime(params["updatedUntil"], tz)
        selected = [r for r in self.records if low <= parse_iso_datetime(r["thoiGianCapNhat"], tz) <= high]
        page = selected[params["offset"] : params["offset"] + params["limit"]]
        return f"stub/{resource}", {"items": page, "offset": params["offset"], "total": len(selected)}

    def meeting(self, code):
        self.detail_calls.append(code)
        return f"stub/cuoc-hop/{code}", self.details[code].pop(0)


def _meetings(n):
    """n meetings, a minute apart, each with its detail."""
    listed = [
        variant(MEETING_LIST, ma=f"CH-{i}", thoiGianCapNhat=f"2025-11-0{i}T08:00:00.000+07:00")
        for i in range(1, n + 1)
    ]
    details = {r["ma"]: {**MEETING_DETAIL, **r} for r in listed}
    return listed, details


def _run(client, known=None):
    extractor = EcabinetExtractor(client, context(), known, page_size=2, now=lambda: NOW)
    batches = list(extractor.extract("cuoc-hop", None, START))
    return extractor, batches


def test_details_are_fetched_for_new_versions_only_and_complete_rows_are_not_restaged():
    listed, details = _meetings(3)
    client = StubClient(listed, {code: [d] for code, d in details.items()})
    known = {"CH-2": datetime(2025, 11, 2, 8, 0)}

    extractor, batches = _run(client, known)

    assert sorted(client.detail_calls) == ["CH-1", "CH-3"]
    rows = [row for b in batches for row in b.rows.to_pylist()]
    assert sorted(r["meeting_code"] for r in rows) == ["CH-1", "CH-3"]
    assert all(r["detail_fetched"] for r in rows)
    # Raw keeps every record received, the known meeting's list record included.
    assert sum(b.raw.num_rows for b in batches) == 3
    assert extractor.new_watermark == NOW
    assert extractor.missing_details == []


def test_a_missing_detail_is_retried_once_after_the_list_pass():
    listed, details = _meetings(2)
    client = StubClient(listed, {"CH-1": [None, details["CH-1"]], "CH-2": [details["CH-2"]]})

    extractor, batches = _run(client)

    assert client.detail_calls == ["CH-1", "CH-2", "CH-1"]
    # The held-back meeting comes in a last batch of its own, with its detail.
    assert batches[-1].rows.column("meeting_code").to_pylist() == ["CH-1"]
    rows = [row for b in batches for row in b.rows.to_pylist()]
    assert sorted((r["meeting_code"], r["detail_fetched"]) for r in rows) == [("CH-1", True), ("CH-2", True)]
    assert extractor.missing_details == []


def test_a_detail_missing_twice_keeps_the_list_record_and_the_run_succeeds():
    listed, details = _meetings(1)
    client = StubClient(listed, {"CH-1": [None, None]})

    extractor, batches = _run(client)

    rows = [row for b in batches for row in b.rows.to_pylist()]
    assert [(r["meeting_code"], r["detail_fetched"], r["is_paperless"]) for r in rows] == [
        ("CH-1", False, True)
    ]
    assert extractor.missing_details == ["CH-1"]
    assert extractor.new_watermark == NOW


def test_the_client_sends_basic_credentials_and_reads_a_404_detail_as_missing():
    settings = EcabinetSettings(url="http://sim.test/prefix/ecabinet/", user="u", password="p@ss")
    client = EcabinetClient(settings)
    sent = []

    def request(method, url, *, params=None, headers=None, check=None, data=None):
        sent.append((url, params, headers))
        raise HttpStatusError(f"{method} {url}", 404, b"{}")

    client.http.request = request
    assert client.meeting("CH 1") == ("http://sim.test/prefix/ecabinet/api/cuoc-hop/CH%201", None)
    assert sent[0][2] == {"Authorization": "Basic " + base64.b64encode(b"u:p@ss").decode()}


def test_the_owner_comes_from_the_environment_else_from_the_deployment_file(tmp_path):
    assert configured_owner() == "H35.01"
    assert owner_code({}) == "H35.01"
    assert owner_code({"PARINDEX_ECABINET_OWNER": " H35.02 "}) == "H35.02"
    empty = tmp_path / "deployment.yaml"
    empty.write_text("other: 1\n", encoding="utf-8")
    with pytest.raises(MissingSetting, match="PARINDEX_ECABINET_OWNER"):
        owner_code({}, empty)


def test_settings_name_the_missing_variable_never_a_value():
    with pytest.raises(MissingSetting, match="PARINDEX_ECABINET_PASSWORD"):
        EcabinetSettings.from_env({"PARINDEX_ECABINET_URL": "http://x", "PARINDEX_ECABINET_USER": "u"})
    settings = EcabinetSettings(url="http://x", user="u", password="secret-value")
    assert "secret-value" not in repr(settings)
