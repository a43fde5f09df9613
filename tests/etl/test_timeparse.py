from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from etl.timeparse import (
    TimeFormatError,
    format_dvc_datetime,
    local_timezone,
    parse_dvc_date,
    parse_dvc_datetime,
    parse_iso_date,
    parse_iso_datetime,
    parse_slash_date,
    parse_slash_datetime,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_dvc_datetime_is_local_and_naive():
    assert parse_dvc_datetime("20250314091530") == datetime(2025, 3, 14, 9, 15, 30)
    assert parse_dvc_datetime(" 20250314091530 ") == datetime(2025, 3, 14, 9, 15, 30)
    assert format_dvc_datetime(datetime(2025, 3, 14, 9, 15, 30)) == "20250314091530"


@pytest.mark.parametrize("absent", [None, "", "   ", "00010101000000"])
def test_absent_forms_are_none(absent):
    assert parse_dvc_datetime(absent) is None


def test_dvc_date_and_minvalue_date():
    assert parse_dvc_date("20250430") == date(2025, 4, 30)
    assert parse_dvc_date("00010101") is None


@pytest.mark.parametrize("bad", ["2025-03-14 09:15:30", "20250314", "20251314091530", "2025031409153x", True])
def test_bad_dvc_datetimes_raise(bad):
    with pytest.raises(TimeFormatError):
        parse_dvc_datetime(bad)


def test_iso_with_offset_z_and_without():
    # +07:00 is local already; Z is 7 hours behind local; +09:00 is 2 hours ahead of local.
    assert parse_iso_datetime("2025-10-20T15:42:10.120+07:00", HCM) == datetime(
        2025, 10, 20, 15, 42, 10, 120000
    )
    assert parse_iso_datetime("2025-10-20T08:42:10Z", HCM) == datetime(2025, 10, 20, 15, 42, 10)
    assert parse_iso_datetime("2025-10-20T17:42:10+09:00", HCM) == datetime(2025, 10, 20, 15, 42, 10)
    # Q16: no offset means local time.
    assert parse_iso_datetime("2025-10-20T15:42:10", HCM) == datetime(2025, 10, 20, 15, 42, 10)
    # Crossing midnight: 2025-12-31T20:00Z is 2026-01-01 03:00 local.
    assert parse_iso_datetime("2025-12-31T20:00:00Z", HCM) == datetime(2026, 1, 1, 3, 0)
    assert parse_iso_datetime("", HCM) is None
    with pytest.raises(TimeFormatError):
        parse_iso_datetime("2025-10-20", HCM)


def test_other_date_formats():
    assert parse_iso_date("2025-10-27") == date(2025, 10, 27)
    assert parse_slash_date("2025/10/24") == date(2025, 10, 24)
    assert parse_slash_datetime("2025/10/20 15:42:10") == datetime(2025, 10, 20, 15, 42, 10)
    with pytest.raises(TimeFormatError):
        parse_slash_date("24/10/2025")
    with pytest.raises(TimeFormatError):
        parse_iso_date("2025-02-30")


def test_timezone_comes_from_the_environment():
    assert local_timezone({}) == HCM
    assert local_timezone({"PARINDEX_TIMEZONE": "Asia/Bangkok"}) == ZoneInfo("Asia/Bangkok")
