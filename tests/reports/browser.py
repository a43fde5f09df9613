"""Headless Chromium for the report's tests: pages opened from the file system with every request that is
not file:// aborted and recorded, and the checks every page must pass. Tests that use it skip where
/usr/bin/chromium is missing (`.ci/run` installs it)."""

import re
import unicodedata
from contextlib import contextmanager
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

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _is_a4(pdf: bytes) -> bool:
    """Every page's /MediaBox within a point (a third of a millimetre) of A4's."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return bool(boxes) and all(
        abs(float(w) - A4_POINTS[0]) <= 1 and abs(float(h) - A4_POINTS[1]) <= 1 for w, h in boxes
    )


def check_page(browser, path: Path, screenshot: Path, charts: bool = True) -> str:
    """Opens `path` offline and checks: no blocked or failed request, no console error, every chart has
    marks in its SVG (and there is one, when `charts`), the text is NFC, printing gives A4 pages (the
    stylesheet's @page). Saves a full-page screenshot; returns the page's text."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, service_workers="block")
    try:
        page = context.new_page()
        blocked, failed, errors = [], [], []

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="load")
        assert (blocked, failed, errors) == ([], [], []), path
        drawn = page.locator("div.chart > div")
        assert drawn.count() >= (1 if charts else 0), path
        for index in range(drawn.count()):
            # Plotly draws bars as path.point, heat map cells as an image inside its SVG.
            marks = drawn.nth(index).locator("svg.main-svg .point, svg.main-svg image")
            assert marks.count() > 0, f"{path}: chart {index} has no marks"
        text = page.inner_text("body")
        assert text == unicodedata.normalize("NFC", text), path
        page.screenshot(path=str(screenshot), full_page=True)
        assert _is_a4(page.pdf(prefer_css_page_size=True, print_background=True)), path
        return text
    finally:
        context.close()
