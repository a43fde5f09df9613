"""The folder sensor driven through Dagster's test APIs with real files (issue 10): it launches nothing when
nothing is new, one run for files arriving in both folders together, nothing (and a log line) for a file
whose content was loaded under another name; the run it requests refreshes the year's `metric_value`.

Expected values are worked out from the files the test writes: `hr.civil_servants` counts the serving
"Công chức" rows of the agency's latest export (metrics.md §4), 2 in the December export of last year, 3 in
the January export of the year in progress that arrives later."""

import shutil
from datetime import UTC, date, datetime

import pytest
from dagster import (
    Definitions,
    build_schedule_context,
    build_sensor_context,
    in_process_executor,
    instance_for_test,
)

from assets.automation import nightly_assessment_year, source_folders_sensor
from assets.checks import ASSET_CHECKS
from assets.definitions import ALL_ASSETS, assessment_year_job
from assets.partitions import year_in_progress
from assets.resources import (
    DvcSource,
    EcabinetSource,
    HrSource,
    PipelineSettings,
    QlvbSource,
    WarehouseResource,
)
from tests.e2e.pipeline import query
from tests.etl.hr_fixtures import staff_row, write_export
from tests.etl.qlvb_fixtures.records import package

AGENCY = "H35.01"
YEAR = int(year_in_progress())


def civil_servants(count: int) -> list[list]:
    return [
        staff_row(number, f"CB{number:03d}", f"0012345678{number:02d}", "Công chức", "01/01/2020")
        for number in range(1, count + 1)
    ]


@pytest.fixture
def folders(tmp_path):
    hr, edxml = tmp_path / "hr", tmp_path / "edxml"
    hr.mkdir()
    edxml.mkdir()
    return hr, edxml


@pytest.fixture
def resources(tmp_path, folders):
    hr, edxml = folders
    return {
        "warehouse": WarehouseResource(url=f"duckdb:///{tmp_path / 'warehouse.duckdb'}"),
        "hr": HrSource(folder=str(hr)),
        "qlvb": QlvbSource(edxml_dir=str(edxml)),
        "dvc": DvcSource(),
        "ecabinet": EcabinetSource(),
        "settings": PipelineSettings(
            pseudonym_key="automation-test-key", export_dir=str(tmp_path / "exports")
        ),
    }


def evaluate(instance, resources, cursor):
    watched = {name: resources[name] for name in ("hr", "qlvb", "warehouse")}
    with build_sensor_context(instance=instance, cursor=cursor, resources=watched) as context:
        return source_folders_sensor(context)


def run_requested(instance, resources, request):
    defs = Definitions(
        assets=ALL_ASSETS,
        asset_checks=ASSET_CHECKS,
        jobs=[assessment_year_job],
        resources=resources,
        executor=in_process_executor,
    )
    result = defs.resolve_job_def(request.job_name or "assessment_year").execute_in_process(
        partition_key=request.partition_key, instance=instance, tags=request.tags, raise_on_error=False
    )
    failures = [event.message for event in result.all_events if event.is_step_failure]
    assert result.success, failures


def civil_servants_metric(resources) -> dict:
    rows = query(
        resources["warehouse"].url,
        "SELECT numerator, value, computed_at FROM marts.metric_value WHERE metric_code = 'hr.civil_servants'"
        f" AND agency_code = '{AGENCY}' AND year = {YEAR} AND period_start = DATE '{date(YEAR, 1, 1)}'",
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_the_sensor_launches_one_run_per_arrival_and_the_run_refreshes_the_year(folders, resources, capfd):
    hr, edxml = folders
    write_export(hr / f"nhansu_{AGENCY}_{YEAR - 1}12.xlsx", staff=civil_servants(2))
    (edxml / "a.edxml").write_bytes(package("000.00.02.H35,2025/03/30,900/SNV-CCHC", AGENCY))
    with instance_for_test() as instance:
        # Nothing loaded yet (no read copy): the files present are new.
        first = evaluate(instance, resources, cursor=None)
        assert [request.partition_key for request in first.run_requests] == [str(YEAR)]
        run_requested(instance, resources, first.run_requests[0])
        before = civil_servants_metric(resources)
        assert (before["numerator"], float(before["value"])) == (2, 2.0)

        # Nothing new: neither with the cursor nor for a sensor turned on afresh (no cursor), which finds
        # every file's content in the read copy's registry of processed files.
        assert evaluate(instance, resources, cursor=first.cursor).run_requests == []
        fresh = evaluate(instance, resources, cursor=None)
        assert fresh.run_requests == [] and fresh.cursor == first.cursor

        # One new HR month and one new package, dropped together: one run.
        write_export(hr / f"nhansu_{AGENCY}_{YEAR}01.xlsx", staff=civil_servants(3))
        (edxml / "b.edxml").write_bytes(package("000.00.02.H35,2025/04/02,901/SNV-CCHC", AGENCY))
        arrival = evaluate(instance, resources, cursor=first.cursor)
        assert len(arrival.run_requests) == 1
        assert arrival.run_requests[0].partition_key == str(YEAR)
        run_requested(instance, resources, arrival.run_requests[0])
        after = civil_servants_metric(resources)
        assert (after["numerator"], float(after["value"])) == (3, 3.0)
        assert after["computed_at"] > before["computed_at"]

        # A package already loaded, dropped again under another name: no run, and the log says why.
        shutil.copyfile(edxml / "b.edxml", edxml / "b_again.edxml")
        capfd.readouterr()
        duplicate = evaluate(instance, resources, cursor=arrival.cursor)
        assert duplicate.run_requests == []
        # Dagster's console logger writes the sensor's log to stderr.
        logged = capfd.readouterr().err
        assert "edxml: b_again.edxml skipped, its content was already read as b.edxml" in logged


def test_the_sensor_skips_when_no_folder_is_configured():
    unconfigured = {"hr": HrSource(), "qlvb": QlvbSource(), "warehouse": WarehouseResource()}
    with instance_for_test() as instance:
        result = evaluate(instance, unconfigured, cursor=None)
    assert result.run_requests == [] and "PARINDEX_HR_DIR" in result.skip_reason.skip_message


def test_the_year_in_progress_is_the_local_year_not_utcs():
    # 31 December 17:30 UTC is 1 January 00:30 in Asia/Ho_Chi_Minh (UTC+7, the default PARINDEX_TIMEZONE).
    assert year_in_progress(datetime(2026, 12, 31, 17, 30, tzinfo=UTC)) == "2027"
    assert year_in_progress(datetime(2026, 12, 31, 16, 30, tzinfo=UTC)) == "2026"


def test_the_nightly_schedule_runs_the_year_of_its_local_execution_time_and_in_january_the_year_before():
    # Due at 01:30 local (UTC+7) on 1 January 2027 = 18:30 UTC on 31 December 2026: January, so 2026 too.
    new_year = build_schedule_context(scheduled_execution_time=datetime(2026, 12, 31, 18, 30, tzinfo=UTC))
    assert [request.partition_key for request in nightly_assessment_year(new_year)] == ["2026", "2027"]
    # 01:30 local on 1 February 2027.
    february = build_schedule_context(scheduled_execution_time=datetime(2027, 1, 31, 18, 30, tzinfo=UTC))
    assert [request.partition_key for request in nightly_assessment_year(february)] == ["2027"]
    # 01:30 local on 31 December 2026.
    december = build_schedule_context(scheduled_execution_time=datetime(2026, 12, 30, 18, 30, tzinfo=UTC))
    assert [request.partition_key for request in nightly_assessment_year(december)] == ["2026"]
