"""The report of the hand-worked fixture in headless Chromium, opened from the file system with the network
blocked (tests/reports/browser.py says what every page must pass). The screenshots stay in the folder the
test prints."""

import pytest

from tests.reports.browser import check_page, chromium, needs_chromium


@needs_chromium
@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_the_report_renders_offline_in_chromium(report, tmp_path):
    folder, _ = report
    shots = tmp_path / "screenshots"
    shots.mkdir()
    print(f"screenshots in {shots}")
    with chromium() as browser:
        for name in ["index.html", "don_vi/H35.02.html", "don_vi/H35.03.html", "ke_hoach.html"]:
            text = check_page(browser, folder / name, shots / (name.replace("/", "_") + ".png"))
            assert "cải cách hành chính" in text.lower()
