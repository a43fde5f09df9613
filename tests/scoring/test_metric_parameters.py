"""The catalogue key `metric_parameters` (metrics.md §7.1, §8, §9.7): defaults, the rows the warehouse reads,
errors that name the file, the metric and what is wrong, agreement between catalogues, the pro-rata baseline
check (§9.3) and leaf 4.4 on a pro-rata target scoring §9.3's worked example."""

from datetime import date

import pytest
import yaml

from scoring import metric_parameters, rules
from scoring.catalogue import CatalogueError, load_catalogue, selected_catalogues
from tests.scoring.test_catalogue import assert_load_fails

HEADER = "id: test@1\nname: Thử\nunit_types: [so-ban-nganh]\n"
REDUCTION_LEAF = (
    "areas:\n  - {code: '4', name: Tổ chức bộ máy, children: [{code: '4.4', name: Tinh giản biên chế, "
    "max_points: 2, metric: hr.civil_servant_reduction, rule: linear_capped, "
    "parameters: {pro_rata: {total: 0.05, from: 2025, to: 2031}}, when_no_cases: not_applicable}]}\n"
)


def _catalogue(folder, parameters: str = "", name: str = "c.yaml", header: str = HEADER):
    path = folder / name
    path.write_text(header + parameters + REDUCTION_LEAF, encoding="utf-8")
    return path


def test_defaults_are_those_of_section_9_7():
    """§9.7's YAML, written out here: every parameter a metric takes when no catalogue declares it."""
    assert metric_parameters.effective("hr.leaders_within_limit") == {
        "agency_deputies": 3,
        "agency_deputies_by_agency": {},
        "exempt_until": {},
        "division_bands": ((15, 3), (10, 2), (0, 1)),
        "fixed_limits": {"trung tâm": 2, "chi cục": 2},
    }
    assert metric_parameters.effective("hr.rating_on_time_rate")["rating_deadline"].on(2026) == date(
        2026, 12, 14
    )
    assert metric_parameters.baseline_year({}, "hr.civil_servant_reduction") == 2025
    assert metric_parameters.baseline_year({}, "hr.public_employee_reduction") == 2025


def test_rows_flatten_every_parameter_for_the_year():
    declared = metric_parameters.parse_declared(
        {
            "hr.leaders_within_limit": {
                "agency_deputies_by_agency": {"H35.02": 4},
                "exempt_until": {"H35.03": "2027-06-30"},
            },
            "hr.rating_on_time_rate": {"rating_deadline": "Y+1-01-15"},
        }
    )
    rows = {
        (r["metric_code"], r["name"], r["item_key"]): r["value"]
        for r in metric_parameters.rows(declared, 2026)
    }
    assert rows[("hr.leaders_within_limit", "agency_deputies", "")] == "3"
    assert rows[("hr.leaders_within_limit", "agency_deputies_by_agency", "H35.02")] == "4"
    assert rows[("hr.leaders_within_limit", "exempt_until", "H35.03")] == "2027-06-30"
    assert rows[("hr.leaders_within_limit", "division_bands", "10")] == "2"
    assert rows[("hr.leaders_within_limit", "fixed_limits", "trung tâm")] == "2"
    assert rows[("hr.rating_on_time_rate", "rating_deadline", "")] == "2027-01-15"
    assert rows[("hr.public_employee_reduction", "baseline_year", "")] == "2025"
    assert {r["year"] for r in metric_parameters.rows(declared, 2026)} == {2026}


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        (
            "metric_parameters: {dvc.online_rate: {x: 1}}\n",
            "metric_parameters: dvc.online_rate: takes no parameters",
        ),
        (
            "metric_parameters: {hr.leaders_within_limit: {deputies: 3}}\n",
            "metric_parameters: hr.leaders_within_limit: unknown parameter(s) deputies",
        ),
        (
            "metric_parameters: {hr.leaders_within_limit: {division_bands: [[10, 2], [15, 3], [0, 1]]}}\n",
            "metric_parameters: hr.leaders_within_limit: division_bands bands out of order: 15 of band 2",
        ),
        (
            "metric_parameters: {hr.leaders_within_limit: {division_bands: [[15, 3], [10, 2]]}}\n",
            "division_bands the last band must start at 0 civil servants",
        ),
        (
            "metric_parameters: {hr.leaders_within_limit: {agency_deputies: -1}}\n",
            "hr.leaders_within_limit: agency_deputies must be a whole number ≥ 0, not -1",
        ),
        (
            "metric_parameters: {hr.leaders_within_limit: {exempt_until: {H35.02: 31/12/2027}}}\n",
            "hr.leaders_within_limit: exempt_until H35.02: must be a date yyyy-mm-dd",
        ),
        (
            "metric_parameters: {hr.rating_on_time_rate: {rating_deadline: 2026-12-14}}\n",
            "hr.rating_on_time_rate: rating_deadline must look like Y-MM-DD",
        ),
        (
            "metric_parameters: {hr.civil_servant_reduction: {baseline_year: 2024}}\n",
            "node 4.4: pro_rata from 2025 differs from the baseline year 2024 of hr.civil_servant_reduction",
        ),
    ],
)
def test_errors_name_the_file_the_metric_and_what_is_wrong(tmp_path, parameters, message):
    assert_load_fails(_catalogue(tmp_path, parameters), message)


def test_two_catalogues_declaring_a_metric_differently_fail_naming_both_files(tmp_path):
    first = _catalogue(
        tmp_path, "metric_parameters: {hr.leaders_within_limit: {agency_deputies: 3}}\n", "a.yaml"
    )
    same = _catalogue(
        tmp_path,
        "metric_parameters: {hr.leaders_within_limit: {agency_deputies: 3}}\n",
        "b.yaml",
        HEADER.replace("test@1", "test@2"),
    )
    other = _catalogue(
        tmp_path,
        "metric_parameters: {hr.leaders_within_limit: {agency_deputies: 4}}\n",
        "c.yaml",
        HEADER.replace("test@1", "test@3"),
    )
    assert len(selected_catalogues(f"{first},{same}")) == 2  # the same values: no conflict
    with pytest.raises(CatalogueError) as error:
        selected_catalogues(f"{first},{other}")
    assert str(error.value) == (
        f"{other}: metric_parameters hr.leaders_within_limit: declared differently in {first}"
    )


@pytest.mark.parametrize(("baseline", "now", "score"), [(250, 249, "0.96"), (40, 39, "2.00")])
def test_leaf_4_4_on_a_pro_rata_target_scores_the_worked_example(tmp_path, baseline, now, score):
    """§9.3: Y = 2026, m = 2; 250 → 249 công chức gives v = 0.0040 and 0.96; 40 → 39 gives v = 0.0250 and
    2.00. The reading is the metric row the warehouse writes for hr.civil_servant_reduction (§4)."""
    leaf = load_catalogue(_catalogue(tmp_path)).node("4.4")
    reading = rules.MetricReading(baseline - now, baseline, rules.round_value(baseline - now, baseline))
    outcome = rules.score_metric_leaf(leaf.rule, leaf.max_points, reading, leaf.when_no_cases, True, 2026)
    assert (outcome.status, str(outcome.score)) == (rules.COMPUTED, score)
    before = rules.score_metric_leaf(leaf.rule, leaf.max_points, reading, leaf.when_no_cases, True, 2025)
    assert before.status == rules.NOT_APPLICABLE


def test_a_catalogue_without_metric_parameters_takes_the_defaults(tmp_path):
    catalogue = load_catalogue(_catalogue(tmp_path))
    assert catalogue.metric_parameters == {}
    assert metric_parameters.baseline_year(catalogue.metric_parameters, "hr.civil_servant_reduction") == 2025


# metrics.md §9.7, the HR part of template-so@2026.2's metric_parameters (one line broken differently).
SECTION_9_7_HR = """
hr.leaders_within_limit: {agency_deputies: 3, agency_deputies_by_agency: {}, exempt_until: {},
                          division_bands: [[15, 3], [10, 2], [0, 1]],
                          fixed_limits: {trung tâm: 2, chi cục: 2}}
hr.rating_on_time_rate: {rating_deadline: Y-12-14}
hr.civil_servant_reduction: {baseline_year: 2025}
"""


def test_the_hr_parameters_of_section_9_7_load_and_equal_the_defaults():
    declared = metric_parameters.parse_declared(yaml.safe_load(SECTION_9_7_HR))
    assert set(declared) == {
        "hr.leaders_within_limit",
        "hr.rating_on_time_rate",
        "hr.civil_servant_reduction",
    }
    for code, values in declared.items():
        assert metric_parameters.effective(code, values) == metric_parameters.effective(code)


def test_list_parameters_are_rows_by_position(monkeypatch):
    """A list parameter (as qlvb.inspection_coverage's `types` and `phrases`, §9.7) is one row per element,
    keyed by its position; alternatives of a nested list are joined by `|`."""
    monkeypatch.setitem(
        metric_parameters.PARAMETERS,
        "qlvb.inspection_coverage",
        {
            "types": metric_parameters.Parameter(["TB", "BC"], list),
            "phrases": metric_parameters.Parameter(["kiểm tra", ["cải cách hành chính", "CCHC"]], list),
        },
    )
    rows = [r for r in metric_parameters.rows({}, 2026) if r["metric_code"] == "qlvb.inspection_coverage"]
    assert [(r["name"], r["item_key"], r["value"]) for r in rows] == [
        ("types", "0", "TB"),
        ("types", "1", "BC"),
        ("phrases", "0", "kiểm tra"),
        ("phrases", "1", "cải cách hành chính|CCHC"),
    ]
