"""The report's numbers against the warehouse: every computed leaf of two agencies shows the score, maximum
and points at risk of `scorecard.csv` (interface.md §3; formatted as metrics.md §10.1 says, worked out here
from the CSV text, not with the report's formatter)."""

import csv
import json
import re
from html.parser import HTMLParser

import pytest

from tests.scoring import fixture


class _Cells(HTMLParser):
    """`data-criterion` rows of the leaves table: criterion code → {data-field: cell text}, of one catalogue
    when `catalogue` is given (an agency page holds a table per catalogue, whose codes overlap)."""

    def __init__(self, catalogue: str | None = None):
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self._row = self._field = None
        self._catalogue = catalogue

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        wanted = self._catalogue is None or attrs.get("data-catalogue") == self._catalogue
        if tag == "tr" and "data-criterion" in attrs and wanted:
            self._row = self.rows.setdefault(attrs["data-criterion"], {})
        elif tag == "td" and self._row is not None and "data-field" in attrs:
            self._field = attrs["data-field"]
            self._row[self._field] = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self._field = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._field:
            self._row[self._field] += data


def _cells(path, catalogue: str | None = None):
    parser = _Cells(catalogue)
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.rows


def _points(text: str) -> str:
    """ "12.50" → "12,50" (decimal comma)."""
    return text.replace(".", ",")


def _count(text: str) -> str:
    """ "199800" → "199.800" (thousands dot); empty stays empty."""
    return f"{int(text):,}".replace(",", ".") if text else ""


@pytest.mark.parametrize("agency", [fixture.A, fixture.B])
def test_every_computed_leaf_shows_the_scorecards_numbers(report, agency):
    folder, exports = report
    scorecard = csv.DictReader((exports / "2026" / "scorecard.csv").read_text("utf-8-sig").splitlines())
    expected = {
        row["criterion_code"]: {
            "score": _points(row["score"]),
            "max_points": _points(row["max_points"]),
            "risk_down": _count(row["risk_down"]),
            "gain_up": _count(row["gain_up"]),
            "fix_up": _count(row["fix_up"]),
        }
        for row in scorecard
        if row["agency_code"] == agency.code and row["rule"] and row["status"] == "computed"
    }
    assert expected  # A has 14 computed leaves, B 6 (tests/scoring/fixture.py)
    assert _cells(folder / "don_vi" / f"{agency.code}.html") == expected


def test_a_points_at_risk_and_the_leaf_order(report):
    """A's 7.1 (190/200, worked out in tests/scoring/fixture.py): 12 more paper documents cost its point,
    10 put right reach 2; leaves are listed by the points still open (3.3, 3.4, 7.3: 2,00 each first)."""
    folder, _ = report
    cells = _cells(folder / "don_vi" / "H35.02.html")
    assert (cells["7.1"]["risk_down"], cells["7.1"]["fix_up"]) == ("12", "10")
    assert list(cells)[:3] == ["3.3", "3.4", "7.3"]


def test_the_province_page_ranks_the_agencies_by_their_index(report):
    """A 31,42%, B 4,60% (fixture.A_INDEX, fixture.B_INDEX); C and D score 0 of 100."""
    folder, _ = report
    html = (folder / "index.html").read_text(encoding="utf-8")
    rows = [html.index(f'data-agency="{a.code}"') for a in (fixture.A, fixture.B, fixture.C, fixture.D)]
    assert rows == sorted(rows)
    assert "31,42%" in html and "4,60%" in html
    # 7.1 loses 2 − 1 = 1,00 at A and 2 − 0 = 2,00 at B: 3,00 over 2 agencies, more than any other leaf.
    losses = html[html.index("Các tiêu chí mất nhiều điểm nhất") :]
    assert "<td>7.1</td>" in losses.split("</tr>")[1] and "3,00" in losses.split("</tr>")[1]


@pytest.mark.parametrize("engine", ["duckdb"], indirect=True)
def test_earlier_years_are_shown_side_by_side(report, engine, tmp_path):
    """2025 stored as 2026 with A's TỔNG halved (15,71 of 100: 15,71%): A's page lists 2025 then 2026."""
    from datetime import datetime
    from decimal import Decimal

    from assets.report import export_report
    from warehouse import criterion_scores

    rows = [{**r, "year": 2025} for r in criterion_scores.read_criterion_scores(engine, 2026)]
    for row in rows:
        if (row["agency_code"], row["criterion_code"]) == ("H35.02", "TONG"):
            row.update(score=Decimal("15.71"), metric_value=Decimal("0.1571"))
    criterion_scores.replace_criterion_scores(engine, 2025, rows, datetime(2025, 12, 31))
    export_report(engine, 2026, str(tmp_path / "again"))
    html = (tmp_path / "again" / "2026" / "bao_cao" / "don_vi" / "H35.02.html").read_text(encoding="utf-8")
    history = html[html.index('<table class="history">') :].split("</table>")[0]
    assert history.index("<td>2025</td>") < history.index("15,71%") < history.index("<td>2026</td>")
    assert "31,42%" in history


def _plotly_figure(html: str, chart_id: str) -> tuple[list, dict]:
    """(data, layout) that the page hands to `Plotly.newPlot` for the chart `chart_id`."""
    position = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(chart_id) + '",', html).end()
    decoder, found = json.JSONDecoder(), []
    for _ in range(2):
        while html[position] in " \n,":
            position += 1
        value, position = decoder.raw_decode(html, position)
        found.append(value)
    return found[0], found[1]


def test_the_agency_page_draws_the_monthly_trend_with_the_leafs_bands(report):
    """A's on-time rate by month (tests/reports/conftest.py: 45/50, no case, 48/50) under leaf 3.3, whose
    bands (template-so@2026.1) are ≥ 100% 4 points, ≥ 95% 3, ≥ 90% 2, ≥ 80% 1."""
    folder, _ = report
    html = (folder / "don_vi" / "H35.02.html").read_text(encoding="utf-8")
    data, layout = _plotly_figure(html, "xu-huong-0-3-3")
    assert data[0]["x"] == ["01/2026", "02/2026", "03/2026"]
    assert data[0]["y"] == [90.0, None, 96.0]
    lines = sorted((s["y0"], a["text"]) for s, a in zip(layout["shapes"], layout["annotations"], strict=True))
    assert lines == [
        (80.0, "≥ 80,00%: 1,00 điểm"),
        (90.0, "≥ 90,00%: 2,00 điểm"),
        (95.0, "≥ 95,00%: 3,00 điểm"),
        (100.0, "≥ 100,00%: 4,00 điểm"),
    ]
    # B has no month rows: no trend.
    assert "xu-huong-" not in (folder / "don_vi" / "H35.03.html").read_text(encoding="utf-8")
