"""Every expectation of every suite passes on good rows and fails on the one row built to break it."""

from __future__ import annotations

import pytest

from quality_checks.runner import validate
from quality_checks.suites import SUITES
from tests.quality_checks.cases import CASES, SuiteCase
from tests.quality_checks.frames import BUILDERS


def test_every_suite_has_a_case():
    assert sorted(case.suite for case in CASES) == sorted(SUITES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_expectation_is_broken_by_exactly_one_case(case: SuiteCase):
    labels = [spec.label() for spec in SUITES[case.suite].expectations]
    assert sorted(b.expectation for b in case.breaks) == sorted(labels)


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
@pytest.mark.parametrize("case", CASES, ids=str)
def test_good_rows_pass(case: SuiteCase, build):
    outcome = validate(case.suite, [build(case.good, case.dtypes)])

    assert outcome.passed, outcome.summary()
    assert outcome.rows_checked == len(case.good)
    assert all(r.unexpected_count == 0 and r.offending_keys == () for r in outcome.results)


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_broken_row_fails_its_expectation_and_no_other(case: SuiteCase, build):
    broken = [{**case.good[0], **b.changes} for b in case.breaks]

    outcome = validate(case.suite, [build(case.good + broken, case.dtypes)])

    assert not outcome.passed
    assert outcome.blocking == SUITES[case.suite].blocking
    offending = {r.expectation: r.offending_keys for r in outcome.results}
    assert offending == {b.expectation: (b.key,) for b in case.breaks}
    assert all(not r.success and r.error is None for r in outcome.results)
    summary = outcome.summary()
    assert summary.startswith(SUITES[case.suite].table)
    for b in case.breaks:
        assert f"{b.expectation}: " in summary
        assert b.key in summary
