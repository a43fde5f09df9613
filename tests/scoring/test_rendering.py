"""The officer's files as LibreOffice prints them (issue 13): the self-assessment workbook, the ranking and
the manual-input template of the hand-worked fixture, converted to PDF and read back with poppler; and the
totals recomputed by LibreOffice after an officer corrects a score.

Runs only where LibreOffice (`soffice`) and poppler (`pdfinfo`, `pdftotext`) are installed: `.ci/run`
installs them; no test installs packages (DESIGN.md)."""

import pytest
from openpyxl import load_workbook

from scoring.manual import template_path, write_template
from scoring.ranking import NO_DATA_TEXT, area_names, ranking_rows, write_ranking_xlsx
from scoring.workbook import NATIONAL_MOTTO, NATIONAL_NAME, TOTAL_LABEL
from tests.scoring import fixture
from tests.scoring.render import (
    A4_LANDSCAPE,
    convert,
    missing_texts,
    needs_renderer,
    page_size,
    pdf_text,
    squeezed,
)
from tests.scoring.test_exports import FAILING, TEMPLATE, UNIT_TYPES, _agency_rows, _find_row, _write_workbook

pytestmark = needs_renderer


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, scorecard_rows, template, qd766):
    """The three files and their PDFs: (xlsx, pdf) by name."""
    folder = tmp_path_factory.mktemp("render")
    workbook = _write_workbook(
        folder / "tu_danh_gia_2026.xlsx",
        _agency_rows(scorecard_rows, fixture.A),
        {TEMPLATE: template},
        FAILING,
    )
    _, rows = ranking_rows(scorecard_rows, UNIT_TYPES)
    ranking = folder / "xep_hang.xlsx"
    names = {c.id: c.name for c in (template, qd766)}
    write_ranking_xlsx(ranking, rows, fixture.YEAR, area_names(scorecard_rows), names)
    manual = template_path(folder / "manual", fixture.YEAR, fixture.A.code)
    write_template(manual, fixture.A, fixture.YEAR, [template, qd766])
    return {
        name: (xlsx, convert(xlsx, "pdf", folder / "pdf"))
        for name, xlsx in (("workbook", workbook), ("ranking", ranking), ("manual", manual))
    }


def test_workbook_prints_as_a_document_an_officer_can_sign(rendered):
    xlsx, pdf = rendered["workbook"]
    fields, text = pdf_text(pdf)
    assert page_size(fields) == A4_LANDSCAPE
    # The template's 47 rows fill 3 to 5 pages at 10-11 points, the three listed documents one more; a
    # shrunk table would take fewer, rows cut in pieces many more.
    assert 4 <= int(fields["Pages"]) <= 7
    first_page = text.split("\f")[0]
    for line in (
        "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU",
        "SỞ NỘI VỤ",
        NATIONAL_NAME,
        NATIONAL_MOTTO,
        "Lai Châu, ngày ..... tháng ..... năm ........",
        "BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2026",
    ):
        assert squeezed(line) in squeezed(first_page), line
    assert "31.42%" in text  # CHỈ SỐ, 31.42 / 100
    assert "NGƯỜI LẬP BIỂU" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text and "PHỤ LỤC KIỂM CHỨNG" in text
    # The header rows repeat on every page of the table.
    table_pages = [page for page in text.split("\f") if "PHỤ LỤC KIỂM CHỨNG" not in page and page.strip()]
    assert all("Tài liệu kiểm chứng" in page for page in table_pages)
    assert missing_texts(xlsx, text) == []


def test_ranking_prints_with_the_index_in_percent(rendered):
    xlsx, pdf = rendered["ranking"]
    fields, text = pdf_text(pdf)
    assert page_size(fields) == A4_LANDSCAPE
    assert int(fields["Pages"]) == 2  # one short sheet per catalogue
    assert "31.42%" in text and "4.60%" in text  # A 31.42/100, B 4/87 = 0.0460
    assert text.count(NO_DATA_TEXT) == 3  # C and D under the template, B under qd766
    assert missing_texts(xlsx, text) == []


def test_manual_template_prints_on_a4_landscape(rendered):
    xlsx, pdf = rendered["manual"]
    fields, text = pdf_text(pdf)
    assert page_size(fields) == A4_LANDSCAPE
    # 25 leaves with wrapped names on one or two pages, and the instructions on one.
    assert 2 <= int(fields["Pages"]) <= 3
    assert missing_texts(xlsx, text) == []


def test_an_officers_correction_recomputes_the_totals(rendered, tmp_path):
    """1.3 is missing (yellow). Entered as 1, LibreOffice recalculates: area 1 = 2.00 + 1 = 3.00,
    TỔNG = 31.42 + 1 = 32.42, CHỈ SỐ = 32.42 / 100 = 0.3242 (hand-computed from the fixture)."""
    xlsx, _ = rendered["workbook"]
    workbook = load_workbook(xlsx)
    sheet = workbook[TEMPLATE]
    sheet.cell(_find_row(sheet, 1, "1.3"), 4).value = 1
    edited = tmp_path / "edited" / "tu_danh_gia_2026.xlsx"
    edited.parent.mkdir()
    workbook.save(edited)
    recalculated = convert(edited, "xlsx", tmp_path / "recalculated")
    values = load_workbook(recalculated, data_only=True)[TEMPLATE]
    total = _find_row(values, 1, TOTAL_LABEL)
    assert values.cell(_find_row(values, 1, "1"), 4).value == pytest.approx(3.00)
    assert values.cell(total, 4).value == pytest.approx(32.42)
    assert values.cell(total + 1, 4).value == pytest.approx(0.3242)
