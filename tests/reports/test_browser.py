"""The report in headless Chromium, opened from the file system with every network request blocked: no
failed or blocked request, no console error, every chart drawn as SVG with marks, Vietnamese text in NFC,
print to PDF on A4. Skipped where /usr/bin/chromium is missing (`.ci/run` installs it). The screenshots stay
in the folder the test prints."""

import re
import unicodedata
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
A4_POINTS = (595.28, 841.89)  # 210 × 297 mm in PDF points; Chromium rounds the page to whole CSS pixels

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _is_a4(pdf: bytes) -> bool:
    """Every page's /MediaBox within a point (a third of a millimetre) of A4's."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return bool(boxes) and all(
        abs(float(w) - A4_POINTS[0]) <= 1 and abs(float(h) - A4_POINTS[1]) <= 1 for w, h in boxes
    )


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_the_report_renders_offline_in_chromium(report, browser, tmp_path):
    folder, _ = report
    shots = Path(tmp_path / "screenshots")
    shots.mkdir()
    print(f"screenshots in {shots}")
    pages = ["index.html", "don_vi/H35.02.html", "ke_hoach.html"]
    for name in pages:
        context = browser.new_context(viewport={"width": 1100, "height": 900}, service_workers="block")
        page = context.new_page()
        blocked, failed, errors = [], [], []

        def route(r, blocked=blocked):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("requestfailed", lambda request, failed=failed: failed.append(request.url))
        page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        page.goto((folder / name).as_uri(), wait_until="load")
        assert (blocked, failed, errors) == ([], [], []), name
        charts = page.locator("div.chart > div")
        assert charts.count() >= 1, name
        for index in range(charts.count()):
            chart = charts.nth(index)
            # Plotly draws bars as path.point, heat map cells as an image inside the SVG.
            marks = chart.locator("svg.main-svg .point, svg.main-svg image")
            assert marks.count() > 0, f"{name}: chart {index} has no marks"
        text = page.inner_text("body")
        assert text == unicodedata.normalize("NFC", text) and "cải cách hành chính" in text.lower()
        page.screenshot(path=str(shots / (name.replace("/", "_") + ".png")), full_page=True)
        # The page size comes from the stylesheet's @page rule, as when an officer prints from the browser.
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        assert _is_a4(pdf), name
        context.close()
