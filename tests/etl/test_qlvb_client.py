"""QLVB settings and client helpers that need no server."""

import pytest

from etl.qlvb.client import QlvbClient, QlvbSettings, error_code
from etl.settings import MissingSetting


def test_settings_come_from_the_environment_and_never_show_the_key():
    settings = QlvbSettings.from_env(
        {"PARINDEX_QLVB_URL": "http://h:1/qlvb/", "PARINDEX_QLVB_API_KEY": "s3cr3t"}
    )

    assert settings.url == "http://h:1/qlvb/"
    assert "s3cr3t" not in repr(settings)
    with pytest.raises(MissingSetting, match="PARINDEX_QLVB_API_KEY"):
        QlvbSettings.from_env({"PARINDEX_QLVB_URL": "http://h:1/qlvb"})


def test_paths_keep_the_base_url_prefix():
    client = QlvbClient(QlvbSettings("http://h:1/prefix/qlvb/", "k"))
    try:
        assert client.url("api/documents") == "http://h:1/prefix/qlvb/api/documents"
    finally:
        client.close()


def test_error_codes_are_read_from_the_error_body():
    assert error_code(b'{"error": {"code": "invalid_cursor", "message": "expired"}}') == "invalid_cursor"
    assert error_code(b"<html>bad gateway</html>") is None
    assert error_code(b'{"error": "flat"}') is None
