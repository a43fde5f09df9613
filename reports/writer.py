"""Writes the officer's HTML report under `EXPORT_DIR/Y/bao_cao/`: `index.html` (the province),
`don_vi/CODE.html` (one per agency), `ke_hoach.html` (the plan tracker), the stylesheet and plotly.js beside
them, so that the pages open offline by double click."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from reports import charts
from reports.pages import ReportData, agency_page, plan_page, province_page

REPORT_FOLDER = "bao_cao"
AGENCY_FOLDER = "don_vi"
STYLESHEET = "bao_cao.css"

_environment = Environment(
    loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html"]), trim_blocks=True
)


def report_dir(export_dir: Path, year: int) -> Path:
    return Path(export_dir) / str(year) / REPORT_FOLDER


def agency_file(code: str) -> str:
    return f"{AGENCY_FOLDER}/{code}.html"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # NFC: Vietnamese from every source is composed the same way, so that search and copy find it.
    path.write_text(unicodedata.normalize("NFC", text), encoding="utf-8")
    return path


def _render(template: str, root: str, **context) -> str:
    return _environment.get_template(template).render(root=root, **context)


def write_report(export_dir: Path, data: ReportData, agencies: Sequence[str] | None = None) -> list[Path]:
    """The report's files; agency pages for `agencies` (default: every agency with scorecard rows). The
    province page and the plan tracker always cover everyone."""
    folder = report_dir(export_dir, data.year)
    common = {"year": data.year, "as_of": data.as_of.strftime("%d/%m/%Y %H:%M") if data.as_of else ""}
    stylesheet = Path(__file__).parent / "templates" / STYLESHEET
    written = [
        _write(folder / charts.PLOTLY_JS, charts.plotly_js()),
        _write(folder / STYLESHEET, stylesheet.read_text(encoding="utf-8")),
        _write(folder / "index.html", _render("province.html", "", page=province_page(data), **common)),
    ]
    plan = plan_page(data)
    if plan is not None:
        written.append(_write(folder / "ke_hoach.html", _render("plan.html", "", page=plan, **common)))
    codes = sorted({row["agency_code"] for row in data.scorecard})
    for code in agencies or codes:
        if code in codes:
            html = _render("agency.html", "../", page=agency_page(data, code), **common)
            written.append(_write(folder / agency_file(code), html))
    return written
