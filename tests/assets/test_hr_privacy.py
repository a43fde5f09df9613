"""After an HR load and the marts, no name, ID number, phone or home town of the fixture's people is in any
text column of any schema, and no column could hold ethnicity, religion or party membership."""

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.hr.context import HrContext
from tests.assets.folder_runs import load_folder
from tests.e2e.privacy_scan import clear_text_hits, sensitive_columns
from tests.etl.hr_fixtures import KEY, STAFF_ROWS, write_export
from warehouse.hr_baseline import set_baseline_year
from warehouse.models import run_models
from warehouse.reference import load_agency_config

AGENCIES = [{"agency_code": "H35.01", "old_code": "000.00.01.H35", "unit_type": "so-ban-nganh"}]


def test_no_personal_data_in_clear_anywhere(engine, tmp_path):
    folder = tmp_path / "hr"
    folder.mkdir()
    write_export(folder / "nhansu_H35.01_202512.xlsx")
    load_agency_config(engine, AGENCIES)
    agencies = AgencyResolver.from_rows(AGENCIES, "agency_code", "old_code")
    load_folder(engine, folder, HrContext(KEY, agencies, CodeMappings.load("hr")), "run1")
    set_baseline_year(engine, 2025)
    run_models(engine)
    # Names, SoHieuCBCCVC, ID numbers (as written and padded), home towns, phones; Kinh/Thái/Mông are the
    # ethnicities, and 2010-05-01 the party date of the first person.
    needles = ["012345678901", "2010-05-01", "10/05/2010"]
    for row in STAFF_ROWS:
        needles += [row[1], row[2], str(row[3]), row[6], row[9], row[10]]
    assert clear_text_hits(engine, needles) == []
    # The scan does see the data: a kept staff type is found in raw, staging and marts.
    found = {column for column, _ in clear_text_hits(engine, ["Công chức"])}
    expected = {"raw.hr__nhansu._record", "staging.stg_hr__staff.staff_type", "marts.fct_hr_staff.staff_type"}
    assert expected <= found
    assert sensitive_columns(engine) == []
