"""edXML header parsing (sources.md §3.8): fields, both roots, and hostile or broken files refused."""

import io
import socket
import threading

import pytest

from etl.qlvb.edxml import PackageRejected, parse_package, read_package
from tests.etl.qlvb_fixtures.records import PACKAGE

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
HEADER = (
    f'<edXMLHeader xmlns="{NS}"><MessageHeader>'
    "<From><OrganId>H35.02</OrganId></From><To><OrganId>H35.01</OrganId></To>"
    "<Code><CodeNumber>7</CodeNumber><CodeNotation>KH-SNV</CodeNotation></Code>"
    "<PromulgationInfo><PromulgationDate>2024/12/20</PromulgationDate></PromulgationInfo>"
    "<DocumentType><TypeName>Kế hoạch</TypeName></DocumentType><Subject>{subject}</Subject>"
    "<DocumentId>H35.02,2024/12/20,7/KH-SNV</DocumentId></MessageHeader></edXMLHeader>"
)


def _parse(text: str) -> dict:
    return parse_package(io.BytesIO(text.encode()))


def _rejected(text: str) -> PackageRejected:
    with pytest.raises(PackageRejected) as caught:
        _parse(text)
    return caught.value


def test_the_header_fields_of_the_fixture_package():
    record = read_package(PACKAGE)

    assert record["From"] == {"OrganId": "000.00.02.H35", "OrganName": "Sở Nội vụ"}
    assert [to["OrganId"] for to in record["To"]] == ["000.00.01.H35", "T99.01"]
    assert (record["CodeNumber"], record["CodeNotation"]) == ("512", "TTR-SNV")
    assert record["DocumentType"] == {"Type": "16", "TypeName": "Tờ trình"}
    assert record["NgayDen"] == "2025/10/20 15:50:00"  # the last TraceHeader
    assert (record["Paper"], record["BussinessDocType"], record["Priority"]) == ("1", "0", "1")
    assert record["CoChuKyEdxml"] is True
    assert record["DocumentId"] == "000.00.02.H35,2025/10/20,512/TTR-SNV"
    assert "UnknownExtension" not in record and "AttachmentEncoded" not in record


def test_a_bare_envelope_with_any_prefix_is_read_and_defaults_apply():
    text = (
        f'<e:edXMLEnvelope xmlns:e="{NS}">'
        + HEADER.format(subject="Kế hoạch cải cách hành chính năm 2025")
        + "</e:edXMLEnvelope>"
    )

    record = _parse(text)

    assert record["Subject"] == "Kế hoạch cải cách hành chính năm 2025"
    # §3.8 defaults: Priority 0, BussinessDocType 0, Paper 0 (điện tử); no signature element: false.
    assert (record["Priority"], record["BussinessDocType"], record["Paper"]) == ("0", "0", "0")
    assert record["CoChuKyEdxml"] is False
    assert "NgayDen" not in record


def test_an_external_entity_pointing_at_a_local_file_is_refused_unread(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    text = (
        f'<?xml version="1.0"?><!DOCTYPE edXMLEnvelope [<!ENTITY leak SYSTEM "file://{secret}">]>'
        f'<edXMLEnvelope xmlns="{NS}">' + HEADER.format(subject="&leak;") + "</edXMLEnvelope>"
    )

    error = _rejected(text)

    assert error.reason == "xml_forbidden"
    assert "TOP-SECRET-MARKER" not in str(error)


def test_an_entity_expansion_bomb_is_refused():
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    text = (
        f"<!DOCTYPE edXMLEnvelope [{entities}]>"
        f'<edXMLEnvelope xmlns="{NS}">' + HEADER.format(subject="&a9;") + "</edXMLEnvelope>"
    )

    assert _rejected(text).reason == "xml_forbidden"


def test_an_external_dtd_is_refused_without_any_connection():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    connections = []

    def accept():
        try:
            connections.append(listener.accept())
        except OSError:
            pass

    watcher = threading.Thread(target=accept)
    watcher.start()
    text = (
        f'<!DOCTYPE edXMLEnvelope SYSTEM "http://127.0.0.1:{port}/evil.dtd">'
        f'<edXMLEnvelope xmlns="{NS}">' + HEADER.format(subject="x") + "</edXMLEnvelope>"
    )
    try:
        error = _rejected(text)
    finally:
        watcher.join()
        listener.close()

    assert error.reason == "xml_forbidden"
    assert connections == []


def test_a_file_truncated_in_its_attachments_is_malformed():
    whole = PACKAGE.read_bytes()
    cut = whole[: whole.index(b"SGVsbG8")]

    with pytest.raises(PackageRejected) as caught:
        parse_package(io.BytesIO(cut))

    assert caught.value.reason == "xml_malformed"


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("PK\x03\x04 not xml at all", "không hợp lệ"),
        (f'<edXMLEnvelope xmlns="{NS}"><edXMLHeader><Status/></edXMLHeader></edXMLEnvelope>', "trạng thái"),
        (f'<Other xmlns="{NS}"/>', "phong bì"),
        ('<edXMLEnvelope xmlns="urn:other"/>', "phong bì"),
    ],
)
def test_non_xml_status_only_and_foreign_packages_are_malformed(text, detail):
    error = _rejected(text)

    assert error.reason == "xml_malformed"
    assert detail in error.detail


def test_a_file_over_the_size_limit_is_not_opened(tmp_path):
    big = tmp_path / "big.edxml"
    big.write_bytes(b"x" * 2048)

    with pytest.raises(PackageRejected) as caught:
        read_package(big, max_bytes=1024)

    assert caught.value.reason == "file_too_large"
