"""Manual-input files: reading, refusing bad values (naming file, row and field), the pre-filled template."""

from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from scoring.manual import (
    ManualInputError,
    input_file,
    load_manual_inputs,
    parse_entries,
    read_rows,
    template_path,
    write_template,
)
from tests.scoring import fixture
from tests.scoring.conftest import FALLBACK_CATALOGUE, write_manual_csv

HEADER = "criterion_code,score,evidence,note\n"


def test_entries_of_the_fixture_file(manual_a):
    entries = manual_a["template-so@2026.1"]
    assert set(entries) == {"1.2.1", "3.1", "8.1"}  # 1.3 has no score
    assert entries["3.1"].score == Decimal("2.5")  # decimal comma accepted
    assert entries["8.1"].evidence == "Kết quả điều tra xã hội học năm 2026"
    # qd766's only manual leaf is 1.1, which the file does not fill (1.1 of the template is computed).
    assert manual_a["qd766@2022"] == {}


def _errors(tmp_path, text, catalogues):
    path = write_manual_csv(tmp_path, "H35.02", HEADER + text)
    with pytest.raises(ManualInputError) as error:
        parse_entries(path, read_rows(path), catalogues)
    return path, str(error.value).splitlines()


def test_bad_values_are_refused_naming_file_row_and_field(tmp_path, template):
    path, errors = _errors(
        tmp_path,
        "1.2.1,1.5,,\n"  # row 2: above the maximum of 1
        "3.3,2,,\n"  # row 3: computed, not manual
        "9.9,1,,\n"  # row 4: unknown
        "1.3,nhiều,,\n"  # row 5: not a number
        "1.4,-1,,\n"  # row 6: negative
        "1.5,1.255,,\n"  # row 7: three decimals
        "2.2,1,,\n2.2,2,,\n",  # rows 8-9: twice
        [template],
    )
    assert errors == [
        f"{path}: row 2, field score: 1.5 is outside 0..1, the maximum of 1.2.1 in template-so@2026.1",
        f"{path}: row 3, field criterion_code: '3.3' is not a manual criterion of template-so@2026.1",
        f"{path}: row 4, field criterion_code: '9.9' is not a manual criterion of template-so@2026.1",
        f"{path}: row 5, field score: not a number: 'nhiều'",
        f"{path}: row 6, field score: -1 is outside 0..2, the maximum of 1.4 in template-so@2026.1",
        f"{path}: row 7, field score: 1.255 has more than 2 decimals",
        f"{path}: row 9, field criterion_code: 2.2 of template-so@2026.1 entered twice",
    ]


def test_a_missing_column_is_named(tmp_path, template):
    path = write_manual_csv(tmp_path, "H35.02", "criterion_code,score,note\n1.3,1,\n")
    with pytest.raises(ManualInputError, match=r"row 1: missing column\(s\) evidence"):
        read_rows(path)


def test_catalogue_id_tells_apart_two_catalogues(tmp_path, template, qd766):
    path = write_manual_csv(
        tmp_path, "H35.02", "catalogue_id," + HEADER + "qd766@2022,1.1,17,,\nkhac@1,1.1,1,,\n"
    )
    with pytest.raises(ManualInputError) as error:
        parse_entries(path, read_rows(path), [template, qd766])
    assert str(error.value) == (
        f"{path}: row 3, field catalogue_id: catalogue 'khac@1' is not in use "
        "(in use: template-so@2026.1, qd766@2022)"
    )
    entries = parse_entries(path, read_rows(path)[:1], [template, qd766])
    assert entries["qd766@2022"]["1.1"].score == 17 and entries["template-so@2026.1"] == {}


def test_a_row_without_catalogue_id_applies_to_the_first_catalogue_only(tmp_path, template, qd766):
    """metrics.md §13.7: 1.1 is manual in qd766@2022 but computed in template-so@2026.1, the first one."""
    path, errors = _errors(tmp_path, "1.1,17,,\n", [template, qd766])
    assert errors == [
        f"{path}: row 2, field criterion_code: '1.1' is not a manual criterion of template-so@2026.1"
    ]
    # With qd766@2022 first, the same row is its entry.
    entries = parse_entries(path, read_rows(path), [qd766, template])
    assert entries["qd766@2022"]["1.1"].score == 17 and entries["template-so@2026.1"] == {}


def test_xlsx_file_is_read_and_preferred_location_checked(tmp_path, template):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["criterion_code", "score", "evidence", "note"])
    sheet.append(["1.3", 2, "12/BC-SNV; 05/07/2026; Báo cáo CCHC 6 tháng", None])
    sheet.append([None, None, None, None])
    sheet.append(["8.2", 16, None, None])  # row 4: above 15
    folder = tmp_path / str(fixture.YEAR)
    folder.mkdir()
    workbook.save(folder / "H35.02.xlsx")
    with pytest.raises(ManualInputError, match=r"H35\.02\.xlsx: row 4, field score: 16 is outside 0\.\.15"):
        load_manual_inputs(tmp_path, fixture.YEAR, "H35.02", [template])
    (folder / "H35.02.csv").write_text(HEADER, encoding="utf-8")
    with pytest.raises(ManualInputError, match="two manual-input files for one agency"):
        input_file(tmp_path, fixture.YEAR, "H35.02")
    assert load_manual_inputs(tmp_path, fixture.YEAR, "H35.99", [template]) == {"template-so@2026.1": {}}
    with pytest.raises(ManualInputError, match="cannot name a manual-input file"):
        input_file(tmp_path, fixture.YEAR, "../H35.02")


def test_template_lists_the_manual_leaves_and_reads_back(tmp_path, template, qd766):
    path = template_path(tmp_path, fixture.YEAR, fixture.A.code)
    count = write_template(path, fixture.A, fixture.YEAR, [template, qd766])
    manual_leaves = [leaf for c in (template, qd766) for leaf in c.leaves() if leaf.is_manual]
    assert count == len(manual_leaves) == 25  # 24 of the template and 1 of qd766
    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    # Vietnamese headers for the officer (issue 13), the contract's English names accepted by the reader too.
    assert rows[0] == (
        "Bộ chỉ số",
        "Mã tiêu chí",
        "Tiêu chí",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Tài liệu kiểm chứng",
        "Giải trình",
    )
    assert rows[1] == (
        "template-so@2026.1",
        "1.2.1",
        "Ban hành kế hoạch kiểm tra CCHC năm",
        1,
        None,
        None,
        None,
    )
    assert rows[-1][:4] == ("qd766@2022", "1.1", qd766.node("1.1").name, 18)
    # An untouched template holds no entry; filled in, it reads back.
    assert parse_entries(path, read_rows(path), [template, qd766]) == {
        "template-so@2026.1": {},
        "qd766@2022": {},
    }
    workbook = load_workbook(path)
    workbook.worksheets[0]["E2"] = 1
    workbook.worksheets[0]["F2"] = "45/KH-SNV; 15/01/2026; Kế hoạch kiểm tra CCHC năm 2026"
    workbook.save(path)
    entry = parse_entries(path, read_rows(path), [template, qd766])["template-so@2026.1"]["1.2.1"]
    assert (entry.score, entry.evidence) == (1, "45/KH-SNV; 15/01/2026; Kế hoạch kiểm tra CCHC năm 2026")
    with pytest.raises(FileExistsError):
        write_template(path, fixture.A, fixture.YEAR, [template])


def test_template_prints_on_a4_landscape_with_validated_scores(tmp_path, template):
    path = template_path(tmp_path, fixture.YEAR, fixture.A.code)
    write_template(path, fixture.A, fixture.YEAR, [template])
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Nhập liệu", "Hướng dẫn"]
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    sheet = workbook["Nhập liệu"]
    assert sheet.cell(2, 3).alignment.wrap_text and sheet.print_title_rows == "$1:$1"
    # One validation per score cell, bounded by the leaf's maximum (1.2.1: 1 point).
    validations = {
        str(v.sqref): (v.type, v.formula1, v.formula2) for v in sheet.data_validations.dataValidation
    }
    assert validations["E2"] == ("decimal", "0", "1")
    assert len(validations) == sheet.max_row - 1


def test_english_and_vietnamese_headers_are_read_alike(tmp_path, template):
    for header in (
        "criterion_code,score,evidence,note",
        "Mã tiêu chí,Điểm tự đánh giá,Tài liệu kiểm chứng,Giải trình",
    ):
        path = write_manual_csv(tmp_path, fixture.A.code, header + "\n1.2.1,1,45/KH-SNV,ghi chú\n")
        entries = parse_entries(path, read_rows(path), [template])["template-so@2026.1"]
        assert entries["1.2.1"] == (1, "45/KH-SNV", "ghi chú")


def test_template_for_a_commune_has_only_the_catalogues_covering_it(tmp_path, template, qd766):
    path = template_path(tmp_path, fixture.YEAR, fixture.X.code)
    assert write_template(path, fixture.X, fixture.YEAR, [template, qd766]) == 1  # qd766 1.1 only


def test_an_external_criterion_takes_no_manual_score(tmp_path):
    from scoring.catalogue import load_catalogue

    catalogue_path = tmp_path / "c@1.yaml"
    catalogue_path.write_text(
        "id: c@1\nname: C\nunit_types: [so-ban-nganh]\nareas:\n"
        "  - {code: '8', name: Điều tra xã hội học, children: ["
        "{code: '8.1', name: Khảo sát, max_points: 15, rule: external}]}\n",
        encoding="utf-8",
    )
    path, errors = _errors(tmp_path, "8.1,12,,\n", [load_catalogue(catalogue_path)])
    assert errors == [
        f"{path}: row 2, field criterion_code: 8.1: tiêu chí do cơ quan có thẩm quyền điều tra, đánh giá; "
        "không nhập điểm tự đánh giá"
    ]


def test_a_fallback_leaf_takes_a_manual_row_with_its_evidence(tmp_path):
    from scoring.catalogue import load_catalogue

    catalogue_path = tmp_path / "c@1.yaml"
    catalogue_path.write_text(FALLBACK_CATALOGUE, encoding="utf-8")
    catalogue = load_catalogue(catalogue_path)
    path, errors = _errors(tmp_path, "4.1,2,,\n", [catalogue])
    assert errors == [
        f"{path}: row 2, field evidence: 4.1 is computed when the data allow: a score entered for it needs "
        "its evidence"
    ]
    path = write_manual_csv(tmp_path, "H35.02", HEADER + "4.1,2,15/QĐ-SNV; 03/03/2021; Quy định chức năng,\n")
    entries = parse_entries(path, read_rows(path), [catalogue])
    assert entries["c@1"]["4.1"].score == Decimal(2)
    template = tmp_path / "template.xlsx"
    assert write_template(template, fixture.A, fixture.YEAR, [catalogue]) == 1  # the fallback leaf is listed
