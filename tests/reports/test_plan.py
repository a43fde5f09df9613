"""The plan tracker: the shipped KH 1888 loads, a bad entry is refused naming file, target and field, and
statuses follow the rules of reports/plan.py's docstring, worked out here by hand."""

import os
from datetime import date
from decimal import Decimal

import pytest

from assets.cli import main
from reports.plan import (
    AT_RISK,
    MET,
    MISSED,
    NOT_DUE,
    NOT_MEASURED,
    SHIPPED_PLAN,
    PlanError,
    load_plan,
    plan_statuses,
)
from tests.scoring import fixture

HEAD = "id: p@1\nname: Kế hoạch thử\nagency: H35.02\nyear: 2026\ntargets:\n"


def _target(target_id, measure="null", deadline="2026-12-31", extra=""):
    return (
        f"  - id: '{target_id}'\n    section: II.1\n    target: Mục tiêu {target_id}\n"
        f"    owner: Phòng Hành chính – Quản trị\n    deadline: {deadline}\n    measure: {measure}\n{extra}"
    )


def _plan(tmp_path, *targets):
    path = tmp_path / "plan.yaml"
    path.write_text(HEAD + "".join(targets), encoding="utf-8")
    return path


def test_the_shipped_plan_has_the_31_targets_of_kh_1888():
    plan = load_plan(SHIPPED_PLAN)
    assert (plan.agency, plan.year, len(plan.targets)) == ("H35.01", 2026, 31)
    assert [t.id for t in plan.targets] == [str(n) for n in range(1, 32)]
    assert plan.targets[1].measure.metric == "qlvb.inspection_coverage"
    assert plan.targets[1].measure.value == Decimal("0.2")  # "đảm bảo 20%"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            _target("7", "{metric: dvc.on_time_rate, comparison: '>', value: 1}"),
            "target 7: field 'measure.comparison'",
        ),
        (_target("7", "{metric: dvc.on_time_rate, value: 95}"), "target 7: field 'measure.value' is a rate"),
        (
            _target("7", "{metric: dvc.on_time_rate, value: cao}"),
            "target 7: field 'measure.value' must be a number",
        ),
        (_target("7", "{comparison: '>=', value: 1}"), "target 7 measure: field 'metric'"),
        (_target("7", deadline="31/12/2026"), "target 7: field 'deadline' must be a date"),
        (_target("7").replace("    target: Mục tiêu 7\n", ""), "target 7: field 'target'"),
        (_target("7").replace("    owner: Phòng Hành chính – Quản trị\n", ""), "target 7: field 'owner'"),
        (_target("7") + _target("7"), "target 7: field 'id' repeats"),
        (_target("7").replace("  - id: '7'\n    section", "  - section"), "target #1: field 'id'"),
    ],
)
def test_a_bad_entry_is_refused_naming_file_target_and_field(tmp_path, target, message):
    path = _plan(tmp_path, target)
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    assert str(raised.value).startswith(f"{path}, ") and message in str(raised.value)


def test_statuses_worked_out_by_hand(tmp_path):
    """Agency A of tests/scoring/fixture.py on 20/11/2026: on time 0.9300, handling 0.7900, 2 discipline
    decisions, no qlvb.inspection_coverage row, dvc.apology_rate 0.5714."""
    plan = load_plan(
        _plan(
            tmp_path,
            _target("1", "{metric: dvc.on_time_rate, comparison: '>=', value: 0.9}"),  # 0.93 ≥ 0.90: đạt
            # 0.79 < 0.80, 20/11 ≤ 31/12: có nguy cơ; the same missed after its deadline 30/06: chưa đạt
            _target("2", "{metric: qlvb.handling_on_time_rate, value: 0.8}"),
            _target("3", "{metric: qlvb.handling_on_time_rate, value: 0.8}", deadline="2026-06-30"),
            # no value before the deadline: chưa đến hạn; after it: chưa đo được
            _target("4", "{metric: qlvb.inspection_coverage, value: 0.2}"),
            _target("5", "{metric: qlvb.inspection_coverage, value: 0.2}", deadline="2026-06-30"),
            _target("6"),  # nothing measures it: chưa đo được
            # 2 cases > 0 allowed, deadline not passed: có nguy cơ
            _target("7", "{metric: hr.discipline_cases, comparison: '<=', value: 0, unit: count}"),
            # met on the day of the deadline already passed: đạt whatever the date (0.5714 ≥ 0.5)
            _target("8", "{metric: dvc.apology_rate, value: 0.5}", deadline="2026-01-31"),
        )
    )
    statuses = plan_statuses(plan, fixture.METRIC_ROWS, date(2026, 11, 20))
    assert [s.status for s in statuses] == [
        MET,
        AT_RISK,
        MISSED,
        NOT_DUE,
        NOT_MEASURED,
        NOT_MEASURED,
        AT_RISK,
        MET,
    ]
    assert [s.value for s in statuses][:3] == [Decimal("0.93"), Decimal("0.79"), Decimal("0.79")]


def test_parindex_report_refuses_a_bad_plan_with_exit_2(report, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PARINDEX_PLAN", str(_plan(tmp_path, _target("7", deadline="mai"))))
    assert main(["report", "--year", "2026", "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "PARINDEX_PLAN" in error and "target 7: field 'deadline'" in error
    assert not (tmp_path / "out").exists()


def test_parindex_report_writes_the_pages_and_refuses_an_unknown_agency(
    report, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("PARINDEX_AGENCY_TABLE", str(_agency_table(tmp_path)))
    assert main(["report", "--year", "2026", "--agency", "H35.99", "--out", str(tmp_path / "out")]) == 2
    assert "--agency: H35.99" in capsys.readouterr().err
    assert main(["report", "--year", "2026", "--agency", "H35.03", "--out", str(tmp_path / "out")]) == 0
    index = tmp_path / "out" / "2026" / "bao_cao" / "index.html"
    assert capsys.readouterr().out.strip() == str(index)
    assert sorted(p.name for p in (index.parent / "don_vi").iterdir()) == ["H35.03.html"]


def _agency_table(tmp_path):
    path = tmp_path / "agencies.csv"
    rows = "".join(f"{a.code},,{a.name},{a.unit_type},H35,,\n" for a in fixture.AGENCIES)
    path.write_text(
        "MaDinhDanh,MaDinhDanhCu,TenDonVi,LoaiDonVi,MaDonViCha,NgayHieuLuc,NgayHetHieuLuc\n" + rows
    )
    return path


def test_parindex_report_refuses_a_year_outside_the_partitions_or_without_metrics(report, capsys):
    assert main(["report", "--year", "2019"]) == 2
    assert "--year 2019: not an assessment year" in capsys.readouterr().err
    assert main(["report", "--year", "2025"]) == 2  # the seeded warehouse holds 2026 only
    assert "--year 2025: the warehouse holds no metrics" in capsys.readouterr().err


def test_parindex_run_refuses_a_bad_plan_before_any_extraction(tmp_path, monkeypatch, capsys):
    """As a bad catalogue: exit 2 naming the variable, the file, the target and the field, nothing run."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("PARINDEX_") and not n.startswith("PARINDEX_TEST_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PARINDEX_PSEUDONYM_KEY", "test-key-not-secret")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    bad = _plan(tmp_path, _target("12", "{metric: dvc.pakn_on_time_rate, comparison: '=>', value: 1}"))
    monkeypatch.setenv("PARINDEX_PLAN", str(bad))
    assert main(["run", "--year", "2025"]) == 2
    assert f"PARINDEX_PLAN: {bad}, target 12: field 'measure.comparison'" in capsys.readouterr().err
    assert not (tmp_path / "dagster_home").exists() and not (tmp_path / "data" / "warehouse.duckdb").exists()
