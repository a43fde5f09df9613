"""The officer's HTML report of the shared `small` run of every source (issue 14) in headless Chromium,
offline: every page passes tests/reports/browser.py's checks, and the leaves of the two agencies with the
most computed leaves show the numbers of scorecard.csv. The screenshots stay in the folder the test prints."""

import csv
from collections import Counter

from tests.e2e.conftest import FULL_YEAR
from tests.reports.browser import check_page, chromium, needs_chromium
from tests.reports.test_pages import _cells, _count, _points

CATALOGUE = "template-so@2026.2"


@needs_chromium
def test_the_small_runs_report_opens_offline_with_the_scorecards_numbers(full_clean_run, tmp_path):
    _, work = full_clean_run
    exports = work / "exports" / str(FULL_YEAR)
    folder = exports / "bao_cao"
    with (exports / "scorecard.csv").open(encoding="utf-8-sig", newline="") as handle:
        # The department template, the first of the default catalogues (Decision 766's leaves share codes).
        scorecard = [
            r
            for r in csv.DictReader(handle)
            if r["rule"] and r["status"] == "computed" and r["catalogue_id"] == CATALOGUE
        ]
    agencies = [code for code, _ in Counter(r["agency_code"] for r in scorecard).most_common(2)]
    for code in agencies:
        expected = {
            r["criterion_code"]: {
                "score": _points(r["score"]),
                "max_points": _points(r["max_points"]),
                "risk_down": _count(r["risk_down"]),
                "gain_up": _count(r["gain_up"]),
                "fix_up": _count(r["fix_up"]),
            }
            for r in scorecard
            if r["agency_code"] == code
        }
        assert len(expected) > 5 and _cells(folder / "don_vi" / f"{code}.html", CATALOGUE) == expected, code
    shots = tmp_path / "screenshots"
    shots.mkdir()
    print(f"screenshots in {shots}")
    with chromium() as browser:
        for name in ["index.html", *(f"don_vi/{code}.html" for code in agencies)]:
            check_page(browser, folder / name, shots / (name.replace("/", "_") + ".png"))
        # The shipped plan is of 2026: a 2025 report lists its targets without status, and without chart.
        text = check_page(browser, folder / "ke_hoach.html", shots / "ke_hoach.html.png", charts=False)
        assert "không đánh giá trạng thái" in text and "có nguy cơ" not in text
