import json
from datetime import datetime

import pytest

from tests.warehouse.batches import land
from tests.warehouse.conftest import rows, scalar
from warehouse import dialect
from warehouse.reference import load_agency_config

JAN1, JAN2, JAN3 = datetime(2025, 1, 1), datetime(2025, 1, 2), datetime(2025, 1, 3)


def apology(key: str, version: datetime, status: str) -> dict:
    return {
        "apology_id": key,
        "dossier_code": "D-1",
        "kind": "Xin lỗi",
        "status": status,
        "updated_at": version,
    }


def staging_apologies(engine):
    return rows(
        engine, "SELECT _key, status, _version, _batch_id FROM staging.stg_dvc__apology ORDER BY _key"
    )


def quarantined(engine):
    return rows(
        engine,
        "SELECT record_key, reason_code, record_version, locator, record, agency_code"
        " FROM quarantine.rejected_record ORDER BY record_key, reason_code",
    )


def test_latest_version_wins_against_staging(engine):
    first = [
        apology("older", JAN2, "Chờ xử lý"),
        apology("equal-same", JAN2, "Chờ xử lý"),
        apology("equal-different", JAN2, "Chờ xử lý"),
        apology("newer", JAN2, "Chờ xử lý"),
    ]
    land(engine, "phieu-xin-loi", first, "batch-1", extracted_at=datetime(2025, 1, 5))
    second = [
        apology("older", JAN1, "Từ chối"),  # an older version arrives late: staging keeps JAN2
        apology("equal-same", JAN2, "Chờ xử lý"),  # same version, same content: staging's row stays as is
        apology("equal-different", JAN2, "Đã xử lý"),  # same version, other content: later-fetched wins
        apology("newer", JAN3, "Đã xử lý"),
    ]
    result = land(engine, "phieu-xin-loi", second, "batch-2", extracted_at=datetime(2025, 1, 6))

    assert staging_apologies(engine) == [
        ("equal-different", "Đã xử lý", JAN2, "batch-2"),
        ("equal-same", "Chờ xử lý", JAN2, "batch-1"),
        ("newer", "Đã xử lý", JAN3, "batch-2"),
        ("older", "Chờ xử lý", JAN2, "batch-1"),
    ]
    # Only the replaced equal-version row with other content is quarantined, its record from batch-1's raw.
    [(key, reason, version, locator, record, _)] = quarantined(engine)
    assert (key, reason, version) == ("equal-different", "duplicate_conflict", JAN2)
    assert locator == "/api/v1/phieu-xin-loi?page=1#2"
    assert json.loads(record)["status"] == "Chờ xử lý"
    assert result.staged_rows == 2 and result.quarantined_rows == 1


def test_within_a_batch_the_greatest_version_then_the_later_fetch_wins(engine):
    batch = [
        apology("a", JAN1, "Chờ xử lý"),
        apology("a", JAN2, "Chờ duyệt"),  # greatest version of a
        apology("b", JAN2, "Chờ xử lý"),  # fetched first: loses to the next row, quarantined
        apology("b", JAN2, "Đã xử lý"),
    ]
    land(engine, "phieu-xin-loi", batch)

    assert staging_apologies(engine) == [
        ("a", "Chờ duyệt", JAN2, "batch-1"),
        ("b", "Đã xử lý", JAN2, "batch-1"),
    ]
    assert [(key, reason) for key, reason, *_ in quarantined(engine)] == [("b", "duplicate_conflict")]


def test_relanding_the_same_batch_changes_nothing(engine):
    load_agency_config(
        engine, [{"agency_code": "H35.01", "old_code": "000.00.01.H35", "unit_type": "so-ban-nganh"}]
    )
    batch = [apology("a", JAN1, "Chờ xử lý"), apology("b", JAN2, "Chờ xử lý"), apology("b", JAN2, "Từ chối")]
    bad = {
        "source": "dvc",
        "entity": "phieu-xin-loi",
        "record_key": "c",
        "record_version": JAN1,
        "locator": "/api/v1/phieu-xin-loi?page=1#9",
        "field": "NgayKy",
        "reason_code": "bad_format",
        "detail": "Trường NgayKy sai định dạng yyyyMMddHHmmss",
        "record": json.dumps({"Id": "c", "MaHoSo": "D-1"}),
    }
    land(engine, "phieu-xin-loi", batch, quarantine=[bad])
    before = (
        staging_apologies(engine),
        quarantined(engine),
        scalar(engine, "SELECT COUNT(*) FROM raw.dvc__phieu_xin_loi"),
    )
    again = land(engine, "phieu-xin-loi", batch, quarantine=[bad])
    after = (
        staging_apologies(engine),
        quarantined(engine),
        scalar(engine, "SELECT COUNT(*) FROM raw.dvc__phieu_xin_loi"),
    )

    assert after == before
    assert before[2] == 3  # raw: the batch's three records, not six
    assert again.quarantined_rows == 0


def test_quarantined_records_get_their_agency_when_it_can_be_found(engine):
    load_agency_config(
        engine, [{"agency_code": "H35.01", "old_code": "000.00.01.H35", "unit_type": "so-ban-nganh"}]
    )

    def rejected(key, agency):
        return {
            "source": "dvc",
            "entity": "ho-so",
            "record_key": key,
            "record_version": JAN1,
            "locator": f"/api/v1/ho-so?page=1#{key}",
            "field": "NgayKetThucXuLy",
            "reason_code": "date_order",
            "detail": "Trường NgayKetThucXuLy trước NgayTiepNhan",
            "record": json.dumps({"MaHoSo": key, "MaDonViXuLy": agency}),
        }

    land(engine, "ho-so", [], quarantine=[rejected("D-1", " 000.00.01.H35 "), rejected("D-2", "H35.99")])

    # the old-format code maps through the configuration; a code nobody knows stays null
    assert [(key, agency) for key, *_, agency in quarantined(engine)] == [("D-1", "H35.01"), ("D-2", None)]
    # a later batch rejecting the same record for the same reason adds nothing
    assert (
        land(engine, "ho-so", [], "batch-2", quarantine=[rejected("D-1", " 000.00.01.H35 ")]).quarantined_rows
        == 0
    )


def test_a_quarantined_apology_gets_the_agency_of_its_dossier(engine):
    land(engine, "ho-so", [{"dossier_code": "D-1", "agency_code": "H35.51", "status": 4, "updated_at": JAN1}])
    slip = {
        "source": "dvc",
        "entity": "phieu-xin-loi",
        "record_key": "A-1",
        "record_version": JAN2,
        "locator": "/api/v1/phieu-xin-loi?page=1#0",
        "field": "TrangThai",
        "reason_code": "unknown_code",
        "detail": "Trường TrangThai có mã không xác định",
        "record": json.dumps({"Id": "A-1", "MaHoSo": "D-1"}),
    }
    land(engine, "phieu-xin-loi", [], quarantine=[slip])

    assert [(key, agency) for key, *_, agency in quarantined(engine)] == [("A-1", "H35.51")]


def test_staging_lookups_turn_hash_and_merge_joins_off_on_postgresql_for_their_block_only(engine):
    """The merge finds staging rows through the primary key only because PostgreSQL may not hash or merge
    within `keyed_lookups`; both are on by default (PostgreSQL's documented defaults) and again after it."""
    if dialect.is_duckdb(engine):
        pytest.skip("DuckDB has no join-method settings: keyed_lookups leaves its planner alone")

    def join_methods(conn) -> tuple[str, str]:
        return tuple(
            conn.exec_driver_sql(f"SHOW {name}").scalar_one()
            for name in ("enable_hashjoin", "enable_mergejoin")
        )

    with engine.begin() as conn:
        before = join_methods(conn)
        with dialect.keyed_lookups(conn):
            inside = join_methods(conn)
        after = join_methods(conn)
    with engine.connect() as conn:
        next_transaction = join_methods(conn)
    assert (before, inside, after, next_transaction) == (
        ("on", "on"),
        ("off", "off"),
        ("on", "on"),
        ("on", "on"),
    )
