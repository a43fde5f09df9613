"""QLVB tables (contracts/sources.md §3): register entries from the documents API, edXML packages from the
watched folder, their signatures and handling assignments; the marts of metrics.md §2.

API entries and packages stay in their own staging tables and meet in `marts.fct_document`, where the API
wins field by field (Q17): each field is the API's value when the API has the entry and the field, else the
packages' value.
"""

import sqlalchemy as sa

from warehouse import tables_common as tables
from warehouse.tables_common import LOCAL, column, primary_key

NATURAL_KEY = "MaDonViQuanLy|direction|DocumentId (DocumentId cleaned as in sources.md §3.4)"


def _header_columns() -> list[sa.Column]:
    """Columns that API entries and edXML packages share (§3.3, §3.8)."""
    return [
        column("agency_code", sa.Text, "MaDonViQuanLy, canonical: the agency whose register holds the entry"),
        column("document_id", sa.Text, "DocumentId, its notation part cleaned (sources.md §3.4)"),
        column(
            "from_agency_code", sa.Text, "From.OrganId: canonical when in the agency table, else as cleaned"
        ),
        column("to_agency_codes", sa.Text, "To[].OrganId as a JSON array, canonical where known"),
        column("code_number", sa.Text, "CodeNumber (số)"),
        column("code_notation", sa.Text, "CodeNotation (ký hiệu), type code in its canonical spelling"),
        column("promulgation_date", sa.Date, "PromulgationDate"),
        column("type_name", sa.Text, "DocumentType.TypeName, canonical (NĐ 30/2020 Phụ lục III)"),
        column("subject", sa.Text, "Subject (trích yếu), class R free text: in marts only as cited evidence"),
        column("due_date", sa.Date, "DueDate, the deadline set by the sender"),
        column("sphere", sa.Text, "SphereOfPromulgation"),
        column("priority", sa.SmallInteger, "Priority 0..3 (Thường, Khẩn, Thượng khẩn, Hỏa tốc)"),
        column(
            "business_doc_type", sa.SmallInteger, "BussinessDocType: 0 new, 1 recall, 2 update, 3 replacement"
        ),
        column("business_doc_reason", sa.Text, "BussinessDocReason"),
        column(
            "replaced_document_ids", sa.Text, "ReplacementDocumentIds as a JSON array of cleaned DocumentIds"
        ),
        column("received_at", sa.DateTime, f"NgayDen: arrival in the register, null for di ({LOCAL})"),
        column("transmission", sa.Text, "HinhThucGuiNhan: điện tử, giấy or cả hai"),
    ]


stg_qlvb__document = tables.staging_table(
    "stg_qlvb__document",
    f"QLVB documents API: one row per register entry, its latest version; key {NATURAL_KEY}",
    column("system_id", sa.Text, "id: the system key of the register entry"),
    column("direction", sa.Text, "direction: di (outgoing) or den (incoming)"),
    *_header_columns(),
    column("incoming_number", sa.Integer, "SoDen, incoming register number"),
    column("secrecy", sa.Text, 'DoMat: Mật, Tối mật or Tuyệt mật; null when not secret (DoMat "")'),
    column("exchange_channel", sa.Text, "LienThong: trục VDXP, LGSP or nội bộ"),
    column("created_at", sa.DateTime, f"CreatedAt ({LOCAL})"),
    column("signature_count", sa.Integer, "loaded entries of ChuKySo (stg_qlvb__signature)"),
    column("handling_count", sa.Integer, "loaded entries of XuLy (stg_qlvb__handling)"),
    column("modified_at", sa.DateTime, f"ModifiedAt, the version ({LOCAL})"),
)

stg_qlvb__edxml_package = tables.staging_table(
    "stg_qlvb__edxml_package",
    f"edXML packages of the folder: one row per package file and receiving agency; key {NATURAL_KEY}#"
    "first 16 hex digits of the file's SHA-256, so a document's original, update and recall sit side by side",
    *_header_columns(),
    column("has_edxml_signature", sa.Boolean, "CoChuKyEdxml: a non-empty DigitalSignature element"),
)

stg_qlvb__signature = tables.child_table(
    "stg_qlvb__signature",
    "ChuKySo[] of an API register entry: one row per digital signature",
    column("signed_by", sa.Text, "KyBoi: co_quan (agency certificate) or ca_nhan (personal)"),
    column("signed_at", sa.DateTime, f"ThoiDiemKy ({LOCAL})"),
    column("is_valid", sa.Boolean, "HopLe: the signature validated when checked"),
)

stg_qlvb__handling = tables.child_table(
    "stg_qlvb__handling",
    "XuLy[] of an incoming API register entry: one row per unit assigned to handle it",
    column("unit_code", sa.Text, "MaDonVi, canonical: the agency itself or one of its phong-ban"),
    column("role", sa.Text, "VaiTro: chủ trì (lead) or phối hợp (supporting)"),
    column("due_date", sa.Date, "HanXuLy; null when there is no deadline"),
    column("completed_at", sa.DateTime, f"NgayHoanThanh, set when TrangThai is 06 ({LOCAL})"),
    column("status", sa.Text, "TrangThai, edXML status code 01..06"),
)

cfg_qlvb_plan_deadline = tables.state_table(
    "cfg_qlvb_plan_deadline",
    column("year", sa.Integer, "assessment year Y", nullable=False),
    column("deadline_date", sa.Date, "the catalogue's deadline for the year's CCHC plan", nullable=False),
    primary_key("year"),
    comment="deadline of qlvb.plan_on_time per year set by a catalogue; else Y-1-12-31 (metrics.md §2)",
)

fct_document = tables.mart_table(
    "fct_document",
    column("document_key", sa.Text, NATURAL_KEY, nullable=False),
    column("agency_code", sa.Text, "MaDonViQuanLy, canonical"),
    column("direction", sa.Text, "di or den"),
    column("document_id", sa.Text, "DocumentId, cleaned"),
    column("from_agency_code", sa.Text, "From.OrganId"),
    column("code_number", sa.Text, "CodeNumber"),
    column("code_notation", sa.Text, "CodeNotation, cleaned"),
    column("promulgation_date", sa.Date, "PromulgationDate"),
    column("type_name", sa.Text, "DocumentType.TypeName"),
    column("received_at", sa.DateTime, f"NgayDen; for a file-only entry the last TraceHeader time ({LOCAL})"),
    column("business_doc_type", sa.SmallInteger, "BussinessDocType of the latest state"),
    column("is_recalled", sa.Boolean, "recalled (BussinessDocType 1); left out of every metric"),
    column("is_secret", sa.Boolean, "DoMat not empty; left out of every metric"),
    column("transmission", sa.Text, "HinhThucGuiNhan"),
    column("is_electronic", sa.Boolean, "HinhThucGuiNhan in (điện tử, cả hai)"),
    column("signature_count", sa.Integer, "ChuKySo entries; null when unknown (file-only entry)"),
    column("has_agency_signature", sa.Boolean, "a ChuKySo entry with KyBoi co_quan and HopLe true"),
    column("has_edxml_signature", sa.Boolean, "a package of the entry had a DigitalSignature element"),
    column("in_api", sa.Boolean, "served by the documents API"),
    column("in_edxml", sa.Boolean, "received as an edXML package in the folder"),
    primary_key("document_key"),
    comment="grain: one row per register entry (agency, direction, DocumentId), API and edXML merged (API "
    "wins field by field); recall and update packages without an entry are left out; no class-R free text",
)

fct_document_handling = tables.mart_table(
    "fct_document_handling",
    column("document_key", sa.Text, "the register entry the assignment belongs to", nullable=False),
    column(
        "entry_number", sa.Integer, "1.. per document, ordered by unit, role and deadline", nullable=False
    ),
    column("agency_code", sa.Text, "MaDonViQuanLy of the document: the agency the metric counts it for"),
    column("unit_code", sa.Text, "XuLy[].MaDonVi, canonical"),
    column("role", sa.Text, "VaiTro"),
    column("due_date", sa.Date, "HanXuLy"),
    column("completed_at", sa.DateTime, f"NgayHoanThanh ({LOCAL})"),
    column("status", sa.Text, "TrangThai"),
    column("is_done_on_time", sa.Boolean, "NgayHoanThanh not null and its local date <= HanXuLy"),
    column("is_recalled", sa.Boolean, "the document is recalled"),
    column("is_secret", sa.Boolean, "the document is secret"),
    primary_key("document_key", "entry_number"),
    comment="grain: one row per handling assignment (XuLy entry) of an API register entry",
)

# Where each entity of the source lands (warehouse.schema.LANDING_TARGETS lists every source).
LANDING_TARGETS: dict[tuple[str, str], tables.LandingTarget] = {
    ("qlvb", "documents"): tables.LandingTarget(
        tables.raw_table("qlvb__documents"),
        stg_qlvb__document,
        tables.AgencyReference("agency", "MaDonViQuanLy"),
        children={"stg_qlvb__signature": stg_qlvb__signature, "stg_qlvb__handling": stg_qlvb__handling},
    ),
    ("qlvb", "edxml"): tables.LandingTarget(
        tables.raw_table("qlvb__edxml"),
        stg_qlvb__edxml_package,
        tables.AgencyReference("agency", "MaDonViQuanLy"),
    ),
}
