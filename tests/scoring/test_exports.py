"""Export files: scorecard.csv, the ranking, and the self-assessment workbook read back with openpyxl and
rendered by LibreOffice."""

import csv
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from scoring.csv_export import write_scorecard_csv
from scoring.evidence_sheet import SHEET_TITLE, FailingRecords
from scoring.manual import write_template
from scoring.ranking import (
    NO_DATA_HEADING,
    NO_DATA_TEXT,
    area_names,
    ranking_rows,
    write_ranking_csv,
    write_ranking_xlsx,
)
from scoring.scorecard import SCORECARD_COLUMNS
from scoring.workbook import (
    EXTERNAL_HEADING,
    HEADERS,
    INDEX_LABEL,
    NATIONAL_MOTTO,
    NATIONAL_NAME,
    NOT_APPLICABLE_TEXT,
    TOTAL_LABEL,
    Letterhead,
    write_self_assessment,
)
from tests.scoring import fixture

TEMPLATE = "template-so@2026.1"
UNIT_TYPES = {agency.code: agency.unit_type for agency in fixture.AGENCIES}
LETTERHEAD = Letterhead("Ủy ban nhân dân tỉnh Lai Châu", "Lai Châu")
EXPORTED_ON = date(2026, 11, 21)
# A's 7.1 (qlvb.e_document_rate, 190/200): 10 paper documents, the first three listed (the warehouse caps the
# list at 500; three of ten shows the count line). One code number would be a formula if written as one.
PAPER_DOCUMENTS = FailingRecords(
    ("document_key", "direction", "code_number", "code_notation", "promulgation_date"),
    [
        ("QLVB:0001", "di", '=HYPERLINK("http://example.invalid")', "CV-SNV", date(2026, 3, 2)),
        ("QLVB:0002", "den", "15", "UBND-VX", date(2026, 4, 9)),
        ("QLVB:0003", "di", "77", "CV-SNV", date(2026, 5, 20)),
    ],
    10,
)
FAILING = {(fixture.A.code, "qlvb.e_document_rate", fixture.START, fixture.END): PAPER_DOCUMENTS}

# The header of 7.1's list on the evidence sheet: STT, then the Vietnamese labels of the QLVB view's columns.
E_DOCUMENT_HEADER = ["STT", "Khóa văn bản", "Văn bản đi/đến", "Số", "Ký hiệu", "Ngày ban hành"]


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

    def leaf(agency):  # one computed leaf: the agency has data
        return {
            "catalogue_id": TEMPLATE,
            "agency_code": agency,
            "criterion_code": "1.1",
            "level": "tieu_chi",
            "rule": "binary",
            "status": "computed",
        }

    rows = [total("P", "0.5000"), total("Q", "0.9000"), total("R", "0.9000"), total("S", "0.1000")]
    _, ranked = ranking_rows([*rows, *(leaf(agency) for agency in "PQRS")], {})
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
    # A 31.42/100, B 4/87; C and D have no leaf computed or entered: no data, so no rank, after the ranked.
    assert template == [
        (1, "H35.02", Decimal("0.3142")),
        (2, "H35.03", Decimal("0.0460")),
        (None, "H35.04", Decimal("0.0000")),
        (None, "H35.05", Decimal("0.0000")),
    ]
    a = next(r for r in rows if r["agency_code"] == "H35.02" and r["catalogue_id"] == TEMPLATE)
    assert (a["loai_don_vi"], a["area_3"], a["area_8"]) == (
        "so-ban-nganh",
        Decimal("11.10"),
        Decimal("12.75"),
    )
    write_ranking_csv(tmp_path / "xep_hang.csv", columns, rows)
    written = list(csv.DictReader((tmp_path / "xep_hang.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert list(written[0]) == columns  # the contract's columns, nothing added
    assert [r["catalogue_id"] for r in written[:3]] == ["qd766@2022"] * 3  # sorted by catalogue id
    first = written[3]
    assert (first["rank"], first["agency_code"], first["index"], first["area_3"]) == (
        "1",
        "H35.02",
        "0.3142",
        "11.10",
    )
    assert [(r["rank"], r["agency_code"]) for r in written[5:]] == [("", "H35.04"), ("", "H35.05")]


def test_ranking_workbook_in_vietnamese_one_sheet_per_catalogue(tmp_path, scorecard_rows, template, qd766):
    _, rows = ranking_rows(scorecard_rows, UNIT_TYPES)
    path = tmp_path / "xep_hang.xlsx"
    names = {c.id: c.name for c in (template, qd766)}
    write_ranking_xlsx(path, rows, fixture.YEAR, area_names(scorecard_rows), names)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [TEMPLATE, "qd766@2022"]  # in the order of the names given
    sheet = workbook[TEMPLATE]
    assert sheet["A1"].value == "KẾT QUẢ XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    assert sheet["A2"].value == f"Bộ chỉ số: {template.name} ({TEMPLATE})"
    headers = [c.value for c in sheet[4]]
    assert headers[:7] == [
        "Hạng",
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại đơn vị",
        "Điểm tự đánh giá",
        "Điểm tối đa",
        "Chỉ số CCHC (%)",
    ]
    assert headers[7:] == [f"{area.code}. {area.name}" for area in template.areas]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert body[0][:7] == [1, "H35.02", "Sở Nội vụ", "Sở, ban, ngành", 31.42, 100, 0.3142]
    assert sheet["G5"].number_format == "0.00%"
    assert body[1][:2] == [2, "H35.03"]
    # The agencies without data come after a heading, unranked, marked instead of scored zero.
    assert body[2][0] == NO_DATA_HEADING
    assert body[3][:5] == [None, "H35.04", "Sở Y tế", "Sở, ban, ngành", NO_DATA_TEXT]
    assert body[4][:5] == [None, "H35.05", "Sở Tài chính", "Sở, ban, ngành", NO_DATA_TEXT]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$4:$4"
    # Under qd766 A and the commune X have the same DVC values: they share rank 1; B has DVC data but no
    # dossier, so every leaf is not applicable or missing: no rank.
    qd766_rows = workbook["qd766@2022"].iter_rows(min_row=5, max_col=2, values_only=True)
    assert list(qd766_rows) == [(1, "H35.02"), (1, "H35.40"), (NO_DATA_HEADING, None), (None, "H35.03")]


def _write_workbook(path, rows, catalogues, failing=None):
    return write_self_assessment(
        path,
        fixture.with_explanations(rows),
        fixture.YEAR,
        catalogues,
        fixture.AS_OF,
        exported_on=EXPORTED_ON,
        letterhead=LETTERHEAD,
        failing=failing,
    )


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory, scorecard_rows, template):
    path = tmp_path_factory.mktemp("export") / "2026" / "H35.02" / "tu_danh_gia_2026.xlsx"
    return _write_workbook(path, _agency_rows(scorecard_rows, fixture.A), {TEMPLATE: template}, FAILING)


def _find_row(sheet, column, value):
    return next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, column).value == value)


def test_workbook_heading_of_an_official_document(workbook_path):
    sheet = load_workbook(workbook_path)[TEMPLATE]
    assert (sheet["A1"].value, sheet["E1"].value) == ("ỦY BAN NHÂN DÂN TỈNH LAI CHÂU", NATIONAL_NAME)
    assert (sheet["A2"].value, sheet["E2"].value) == ("SỞ NỘI VỤ", NATIONAL_MOTTO)
    assert sheet["A2"].font.bold and sheet["E1"].font.bold and not sheet["A1"].font.bold
    assert sheet["E3"].value == "Lai Châu, ngày ..... tháng ..... năm ........"
    assert sheet["A5"].value == "BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2026"
    assert sheet["A6"].value == "Đơn vị: Sở Nội vụ (mã định danh H35.02)"
    # Both instants are local dates (PARINDEX_TIMEZONE), as the caller passes them.
    assert sheet["A8"].value.startswith("Số liệu tính đến 08:30 ngày 20/11/2026; xuất ngày 21/11/2026.")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:D1", "E1:I1", "A2:D2", "E2:I2", "E3:I3", "A5:I5", "A6:I6"} <= merged
    signature = _find_row(sheet, 1, "NGƯỜI LẬP BIỂU")
    assert sheet.cell(signature, 5).value == "THỦ TRƯỞNG ĐƠN VỊ"
    assert sheet.cell(signature + 1, 5).value == "(Ký, ghi rõ họ tên và đóng dấu)"


def test_workbook_layout_read_back(workbook_path, template):
    sheet = load_workbook(workbook_path)[TEMPLATE]
    assert tuple(c.value for c in sheet[10]) == HEADERS
    assert sheet["A1"].font.name == "Times New Roman"
    assert sheet.freeze_panes == "C12"
    # Every catalogue node, in order, from row 12.
    codes = [sheet.cell(row, 1).value for row in range(12, 12 + len(list(template.nodes())))]
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


def test_computed_leaves_are_explained_and_point_to_their_records(workbook_path):
    workbook = load_workbook(workbook_path)
    sheet = workbook[TEMPLATE]
    row = _find_row(sheet, 1, "7.1")
    assert sheet.cell(row, 4).value == 1
    assert sheet.cell(row, 6).value == fixture.A_7_1_EXPLANATION
    assert sheet.cell(row, 5).value == (
        "Số liệu QLVB: 190/200. Danh sách trường hợp làm giảm điểm: Phụ lục kiểm chứng, mục 7.1."
    )
    # 7.2 has its maximum: its counts, no records to list, and no view name.
    row = _find_row(sheet, 1, "7.2")
    assert sheet.cell(row, 5).value == "Số liệu QLVB: 120/120."
    assert workbook.sheetnames == [TEMPLATE, SHEET_TITLE]
    evidence = workbook[SHEET_TITLE]
    texts = [[c.value for c in r] for r in evidence.iter_rows()]
    heading = texts.index(["Mục 7.1. Tỷ lệ văn bản trao đổi dưới dạng điện tử", *[None] * 6])
    assert texts[heading + 1][0] == (
        "Nguồn QLVB: 10 bản ghi làm giảm điểm; liệt kê 3 bản ghi đầu tiên "
        "(đủ 10 bản ghi trong bảng marts.dd_qlvb_e_document_rate của kho dữ liệu)."
    )
    assert texts[heading + 2] == [*E_DOCUMENT_HEADER, None]
    assert texts[heading + 3][:6] == [
        1,
        "QLVB:0001",
        "di",
        '=HYPERLINK("http://example.invalid")',
        "CV-SNV",
        "02/03/2026",
    ]
    assert evidence.cell(heading + 4, 4).data_type == "s"  # text, not a live formula
    assert texts[heading + 5][:2] == [3, "QLVB:0003"]
    assert evidence.page_setup.orientation == "landscape"


def test_totals_are_formulas_with_their_values_cached(workbook_path):
    formulas = load_workbook(workbook_path)[TEMPLATE]
    cached = load_workbook(workbook_path, data_only=True)[TEMPLATE]
    area = _find_row(formulas, 1, "3")
    children = [
        _find_row(formulas, 1, code) for code in ("3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8")
    ]
    assert formulas.cell(area, 4).value == "=SUM(" + ",".join(f"D{r}" for r in children) + ")"
    assert (cached.cell(area, 3).value, cached.cell(area, 4).value) == (20, 11.1)
    total = _find_row(formulas, 1, TOTAL_LABEL)
    areas = [_find_row(formulas, 1, str(code)) for code in range(1, 9)]
    assert formulas.cell(total, 4).value == "=SUM(" + ",".join(f"D{r}" for r in areas) + ")"
    assert formulas.cell(total, 3).value == "=SUM(" + ",".join(f"C{r}" for r in areas) + ")"
    assert (cached.cell(total, 3).value, cached.cell(total, 4).value) == (100, 31.42)
    assert f"A{total}:B{total}" in {str(r) for r in formulas.merged_cells.ranges}
    index = _find_row(formulas, 1, INDEX_LABEL)
    assert index == total + 1
    assert formulas.cell(index, 4).value == f'=IF(C{total}=0,"",ROUND(D{total}/C{total},4))'
    assert cached.cell(index, 4).value == 0.3142 and formulas.cell(index, 4).number_format == "0.00%"


def test_workbook_print_setup(workbook_path):
    for sheet in load_workbook(workbook_path).worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4 in the OOXML paper codes
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.oddFooter.center.text == "Trang &P/&N"
    assert load_workbook(workbook_path)[TEMPLATE].print_title_rows == "$10:$11"


def test_not_applicable_leaves_stay_visible_and_leave_the_maximum(tmp_path, scorecard_rows, template):
    path = _write_workbook(tmp_path / "b.xlsx", _agency_rows(scorecard_rows, fixture.B), {TEMPLATE: template})
    formulas = load_workbook(path).active
    cached = load_workbook(path, data_only=True).active
    row = _find_row(formulas, 1, "3.3")
    assert formulas.cell(row, 4).value == NOT_APPLICABLE_TEXT and formulas.cell(row, 3).value == 4
    # Area 3's maximum counts 3.1, 3.2 and 3.8 only (3.3-3.7 are not applicable): 3 + 3 + 1.
    area = _find_row(formulas, 1, "3")
    counted = [_find_row(formulas, 1, code) for code in ("3.1", "3.2", "3.8")]
    assert formulas.cell(area, 3).value == "=SUM(" + ",".join(f"C{r}" for r in counted) + ")"
    assert cached.cell(area, 3).value == 7
    assert cached.cell(_find_row(formulas, 1, TOTAL_LABEL), 3).value == 87
    assert load_workbook(path).sheetnames == [TEMPLATE]  # no records given: no evidence sheet


def _printed_font_size(sheet, size=11.0):
    """The size 11-point text prints at when LibreOffice fits the sheet's columns to the width of A4 landscape
    (842 points less the margins): a column w characters wide is 7w + 5 pixels of 0.75 points (ECMA-376
    §18.3.1.13, Calibri's 7-pixel digit)."""
    printable = 842 - 72 * (sheet.page_margins.left + sheet.page_margins.right)
    widths = [sheet.column_dimensions[get_column_letter(c)].width for c in range(1, sheet.max_column + 1)]
    table = sum(7 * w + 5 for w in widths) * 0.75
    return size * min(1.0, printable / table)


def test_no_file_prints_below_9_points(workbook_path, tmp_path, scorecard_rows, template, qd766):
    _, rows = ranking_rows(scorecard_rows, UNIT_TYPES)
    write_ranking_xlsx(tmp_path / "r.xlsx", rows, fixture.YEAR, area_names(scorecard_rows))
    write_template(tmp_path / "m.xlsx", fixture.A, fixture.YEAR, [template, qd766])
    sheets = [
        *load_workbook(workbook_path).worksheets,
        *load_workbook(tmp_path / "r.xlsx").worksheets,
        *load_workbook(tmp_path / "m.xlsx").worksheets,
    ]
    assert len(sheets) == 2 + 2 + 2
    assert {
        sheet.title: round(_printed_font_size(sheet), 1) for sheet in sheets if _printed_font_size(sheet) < 9
    } == {}


def test_external_areas_come_after_the_total_without_a_self_assessed_score(
    tmp_path, scorecard_rows, template
):
    """metrics.md §9.5 on the fixture's A with area 8 (30 points, 12.75 entered) made external: TỔNG is
    100 − 30 = 70 points and 31.42 − 12.75 = 18.67, the index 18.67 / 70 = 0.2667."""
    rows = []
    for row in _agency_rows(scorecard_rows, fixture.A):
        row = dict(row)
        if row["criterion_code"].split(".")[0] == "8":
            row.update(status="external", score=None, rule=None if row["level"] == "linh_vuc" else "external")
        elif row["criterion_code"] == "TONG":
            row.update(max_points=Decimal(70), score=Decimal("18.67"), metric_value=Decimal("0.2667"))
        rows.append(row)
    path = _write_workbook(tmp_path / "a.xlsx", rows, {TEMPLATE: template})
    formulas = load_workbook(path)[TEMPLATE]
    cached = load_workbook(path, data_only=True)[TEMPLATE]
    total = _find_row(formulas, 1, TOTAL_LABEL)
    areas = [_find_row(formulas, 1, str(code)) for code in range(1, 8)]
    assert formulas.cell(total, 4).value == "=SUM(" + ",".join(f"D{r}" for r in areas) + ")"
    assert (cached.cell(total, 3).value, cached.cell(total, 4).value) == (70, 18.67)
    heading = _find_row(formulas, 1, EXTERNAL_HEADING)
    assert heading == total + 2  # after TỔNG and CHỈ SỐ
    assert [formulas.cell(heading + i, 1).value for i in (1, 2, 3)] == ["8", "8.1", "8.2"]
    assert formulas.cell(heading + 1, 3).value == 30 and formulas.cell(heading + 1, 4).value is None
    assert formulas.cell(heading + 2, 4).value is None


def test_workbook_has_one_sheet_per_catalogue(tmp_path, scorecard_rows):
    rows = [r for r in scorecard_rows if r["agency_code"] == fixture.A.code]
    path = _write_workbook(tmp_path / "a.xlsx", rows, {})
    assert load_workbook(path).sheetnames == [TEMPLATE, "qd766@2022"]  # in the order of the rows


TRIGGERS = ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx")


def test_source_texts_never_become_formulas(tmp_path, scorecard_rows, template):
    """Issue 10: a document's code or subject, a manual evidence or note starting with = + - @ is text."""
    rows = [dict(r) for r in _agency_rows(scorecard_rows, fixture.A)]
    fields = {
        "1.1": "evidence",
        "1.2.1": "evidence",
        "3.1": "note",
        "8.1": "note",
        "3.3": "note",
        "1.3": "note",
    }
    for row in rows:
        if row["criterion_code"] in fields:
            row[fields[row["criterion_code"]]] = TRIGGERS[list(fields).index(row["criterion_code"])]
    path = _write_workbook(tmp_path / "a.xlsx", rows, {TEMPLATE: template})
    sheet = load_workbook(path)[TEMPLATE]
    for code, field in fields.items():
        cell = sheet.cell(_find_row(sheet, 1, code), 5 if field == "evidence" else 6)
        # XML reads a carriage return back as a line feed; the text stays text either way.
        assert (cell.data_type, cell.value) == ("s", TRIGGERS[list(fields).index(code)].replace("\r", "\n"))
    formulas = [c for r in sheet.iter_rows() for c in r if c.data_type == "f"]
    # The only formulas are the workbook's own sums (areas, parent criteria, TỔNG) and CHỈ SỐ.
    assert formulas and all(c.column in (3, 4) and c.value.startswith(("=SUM(", "=IF(")) for c in formulas)
    assert len([c for c in formulas if c.column == 4]) == 8 + 2 + 2


def test_csv_text_fields_that_spreadsheets_would_run_are_prefixed(tmp_path, scorecard_rows):
    rows = [dict(r) for r in _agency_rows(scorecard_rows, fixture.A)][: len(TRIGGERS)]
    for row, text in zip(rows, TRIGGERS, strict=True):
        row["evidence"] = text
    path = tmp_path / "scorecard.csv"
    write_scorecard_csv(path, rows)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [r["evidence"] for r in read] == ["'" + text for text in TRIGGERS]
