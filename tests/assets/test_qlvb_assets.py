"""The QLVB loading steps as the assets run them: the edXML folder with its processed-file registry,
re-evaluation of held register entries."""

from datetime import datetime

import pytest

from assets.landing import EngineWarehouse
from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.privacy import Privacy
from etl.qlvb.context import QlvbContext
from etl.qlvb.entities import PRIVACY, document_spec
from etl.qlvb.extract import QlvbExtractor
from etl.qlvb.normalise import normalise_documents
from etl.qlvb.source import QlvbDocumentsSource
from etl.source import RunSettings, recheck_held, run_extraction
from tests.assets.folder_runs import load_edxml_folder
from tests.etl.qlvb_fixtures.records import example, package
from tests.warehouse.conftest import rows
from warehouse.landing import land_batch

KEY = b"assets-test-key"
OFFICE = [("H35.01", "000.00.01.H35"), ("H35.01.01", "000.01.01.H35")]
WITH_COMMUNE = [*OFFICE, ("H35.51", "000.00.51.H35")]
DOC = "000.00.02.H35,2025/03/30,900/SNV-CCHC"


def context(agencies) -> QlvbContext:
    return QlvbContext(KEY, AgencyResolver(agencies), CodeMappings.load("qlvb"))


def reevaluate_documents(engine, context: QlvbContext, batch_id: str, now: datetime) -> int:
    """The documents asset's re-check of held entries (the extractor's client is never asked)."""
    return recheck_held(
        QlvbDocumentsSource(QlvbExtractor(None, context)), EngineWarehouse(engine), batch_id, now
    )


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "edxml"
    path.mkdir()
    return path


def _open(engine, entity):
    return rows(
        engine,
        "SELECT reason_code, released_at IS NULL FROM quarantine.rejected_record WHERE entity = :entity"
        " ORDER BY reason_code",
        entity=entity,
    )


def test_packages_are_read_once_and_a_file_for_an_unknown_agency_until_it_loads(engine, folder):
    (folder / "a.edxml").write_bytes(package(DOC, "H35.01"))
    (folder / "b.edxml").write_bytes(package("000.00.02.H35,2025/03/30,901/SNV-CCHC", "000.00.51.H35"))
    (folder / "c.edxml.part").write_bytes(b"<half")

    first = load_edxml_folder(engine, folder, context(OFFICE), "run1")
    again = load_edxml_folder(engine, folder, context(OFFICE), "run2")
    known = load_edxml_folder(engine, folder, context(WITH_COMMUNE), "run3")

    assert (first["files_read"], first["files_loaded"]) == (2, 1)
    assert (again["files_read"], again["files_loaded"]) == (1, 0)  # only b, held for its agency
    assert (known["files_read"], known["files_loaded"], known["released"]) == (1, 1, 1)
    assert rows(engine, "SELECT file_name, status FROM staging.processed_file ORDER BY file_name") == [
        ("a.edxml", "loaded"),
        ("b.edxml", "loaded"),
    ]
    assert rows(engine, "SELECT agency_code FROM staging.stg_qlvb__edxml_package ORDER BY 1") == [
        ("H35.01",),
        ("H35.51",),
    ]
    assert _open(engine, "edxml") == [("unknown_agency", False)]
    # A full refresh reads both packages again; the staging rows stay one per package.
    full = load_edxml_folder(engine, folder, context(WITH_COMMUNE), "run4", full_refresh=True)
    assert (full["files_read"], full["files_loaded"]) == (2, 2)
    assert rows(engine, "SELECT count(*) FROM staging.stg_qlvb__edxml_package") == [(2,)]


def test_held_entries_load_when_their_agency_arrives_and_bad_entries_stay_held(engine):
    record = example(MaDonViQuanLy="000.00.51.H35")
    record["XuLy"].append({"MaDonVi": "H35.01.01", "VaiTro": "phối hợp", "TrangThai": "13"})
    record = Privacy(KEY).apply(record, PRIVACY)
    batch = normalise_documents([record], document_spec(context(OFFICE)))
    land_batch(
        engine, "b1", batch.raw["_version"][0].as_py(), "qlvb", "documents", *batch[2:5], batch.children
    )
    assert _open(engine, "documents") == [("unknown_agency", True)]

    released = reevaluate_documents(engine, context(WITH_COMMUNE), "b2", batch.raw["_version"][0].as_py())

    assert released == 1
    assert rows(engine, "SELECT agency_code, handling_count FROM staging.stg_qlvb__document") == [
        ("H35.51", 1)
    ]
    # The document's unknown handling status (Q7) is quarantined alone and stays open.
    assert _open(engine, "documents") == [("unknown_agency", False), ("unknown_code", True)]
    assert reevaluate_documents(engine, context(WITH_COMMUNE), "b3", batch.raw["_version"][0].as_py()) == 0


class _ServedDirections:
    """An extractor serving one prepared batch per direction, with nothing held and no cursor moved."""

    def __init__(self, batches: dict):
        self.context = context(OFFICE)
        self.batches = batches
        self.new_watermark = None
        self.drift_counts = {}
        self.restarts = 0

    def extract(self, direction, watermark, start):
        yield self.batches[direction]


def test_the_two_directions_land_their_documents_under_batch_ids_of_their_own(engine):
    spec = document_spec(context(OFFICE))

    def batch(direction: str, document_id: str):
        record = example(direction=direction, DocumentId=document_id)
        return normalise_documents([Privacy(KEY).apply(record, PRIVACY)], spec)

    served = {"den": batch("den", DOC), "di": batch("di", "000.00.01.H35,2025/03/31,7/VP-TH")}
    run = RunSettings("run1", datetime(2025, 1, 1), False, lambda: datetime(2025, 4, 1))
    report = run_extraction(QlvbDocumentsSource(_ServedDirections(served)), EngineWarehouse(engine), run)
    assert (report.received, report.staged) == (2, 2)
    # Landing a batch id again replaces its raw rows: one label for both would have lost the first.
    assert rows(engine, "SELECT _batch_id, COUNT(*) FROM raw.qlvb__documents GROUP BY 1 ORDER BY 1") == [
        ("run1-den-1", 1),
        ("run1-di-1", 1),
    ]
    assert rows(engine, "SELECT COUNT(*) FROM staging.stg_qlvb__document") == [(2,)]
