import json
from datetime import datetime

from tests.warehouse.batches import land
from tests.warehouse.conftest import rows
from warehouse.quarantine import open_records, refresh_orphans, release

V1, V2 = datetime(2025, 3, 1, 8, 0), datetime(2025, 3, 2, 8, 0)


def open_orphans(engine):
    return rows(
        engine,
        "SELECT entity, record_key, record_version, field FROM quarantine.rejected_record"
        " WHERE reason_code = 'orphan_reference' AND released_at IS NULL ORDER BY entity, record_key",
    )


def test_orphans_are_quarantined_every_run_and_released_when_the_dossier_arrives(engine):
    land(engine, "phieu-xin-loi", [{"apology_id": "A-1", "dossier_code": "D-1", "updated_at": V1}])
    land(engine, "danh-gia", [{"dossier_code": "D-2", "rating": "HÀI LÒNG", "updated_at": V1}])

    assert refresh_orphans(engine, "run-1") == {"quarantined": 2, "released": 0}
    assert open_orphans(engine) == [("danh-gia", "D-2", V1, "MaHoSo"), ("phieu-xin-loi", "A-1", V1, "MaHoSo")]
    [record] = rows(engine, "SELECT record FROM quarantine.rejected_record WHERE record_key = 'A-1'")
    assert json.loads(record[0])["dossier_code"] == "D-1"  # the record as landed in raw
    assert refresh_orphans(engine, "run-2") == {"quarantined": 0, "released": 0}

    land(
        engine,
        "ho-so",
        [{"dossier_code": "D-1", "agency_code": "H35.01", "status": 4, "updated_at": V1}],
        "b2",
    )
    assert refresh_orphans(engine, "run-3") == {"quarantined": 0, "released": 1}
    assert open_orphans(engine) == [("danh-gia", "D-2", V1, "MaHoSo")]
    assert rows(
        engine, "SELECT released_batch_id FROM quarantine.rejected_record WHERE record_key = 'A-1'"
    ) == [("run-3",)]

    # A newer version of a still-orphaned rating replaces the open row of the older one.
    land(engine, "danh-gia", [{"dossier_code": "D-2", "rating": "RẤT HÀI LÒNG", "updated_at": V2}], "b3")
    assert refresh_orphans(engine, "run-4") == {"quarantined": 1, "released": 1}
    assert open_orphans(engine) == [("danh-gia", "D-2", V2, "MaHoSo")]


def test_open_records_and_release(engine):
    land(engine, "danh-gia", [{"dossier_code": "D-9", "rating": "HÀI LÒNG", "updated_at": V1}])
    refresh_orphans(engine, "run-1")

    [held] = open_records(engine, "dvc", "danh-gia", ["orphan_reference", "unknown_agency"])
    assert (held["record_key"], held["reason_code"], held["batch_id"]) == ("D-9", "orphan_reference", "run-1")
    assert open_records(engine, "dvc", "danh-gia", ["unknown_agency"]) == []

    assert release(engine, [held["fingerprint"], "no-such-fingerprint"], "run-2") == 1
    assert release(engine, [held["fingerprint"]], "run-3") == 0  # already released
    assert open_records(engine, "dvc", "danh-gia", ["orphan_reference"]) == []
