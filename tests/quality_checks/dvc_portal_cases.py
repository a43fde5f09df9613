"""Good rows and one broken row per expectation of the Decision 766 marts' suites, as in cases.py."""

from __future__ import annotations

from tests.quality_checks.cases import Break, SuiteCase

NN = "ExpectColumnValuesToNotBeNull"
_DOSSIER = {
    "dossier_code": "H35.51-250314-0001",
    "agency_code": "H35.51",
    "procedure_paper_result": True,
    "has_reused_data": True,
    "has_national_store_data": False,
    "is_vneid_verified": True,
    "processing_minutes": 8790,
}

DOSSIER_PORTAL = SuiteCase(
    suite="marts.fct_dossier_portal",
    dtypes={
        "procedure_paper_result": "boolean",
        "has_reused_data": "boolean",
        "has_national_store_data": "boolean",
        "is_vneid_verified": "boolean",
        "processing_minutes": "Int64",
    },
    good=[
        _DOSSIER,
        # Not ended yet: no processing time.
        {**_DOSSIER, "dossier_code": "H35.51-250314-0002", "processing_minutes": None},
    ],
    breaks=[
        Break(f"{NN}(dossier_code)", "NULL", {"dossier_code": None}),
        Break("ExpectColumnValuesToBeUnique(dossier_code)", "H35.51-250314-0001", {}),
        Break(f"{NN}(agency_code)", "D-AGENCY", {"dossier_code": "D-AGENCY", "agency_code": None}),
        Break(
            "ExpectColumnValuesToMatchRegex(agency_code)",
            "D-OLDCODE",
            {"dossier_code": "D-OLDCODE", "agency_code": "000.00.51.H35"},
        ),
        Break(
            f"{NN}(procedure_paper_result)",
            "D-PAPER",
            {"dossier_code": "D-PAPER", "procedure_paper_result": None},
        ),
        Break(f"{NN}(has_reused_data)", "D-REUSED", {"dossier_code": "D-REUSED", "has_reused_data": None}),
        Break(
            f"{NN}(has_national_store_data)",
            "D-STORE",
            {"dossier_code": "D-STORE", "has_national_store_data": None},
        ),
        Break(f"{NN}(is_vneid_verified)", "D-VNEID", {"dossier_code": "D-VNEID", "is_vneid_verified": None}),
        Break(
            "ExpectColumnValuesToBeBetween(processing_minutes)",
            "D-MINUTES",
            {"dossier_code": "D-MINUTES", "processing_minutes": -1},
        ),
    ],
)

_PROCEDURE = {
    "procedure_code": "1.001193.000.00.00.H35",
    "agency_code": "H35.51",
    "service_level": 4,
    "has_fee": False,
    "paper_result": True,
}
_CODE = "1.001193.000.00.00.H35"

PROCEDURE_AGENCY = SuiteCase(
    suite="marts.fct_procedure_agency",
    dtypes={"service_level": "Int16", "has_fee": "boolean", "paper_result": "boolean"},
    good=[
        _PROCEDURE,
        # The same procedure received by another agency.
        {**_PROCEDURE, "agency_code": "H35.52", "service_level": 4},
        {**_PROCEDURE, "procedure_code": "1.014028.H35", "service_level": 2, "has_fee": True},
    ],
    breaks=[
        Break(f"{NN}(procedure_code)", "NULL/H35.60", {"procedure_code": None, "agency_code": "H35.60"}),
        Break(f"{NN}(agency_code)", f"{_CODE}/NULL", {"agency_code": None}),
        Break("ExpectCompoundColumnsToBeUnique(procedure_code,agency_code)", f"{_CODE}/H35.51", {}),
        Break(
            "ExpectColumnValuesToMatchRegex(agency_code)",
            f"{_CODE}/000.00.61.H35",
            {"agency_code": "000.00.61.H35"},
        ),
        Break(f"{NN}(service_level)", f"{_CODE}/H35.62", {"agency_code": "H35.62", "service_level": None}),
        Break(
            "ExpectColumnValuesToBeInSet(service_level)",
            f"{_CODE}/H35.63",
            {"agency_code": "H35.63", "service_level": 5},
        ),
        Break(f"{NN}(has_fee)", f"{_CODE}/H35.64", {"agency_code": "H35.64", "has_fee": None}),
        Break(f"{NN}(paper_result)", f"{_CODE}/H35.65", {"agency_code": "H35.65", "paper_result": None}),
    ],
)

DVC_PORTAL_CASES = [DOSSIER_PORTAL, PROCEDURE_AGENCY]
