"""QLVB fixtures: the example document of sources.md §3.9 and a context with a small agency table."""

import copy
from pathlib import Path
from zoneinfo import ZoneInfo

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.qlvb.context import QlvbContext

FOLDER = Path(__file__).parent
PACKAGE = FOLDER / "package.edxml"

AGENCIES = [
    ("H35.01", "000.00.01.H35"),
    ("H35.01.01", "000.01.01.H35"),
    ("H35.02", "000.00.02.H35"),
    ("H35.51", "000.00.51.H35"),
]


def context() -> QlvbContext:
    return QlvbContext(
        b"test-key", AgencyResolver(AGENCIES), CodeMappings.load("qlvb"), ZoneInfo("Asia/Ho_Chi_Minh")
    )


_EXAMPLE = {
    "id": "7d3f6a0e-1c2b-4e55-9a8e-2b1f0c9d7a11",
    "direction": "den",
    "MaDonViQuanLy": "H35.01",
    "DocumentId": "000.00.02.H35,2025/10/20,512/SNV-CCHC",
    "From": {"OrganId": "000.00.02.H35", "OrganName": "Sở Nội vụ tỉnh Lai Châu"},
    "To": [{"OrganId": "H35.01", "OrganName": "Văn phòng UBND tỉnh Lai Châu"}],
    "CodeNumber": "512",
    "CodeNotation": "SNV-CCHC",
    "PromulgationDate": "2025/10/20",
    "DocumentType": {"Type": 18, "TypeName": "Công văn"},
    "Subject": "V/v báo cáo kết quả cải cách hành chính quý III năm 2025",
    "SignerInfo": {"Competence": "KT. GIÁM ĐỐC", "Position": "Phó Giám đốc", "FullName": "Nguyễn Văn B"},
    "DueDate": "2025/10/27",
    "Priority": 0,
    "SphereOfPromulgation": "Lien thong van ban",
    "BussinessDocType": 0,
    "BussinessDocReason": None,
    "ReplacementDocumentIds": [],
    "SoDen": 4312,
    "NgayDen": "2025-10-20T15:42:10+07:00",
    "DoMat": "",
    "HinhThucGuiNhan": "điện tử",
    "LienThong": "LGSP",
    "ChuKySo": [
        {"KyBoi": "ca_nhan", "ThoiDiemKy": "2025-10-20T14:10:03+07:00", "HopLe": True},
        {"KyBoi": "co_quan", "ThoiDiemKy": "2025-10-20T14:31:47+07:00", "HopLe": True},
    ],
    "XuLy": [
        {
            "MaDonVi": "H35.01.01",
            "VaiTro": "chủ trì",
            "HanXuLy": "2025-10-27",
            "NgayHoanThanh": "2025-10-24T16:05:00+07:00",
            "TrangThai": "06",
        }
    ],
    "CreatedAt": "2025-10-20T15:42:10.120+07:00",
    "ModifiedAt": "2025-10-24T16:05:00.431+07:00",
}


def example(**changes) -> dict:
    """A deep copy of the §3.9 example with top-level fields replaced."""
    record = copy.deepcopy(_EXAMPLE)
    record.update(changes)
    return record


def package(
    document_id: str,
    to: str,
    *,
    timestamp: str = "2025/04/01 10:00:00",
    paper: str = "0",
    business: str = "0",
    notation: str = "SNV-CCHC",
) -> bytes:
    """An edXML package: the fixture file with another DocumentId, receiver, arrival, Paper and kind."""
    text = PACKAGE.read_text(encoding="utf-8")
    number = document_id.rsplit(",", 1)[1].split("/", 1)[0]
    replacements = {
        "<edXML:DocumentId>000.00.02.H35,2025/10/20,512/TTR-SNV</edXML:DocumentId>": (
            f"<edXML:DocumentId>{document_id}</edXML:DocumentId>"
        ),
        "<edXML:CodeNumber>512</edXML:CodeNumber>": f"<edXML:CodeNumber>{number}</edXML:CodeNumber>",
        "<edXML:CodeNotation>TTR-SNV</edXML:CodeNotation>": (
            f"<edXML:CodeNotation>{notation}</edXML:CodeNotation>"
        ),
        "<edXML:OrganId>000.00.01.H35</edXML:OrganId><edXML:OrganName>Văn phòng UBND tỉnh": (
            f"<edXML:OrganId>{to}</edXML:OrganId><edXML:OrganName>Đơn vị nhận"
        ),
        "2025/10/20 15:50:00": timestamp,
        "<edXML:Paper>1</edXML:Paper>": f"<edXML:Paper>{paper}</edXML:Paper>",
        "<edXML:BussinessDocType>0</edXML:BussinessDocType>": (
            f"<edXML:BussinessDocType>{business}</edXML:BussinessDocType>"
        ),
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")
