"""Export files: scorecard.csv, the ranking, and the self-assessment workbook read back with openpyxl and
rendered by LibreOffice."""

import csv
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from scoring.csv_export import write_scorecard_csv
from scoring.ranking import ranking_rows, write_ranking_csv, write_ranking_xlsx
from scoring.scorecard import SCORECARD_COLUMNS
from scoring.workbook import HEADERS, INDEX_LABEL, NOT_APPLICABLE_TEXT, TOTAL_LABEL, write_self_assessment
from tests.scoring import fixture

TEMPLATE = "template-so@2026.1"
UNIT_TYPES = {agency.code: agency.unit_type for agency in fixture.AGENCIES}


def _agency_rows(rows, agency, catalogue_id=TEMPLATE):
    return [r for r in rows if r["agency_code"] == agency.code and r["catalogue_id"] == catalogue_id]


def test_scorecard_csv(tmp_path, scorecard_rows):
    path = tmp_path / "scorecard.csv"
    write_scorecard_csv(path, _agency_rows(scorecard_rows, fixture.A))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == SCORECARD_COLUMNS
    by_code = {r["criterion_code"]: r for r in rows}
    assert by_code["3.5"]["score"] == "2.27" and by_code["3.5"]["metric_value"] == "0.3775"
    assert by_code["3.5"]["numerator"] == "151" and by_code["3.5"]["max_points"] == "3.00"
    assert by_code["1.3"]["score"] == "" and by_code["1.3"]["status"] == "missing"
    assert by_code["1"]["parent_code"] == "" and by_code["1.2.1"]["parent_code"] == "1.2"
    total = by_code["TONG"]
    assert (total["level"], total["max_points"], total["score"], total["metric_value"]) == (
        "tong",
        "100.00",
        "31.42",
        "0.3142",
    )


def test_ranking_ties_share_a_rank():
    def total(agency, index):
        return {
            "catalogue_id": TEMPLATE,
            "agency_code": agency,
            "agency_name": agency,
            "criterion_code": "TONG",
            "level": "tong",
            "score": Decimal(index) * 100,
            "max_points": Decimal(100),
            "metric_value": Decimal(index),
        }

    rows = [total("P", "0.5000"), total("Q", "0.9000"), total("R", "0.9000"), total("S", "0.1000")]
    _, ranked = ranking_rows(rows, {})
    assert [(r["rank"], r["agency_code"]) for r in ranked] == [(1, "Q"), (1, "R"), (3, "P"), (4, "S")]


def test_ranking_of_the_fixture_per_catalogue(tmp_path, scorecard_rows):
    columns, rows = ranking_rows(scorecard_rows, UNIT_TYPES)
    assert columns[:8] == [
        "rank",
        "agency_code",
        "agency_name",
        "loai_don_vi",
        "catalogue_id",
        "score",
        "max_points",
        "index",
    ]
    assert columns[8:] == [f"area_{i}" for i in range(1, 9)]
    template = [(r["rank"], r["agency_code"], r["index"]) for r in rows if r["catalogue_id"] == TEMPLATE]
    # A 31.42/100, B 4/87, C and D 0/100: C and D tie at rank 3.
    assert template == [
        (1, "H35.02", Decimal("0.3142")),
        (2, "H35.03", Decimal("0.0460")),
        (3, "H35.04", Decimal("0.0000")),
        (3, "H35.05", Decimal("0.0000")),
    ]
    a = next(r for r in rows if r["agency_code"] == "H35.02" and r["catalogue_id"] == TEMPLATE)
    assert (a["loai_don_vi"], a["area_3"], a["area_8"]) == (
        "so-ban-nganh",
        Decimal("11.10"),
        Decimal("12.75"),
    )
    write_ranking_csv(tmp_path / "xep_hang.csv", columns, rows)
    written = list(csv.DictReader((tmp_path / "xep_hang.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [r["catalogue_id"] for r in written[:3]] == ["qd766@2022"] * 3  # sorted by catalogue id
    first = written[3]
    assert (first["rank"], first["agency_code"], first["index"], first["area_3"]) == (
        "1",
        "H35.02",
        "0.3142",
        "11.10",
    )
    write_ranking_xlsx(tmp_path / "xep_hang.xlsx", columns, rows, fixture.YEAR)
    sheet = load_workbook(tmp_path / "xep_hang.xlsx").active
    assert [c.value for c in sheet[1]] == columns
    assert sheet.max_row == len(rows) + 1


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory, scorecard_rows, template):
    path = tmp_path_factory.mktemp("export") / "2026" / "H35.02" / "tu_danh_gia_2026.xlsx"
    rows = _agency_rows(scorecard_rows, fixture.A)
    return write_self_assessment(path, rows, fixture.YEAR, {TEMPLATE: template}, fixture.AS_OF)


def _find_row(sheet, column, value):
    return next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, column).value == value)


def test_workbook_layout_read_back(workbook_path, template):
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == [TEMPLATE]
    sheet = workbook[TEMPLATE]
    assert sheet["A1"].value == "BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    assert sheet["A2"].value == "Đơn vị: Sở Nội vụ (mã định danh H35.02)"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:I1", "A2:I2", "A3:I3", "A4:I4"} <= merged
    assert tuple(c.value for c in sheet[6]) == HEADERS
    assert sheet["A1"].font.name == "Times New Roman" and sheet["A1"].font.bold
    assert sheet.freeze_panes == "C8"
    # Every catalogue node, in order, from row 8.
    codes = [sheet.cell(row, 1).value for row in range(8, 8 + len(list(template.nodes())))]
    assert codes == [node.code for node in template.nodes()]
    area3 = sheet.cell(_find_row(sheet, 1, "3"), 2)
    assert area3.value == "LĨNH VỰC 3. CẢI CÁCH THỦ TỤC HÀNH CHÍNH" and area3.font.bold
    leaf = _find_row(sheet, 1, "1.1")
    assert [sheet.cell(leaf, c).value for c in range(2, 10)] == [
        "Ban hành kế hoạch CCHC năm đúng thời hạn",
        1,
        1,
        fixture.A_PLAN_EVIDENCE,
        None,
        None,
        None,
        None,
    ]
    assert sheet.cell(leaf, 5).alignment.wrap_text
    missing = _find_row(sheet, 1, "1.3")
    assert sheet.cell(missing, 4).value is None and sheet.cell(missing, 6).value.startswith("Chưa nhập")


def test_workbook_totals_and_print_setup(workbook_path):
    sheet = load_workbook(workbook_path).active
    total = _find_row(sheet, 1, TOTAL_LABEL)
    assert (sheet.cell(total, 3).value, sheet.cell(total, 4).value) == (100, 31.42)
    assert f"A{total}:B{total}" in {str(r) for r in sheet.merged_cells.ranges}
    index = _find_row(sheet, 1, INDEX_LABEL)
    assert index == total + 1
    assert sheet.cell(index, 4).value == 0.3142 and sheet.cell(index, 4).number_format == "0.00%"
    area = _find_row(sheet, 1, "3")
    assert (sheet.cell(area, 3).value, sheet.cell(area, 4).value) == (20, 11.1)
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4 in the OOXML paper codes
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$6:$7"


def test_not_applicable_leaves_stay_visible(tmp_path, scorecard_rows, template):
    path = write_self_assessment(
        tmp_path / "b.xlsx", _agency_rows(scorecard_rows, fixture.B), fixture.YEAR, {TEMPLATE: template}
    )
    sheet = load_workbook(path).active
    row = _find_row(sheet, 1, "3.3")
    assert sheet.cell(row, 4).value == NOT_APPLICABLE_TEXT and sheet.cell(row, 3).value == 4
    assert sheet.cell(_find_row(sheet, 1, TOTAL_LABEL), 3).value == 87


def test_workbook_has_one_sheet_per_catalogue(tmp_path, scorecard_rows):
    rows = [r for r in scorecard_rows if r["agency_code"] == fixture.A.code]
    path = write_self_assessment(tmp_path / "a.xlsx", rows, fixture.YEAR)
    assert load_workbook(path).sheetnames == [TEMPLATE, "qd766@2022"]  # in the order of the rows


RENDER_TOOLS = ("soffice", "pdfinfo", "pdftotext")


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in RENDER_TOOLS),
    reason="LibreOffice (soffice) and poppler-utils (pdfinfo, pdftotext) are needed to render the workbook",
)
def test_workbook_renders_to_a4_landscape_pdf(workbook_path, tmp_path):
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "tu_danh_gia_2026.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    width, height = (float(part) for part in fields["Page size"].split()[0:3:2])
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    # 47 node rows and the header fit the width on two pages at most; a squeezed or cut table would not.
    assert 1 <= int(fields["Pages"]) <= 3
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    # Vietnamese glyphs survive the font substitution; the headers repeat on each page.
    assert "BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2026" in text
    assert "Tài liệu kiểm chứng" in text and "31.42%" in text
    assert text.count("Tài liệu kiểm chứng") == int(fields["Pages"])
    # Every column fits on the page: the last appraisal column's header is on the first page.
    assert "Điểm sau giải" in text.split("\f")[0]
