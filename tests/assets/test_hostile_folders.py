"""The HR and edXML steps as the assets run them (`load_folder`, `load_edxml_folder`) over folders where good
files lie beside the hostile set of `tests.hostile_files`: the good files land, each hostile one is recorded
and quarantined once with its reason, under its printable name, and the next run reads none of them again."""

import os

import pytest

from assets.automation import WatchedFolder, folders_signature
from tests import hostile_files
from tests.assets.folder_runs import load_edxml_folder, load_folder
from tests.assets.test_hr_assets import AGENCIES
from tests.assets.test_hr_assets import context as hr_context
from tests.assets.test_qlvb_assets import OFFICE
from tests.assets.test_qlvb_assets import context as qlvb_context
from tests.warehouse.conftest import rows
from warehouse.reference import load_agency_config


def _sensor_signature(folder) -> str:
    """The folder as the sensor lists it (every file accepted, none read)."""
    return folders_signature({"drop": WatchedFolder("drop", folder, lambda name: True, 0).listing()})


LOADED = hostile_files.LOADED


@pytest.fixture
def drop(tmp_path):
    # Beside, not around, the warehouse file that the engine fixture keeps in tmp_path.
    path = tmp_path / "drop"
    path.mkdir()
    return path


def _recorded(engine, source: str) -> dict[str, str]:
    """File name → its outcome in the processed-file registry: LOADED or the reason it was quarantined."""
    recorded = rows(
        engine,
        "SELECT file_name, status, reason_code FROM staging.processed_file WHERE source = :source",
        source=source,
    )
    assert all(status == ("loaded" if reason is None else "quarantined") for _, status, reason in recorded)
    return {name: reason or LOADED for name, _, reason in recorded}


def _quarantined(engine, source: str, entity: str) -> dict[str, str]:
    found = rows(
        engine,
        "SELECT locator, reason_code FROM quarantine.rejected_record"
        " WHERE source = :source AND entity = :entity",
        source=source,
        entity=entity,
    )
    assert len(found) == len(dict(found))  # one row per file
    return dict(found)


def test_hostile_hr_files_are_quarantined_once_beside_the_exports_that_load(engine, drop):
    expected = {
        hostile.recorded_name: hostile.expected for hostile in (b(drop) for b in hostile_files.HR_BUILDERS)
    }
    os.mkfifo(drop / "nhansu_H35.01_202405.xlsx")  # never opened: reading it would wait forever
    load_agency_config(engine, AGENCIES)

    first = load_folder(engine, drop, hr_context(), "run1")

    rejected = {name: reason for name, reason in expected.items() if reason != LOADED}
    assert (first["files"], first["files_rejected"]) == (len(expected), len(rejected))
    # The three exports whose data are fine, with the fixture's three people each.
    assert rows(
        engine,
        "SELECT e.file_name, COUNT(*) FROM staging.stg_hr__staff s JOIN staging.stg_hr__export e"
        " ON e._key = s._parent_key GROUP BY e.file_name ORDER BY 1",
    ) == sorted((name, 3) for name, reason in expected.items() if reason == LOADED)
    assert _recorded(engine, "hr") == expected
    assert _quarantined(engine, "hr", "nhansu") == rejected

    assert len(_sensor_signature(drop)) == 64  # the sensor lists the same names without failing on them
    second = load_folder(engine, drop, hr_context(), "run2")
    assert (second["files"], second["raw"], second["quarantined"]) == (0, 0, 0)


def test_hostile_edxml_files_are_quarantined_once_beside_the_packages_that_load(engine, drop):
    expected = {
        hostile.recorded_name: hostile.expected for hostile in (b(drop) for b in hostile_files.EDXML_BUILDERS)
    }
    (drop / "zero.edxml").symlink_to("/dev/zero")  # never followed: it would never end

    first = load_edxml_folder(engine, drop, qlvb_context(OFFICE), "run1")

    rejected = {name: reason for name, reason in expected.items() if reason != LOADED}
    assert (first["files_read"], first["files_loaded"]) == (len(expected), len(expected) - len(rejected))
    assert rows(engine, "SELECT COUNT(*) FROM staging.stg_qlvb__edxml_package") == [
        (len(expected) - len(rejected),)
    ]
    assert _recorded(engine, "edxml") == expected
    assert _quarantined(engine, "qlvb", "edxml") == rejected

    assert len(_sensor_signature(drop)) == 64
    second = load_edxml_folder(engine, drop, qlvb_context(OFFICE), "run2")
    assert (second["files_read"], second["raw"], second["quarantined"]) == (0, 0, 0)
