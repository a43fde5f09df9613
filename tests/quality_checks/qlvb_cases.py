"""Good rows and one broken row per expectation of the QLVB suites, as in cases.py."""

from __future__ import annotations

from datetime import date, datetime

from tests.quality_checks.cases import IN, NN, NULL, RE, TS, UNIQUE, Break, SuiteCase

DOC_1 = "H35.01|den|000.00.02.H35,2025/10/20,512/SNV-CCHC"
DOC_2 = "H35.02|di|000.00.02.H35,2025/10/20,512/SNV-CCHC"


def _raw_case(table: str) -> SuiteCase:
    good = [
        {
            "_locator": "http://sim/qlvb/api/documents?direction=den&limit=500&page=1#0",
            "_record": '{"id": "7d3f"}',
            "_batch_id": "b-1",
            "_extracted_at": datetime(2025, 10, 25, 1, 0),
            "_source": "qlvb",
        },
        {
            "_locator": "http://sim/qlvb/api/documents?direction=den&limit=500&page=1#1",
            "_record": '{"id": "7d40"}',
            "_batch_id": "b-1",
            "_extracted_at": datetime(2025, 10, 25, 1, 0),
            "_source": "qlvb",
        },
    ]
    return SuiteCase(
        suite=table,
        dtypes={"_extracted_at": TS},
        good=good,
        breaks=[
            Break(f"{NN}(_locator)", "NULL", {"_locator": None}),
            Break(f"{NN}(_record)", "L-RECORD", {"_locator": "L-RECORD", "_record": None}),
            Break(
                "ExpectColumnValuesToBeJsonParseable(_record)",
                "L-JSON",
                {"_locator": "L-JSON", "_record": '{"id'},
            ),
            Break(f"{NN}(_batch_id)", "L-BATCH", {"_locator": "L-BATCH", "_batch_id": None}),
            Break(f"{NN}(_extracted_at)", "L-EXTRACTED", {"_locator": "L-EXTRACTED", "_extracted_at": None}),
            Break(f"{IN}(_source)", "L-SOURCE", {"_locator": "L-SOURCE", "_source": "dvc"}),
        ],
    )


_DOCUMENT = {
    "_key": DOC_1,
    "agency_code": "H35.01",
    "direction": "den",
    "document_id": "000.00.02.H35,2025/10/20,512/SNV-CCHC",
    "promulgation_date": date(2025, 10, 20),
    "received_at": datetime(2025, 10, 20, 15, 42),
    "business_doc_type": 0,
    "transmission": "điện tử",
    "secrecy": None,
    "signature_count": 2,
}

DOCUMENT = SuiteCase(
    suite="staging.stg_qlvb__document",
    dtypes={"received_at": TS},
    good=[
        _DOCUMENT,
        {**_DOCUMENT, "_key": DOC_2, "agency_code": "H35.02", "direction": "di", "received_at": None},
        {**_DOCUMENT, "_key": "K-SECRET", "secrecy": "Tối mật", "transmission": "giấy", "signature_count": 0},
    ],
    breaks=[
        Break(f"{NN}(_key)", "NULL", {"_key": None}),
        Break(f"{UNIQUE}(_key)", DOC_1, {}),
        Break(f"{NN}(agency_code)", "K-AGENCY", {"_key": "K-AGENCY", "agency_code": None}),
        Break(f"{RE}(agency_code)", "K-OLD", {"_key": "K-OLD", "agency_code": "000.00.01.H35"}),
        Break(f"{NN}(direction)", "K-DIR", {"_key": "K-DIR", "direction": None}),
        Break(f"{IN}(direction)", "K-WAY", {"_key": "K-WAY", "direction": "ra"}),
        Break(f"{NN}(document_id)", "K-ID", {"_key": "K-ID", "document_id": None}),
        Break(f"{NN}(promulgation_date)", "K-DATE", {"_key": "K-DATE", "promulgation_date": None}),
        Break(
            f"{NN}(received_at) where direction == 'den'",
            "K-ARRIVAL",
            {"_key": "K-ARRIVAL", "received_at": None},
        ),
        Break(f"{NN}(business_doc_type)", "K-KIND", {"_key": "K-KIND", "business_doc_type": None}),
        Break(f"{IN}(business_doc_type)", "K-KIND9", {"_key": "K-KIND9", "business_doc_type": 9}),
        Break(f"{NN}(transmission)", "K-SENT", {"_key": "K-SENT", "transmission": None}),
        Break(f"{IN}(transmission)", "K-FAX", {"_key": "K-FAX", "transmission": "fax"}),
        Break(f"{IN}(secrecy)", "K-MAT", {"_key": "K-MAT", "secrecy": "Mật lắm"}),
        Break(f"{NN}(signature_count)", "K-SIGS", {"_key": "K-SIGS", "signature_count": None}),
    ],
)

_PACKAGE = {
    "_key": DOC_1 + "#0123456789abcdef",
    "agency_code": "H35.01",
    "document_id": "000.00.02.H35,2025/10/20,512/SNV-CCHC",
    "promulgation_date": date(2025, 10, 20),
    "business_doc_type": 0,
    "transmission": "điện tử",
    "has_edxml_signature": True,
}

PACKAGE = SuiteCase(
    suite="staging.stg_qlvb__edxml_package",
    dtypes={},
    good=[
        _PACKAGE,
        {**_PACKAGE, "_key": DOC_1 + "#fedcba9876543210", "business_doc_type": 1, "transmission": "cả hai"},
    ],
    breaks=[
        Break(f"{NN}(_key)", "NULL", {"_key": None}),
        Break(f"{UNIQUE}(_key)", _PACKAGE["_key"], {}),
        Break(f"{NN}(agency_code)", "P-AGENCY", {"_key": "P-AGENCY", "agency_code": None}),
        Break(f"{RE}(agency_code)", "P-OLD", {"_key": "P-OLD", "agency_code": "000.00.01.H35"}),
        Break(f"{NN}(document_id)", "P-ID", {"_key": "P-ID", "document_id": None}),
        Break(f"{NN}(promulgation_date)", "P-DATE", {"_key": "P-DATE", "promulgation_date": None}),
        Break(f"{NN}(business_doc_type)", "P-KIND", {"_key": "P-KIND", "business_doc_type": None}),
        Break(f"{IN}(business_doc_type)", "P-KIND7", {"_key": "P-KIND7", "business_doc_type": 7}),
        Break(f"{NN}(transmission)", "P-SENT", {"_key": "P-SENT", "transmission": None}),
        Break(f"{IN}(transmission)", "P-PAPER", {"_key": "P-PAPER", "transmission": "giấy"}),
        Break(f"{NN}(has_edxml_signature)", "P-SIG", {"_key": "P-SIG", "has_edxml_signature": None}),
    ],
)

_SIGNATURE = {
    "_parent_key": DOC_2,
    "signed_by": "co_quan",
    "signed_at": datetime(2025, 10, 20, 14, 31),
    "is_valid": True,
}

SIGNATURE = SuiteCase(
    suite="staging.stg_qlvb__signature",
    dtypes={"signed_at": TS},
    good=[_SIGNATURE, {**_SIGNATURE, "signed_by": "ca_nhan", "is_valid": False}],
    breaks=[
        Break(f"{NN}(_parent_key)", "NULL", {"_parent_key": None}),
        Break(f"{NN}(signed_by)", "S-BY", {"_parent_key": "S-BY", "signed_by": None}),
        Break(f"{IN}(signed_by)", "S-WHO", {"_parent_key": "S-WHO", "signed_by": "ai_do"}),
        Break(f"{NN}(signed_at)", "S-AT", {"_parent_key": "S-AT", "signed_at": None}),
        Break(f"{NN}(is_valid)", "S-VALID", {"_parent_key": "S-VALID", "is_valid": None}),
    ],
)

_HANDLING = {
    "_parent_key": DOC_1,
    "unit_code": "H35.01.01",
    "role": "chủ trì",
    "status": "06",
    "completed_at": datetime(2025, 10, 24, 16, 5),
}

HANDLING = SuiteCase(
    suite="staging.stg_qlvb__handling",
    dtypes={"completed_at": TS},
    good=[_HANDLING, {**_HANDLING, "role": "phối hợp", "status": "05", "completed_at": None}],
    breaks=[
        Break(f"{NN}(_parent_key)", "NULL", {"_parent_key": None}),
        Break(f"{NN}(unit_code)", "H-UNIT", {"_parent_key": "H-UNIT", "unit_code": None}),
        Break(f"{RE}(unit_code)", "H-OLD", {"_parent_key": "H-OLD", "unit_code": "000.01.01.H35"}),
        Break(f"{NN}(role)", "H-ROLE", {"_parent_key": "H-ROLE", "role": None}),
        Break(f"{IN}(role)", "H-LEAD", {"_parent_key": "H-LEAD", "role": "chỉ đạo"}),
        Break(f"{NN}(status)", "H-STATUS", {"_parent_key": "H-STATUS", "status": None, "completed_at": None}),
        Break(f"{IN}(status)", "H-13", {"_parent_key": "H-13", "status": "13", "completed_at": None}),
        Break(
            f"{NN}(completed_at) where status == '06'",
            "H-DONE",
            {"_parent_key": "H-DONE", "completed_at": None},
        ),
        Break(
            f"{NULL}(completed_at) where status != '06'", "H-OPEN", {"_parent_key": "H-OPEN", "status": "05"}
        ),
    ],
)

_FCT = {
    "document_key": DOC_1,
    "agency_code": "H35.01",
    "direction": "den",
    "promulgation_date": date(2025, 10, 20),
    "received_at": datetime(2025, 10, 20, 15, 42),
    "is_recalled": False,
    "is_secret": False,
    "is_electronic": True,
    "has_agency_signature": False,
}

FCT_DOCUMENT = SuiteCase(
    suite="marts.fct_document",
    dtypes={"received_at": TS},
    good=[_FCT, {**_FCT, "document_key": DOC_2, "direction": "di", "received_at": None}],
    breaks=[
        Break(f"{NN}(document_key)", "NULL", {"document_key": None}),
        Break(f"{UNIQUE}(document_key)", DOC_1, {}),
        Break(f"{NN}(agency_code)", "F-AGENCY", {"document_key": "F-AGENCY", "agency_code": None}),
        Break(f"{RE}(agency_code)", "F-OLD", {"document_key": "F-OLD", "agency_code": "000.00.01.H35"}),
        Break(f"{IN}(direction)", "F-WAY", {"document_key": "F-WAY", "direction": "ra"}),
        Break(f"{NN}(promulgation_date)", "F-DATE", {"document_key": "F-DATE", "promulgation_date": None}),
        Break(
            f"{NN}(received_at) where direction == 'den'",
            "F-ARRIVAL",
            {"document_key": "F-ARRIVAL", "received_at": None},
        ),
        Break(f"{NN}(is_recalled)", "F-RECALL", {"document_key": "F-RECALL", "is_recalled": None}),
        Break(f"{NN}(is_secret)", "F-SECRET", {"document_key": "F-SECRET", "is_secret": None}),
        Break(f"{NN}(is_electronic)", "F-E", {"document_key": "F-E", "is_electronic": None}),
        Break(
            f"{NN}(has_agency_signature)", "F-SIG", {"document_key": "F-SIG", "has_agency_signature": None}
        ),
    ],
)

QLVB_CASES = [
    _raw_case("raw.qlvb__documents"),
    _raw_case("raw.qlvb__edxml"),
    DOCUMENT,
    PACKAGE,
    SIGNATURE,
    HANDLING,
    FCT_DOCUMENT,
]
