"""E-CABINET tables (sources.md §4): raw, staging, the poll-member child table, the owner configuration and
the marts of metrics.md §3. Meetings and polls belong to the owner agency; tasks to their lead agency."""

import sqlalchemy as sa

from warehouse import tables_common as tables
from warehouse.tables_common import LOCAL, column, primary_key

SOURCE = "ecabinet"

stg_ecabinet__meeting = tables.staging_table(
    "stg_ecabinet__meeting",
    "E-CABINET cuoc-hop: one row per meeting, its latest version (list fields, and the detail's arrays "
    "summarised when the detail was fetched)",
    column("meeting_code", sa.Text, "ma"),
    column("kind", sa.Text, "loai: thường kỳ, chuyên đề, bất thường, giao ban"),
    column("title", sa.Text, "ten, free text: never in marts"),
    column("starts_at", sa.DateTime, f"thoiGianBatDau ({LOCAL})"),
    column("planned_minutes", sa.Integer, "thoiLuongPhut: planned length"),
    column("chair_member_id", sa.Text, "chuTri.maThanhVien: pseudonymous member id (TV-nnnnnn)"),
    column("meeting_format", sa.Text, "hinhThuc: trực tiếp, trực tuyến, kết hợp"),
    column("location", sa.Text, "diaDiem"),
    column("status", sa.Text, "trangThai; đã hủy is a cancelled meeting (Q11), left out of the metrics"),
    column("cancel_reason", sa.Text, "lyDoHuy, free text: never in marts"),
    column("invitation_notation", sa.Text, "soKyHieuGiayMoi"),
    column("reported_paperless", sa.Boolean, "khongGiay as served"),
    column(
        "detail_fetched",
        sa.Boolean,
        "the meeting detail (§4.3) was read for this version; false: kept from the list after a second "
        "404 (detail_missing), fetched again next run",
    ),
    column("agenda_item_count", sa.Integer, "entries of chuongTrinh; null without the detail"),
    column("document_count", sa.Integer, "entries of taiLieu; null without the detail"),
    column("paper_document_count", sa.Integer, "entries of taiLieu with kenh giấy; null without the detail"),
    column("attendee_count", sa.Integer, "entries of thanhPhan; null without the detail"),
    column("attended_count", sa.Integer, "entries of thanhPhan with coMat true; null without the detail"),
    column("updated_at", sa.DateTime, f"thoiGianCapNhat ({LOCAL})"),
    column(
        "is_paperless",
        sa.Boolean,
        "khongGiay after Q19: false when a taiLieu has kenh giấy (the documents win)",
    ),
)

stg_ecabinet__poll = tables.staging_table(
    "stg_ecabinet__poll",
    "E-CABINET phieu-lay-y-kien: one row per member poll, its latest version",
    column("poll_code", sa.Text, "ma"),
    column("question", sa.Text, "noiDung, free text: never in marts"),
    column("related_submission", sa.Text, "toTrinhLienQuan: notation of the related submission"),
    column("sent_at", sa.DateTime, f"ngayGui ({LOCAL})"),
    column("answer_due_at", sa.DateTime, f"hanTraLoi: the answer deadline ({LOCAL})"),
    column("status", sa.Text, "trangThai; đã hủy is a cancelled poll (Q11)"),
    column("member_count", sa.Integer, "valid entries of thanhVien (rows of stg_ecabinet__poll_member)"),
    column("updated_at", sa.DateTime, f"thoiGianCapNhat ({LOCAL})"),
)

stg_ecabinet__poll_member = tables.child_table(
    "stg_ecabinet__poll_member",
    "E-CABINET phieu-lay-y-kien.thanhVien[]: one row per member asked, replaced with its poll",
    column("member_id", sa.Text, "maThanhVien: pseudonymous member id"),
    column("choice", sa.Text, "luaChon: đồng ý, không đồng ý, ý kiến khác, chưa trả lời"),
    column("comment", sa.Text, "yKien, class R free text: never in marts"),
    column("answered_at", sa.DateTime, f"thoiDiemTraLoi; null when chưa trả lời ({LOCAL})"),
    column("is_signed", sa.Boolean, "daKySo: the answer was digitally signed"),
)

stg_ecabinet__task = tables.staging_table(
    "stg_ecabinet__task",
    "E-CABINET nhiem-vu: one row per task assigned in a conclusion, its latest version",
    column("task_code", sa.Text, "ma"),
    column("source_kind", sa.Text, "nguon: cuộc họp, phiếu lấy ý kiến, khác"),
    column("source_code", sa.Text, "maNguon: the ma of the meeting or poll; may name one not served"),
    column("content", sa.Text, "noiDung, free text: never in marts"),
    column("agency_code", sa.Text, "maDonViChuTri, canonical: the lead agency the task counts towards"),
    column("assigned_on", sa.Date, "ngayGiao"),
    column("due_on", sa.Date, "hanHoanThanh; null without a deadline"),
    column("completed_on", sa.Date, "ngayHoanThanh; set exactly when the status is hoàn thành"),
    column("status", sa.Text, "trangThai"),
    column("updated_at", sa.DateTime, f"thoiGianCapNhat ({LOCAL})"),
)

cfg_ecabinet_owner = tables.state_table(
    "cfg_ecabinet_owner",
    column("agency_code", sa.Text, "canonical code of the agency that operates E-CABINET", nullable=False),
    column("stored_at", sa.DateTime, f"when the extraction stored it ({LOCAL})"),
    comment="PARINDEX_ECABINET_OWNER (or the deployment's ecabinet_owner) of the last E-CABINET extraction; "
    "one row, empty while the source was never configured",
)

# Where each entity of the source lands (warehouse.schema.LANDING_TARGETS lists every source).
LANDING_TARGETS: dict[tuple[str, str], tables.LandingTarget] = {
    (SOURCE, "cuoc-hop"): tables.LandingTarget(
        tables.raw_table("ecabinet__cuoc_hop"), stg_ecabinet__meeting, None
    ),
    (SOURCE, "phieu-lay-y-kien"): tables.LandingTarget(
        tables.raw_table("ecabinet__phieu_lay_y_kien"),
        stg_ecabinet__poll,
        None,
        children={"stg_ecabinet__poll_member": stg_ecabinet__poll_member},
    ),
    (SOURCE, "nhiem-vu"): tables.LandingTarget(
        tables.raw_table("ecabinet__nhiem_vu"),
        stg_ecabinet__task,
        tables.AgencyReference("agency", "maDonViChuTri"),
    ),
}

# ---- marts ------------------------------------------------------------------------------------------------

fct_meeting = tables.mart_table(
    "fct_meeting",
    column("meeting_code", sa.Text, "ma", nullable=False),
    column("agency_code", sa.Text, "the owner agency (cfg_ecabinet_owner): every meeting is its meeting"),
    column("kind", sa.Text, "loai"),
    column("meeting_format", sa.Text, "hinhThuc"),
    column("status", sa.Text, "trangThai"),
    column("starts_at", sa.DateTime, f"thoiGianBatDau ({LOCAL})"),
    column("is_cancelled", sa.Boolean, "trangThai đã hủy"),
    column("is_paperless", sa.Boolean, "khongGiay after Q19 (documents win)"),
    column("reported_paperless", sa.Boolean, "khongGiay as served"),
    column("detail_fetched", sa.Boolean, "the detail was read; else the document counts are null"),
    column("document_count", sa.Integer, "entries of taiLieu"),
    column("paper_document_count", sa.Integer, "entries of taiLieu with kenh giấy"),
    column("attendee_count", sa.Integer, "entries of thanhPhan"),
    column("attended_count", sa.Integer, "entries of thanhPhan with coMat true"),
    primary_key("meeting_code"),
    comment="grain: one row per meeting (latest version); no free text",
)

fct_poll_answer = tables.mart_table(
    "fct_poll_answer",
    column("poll_code", sa.Text, "ma of the poll", nullable=False),
    column("member_id", sa.Text, "maThanhVien: pseudonymous member id", nullable=False),
    column("agency_code", sa.Text, "the owner agency (cfg_ecabinet_owner)"),
    column("poll_status", sa.Text, "the poll's trangThai"),
    column("is_poll_cancelled", sa.Boolean, "the poll's trangThai is đã hủy"),
    column("sent_at", sa.DateTime, f"the poll's ngayGui ({LOCAL})"),
    column("answer_due_at", sa.DateTime, f"the poll's hanTraLoi ({LOCAL})"),
    column("choice", sa.Text, "luaChon"),
    column("answered_at", sa.DateTime, f"thoiDiemTraLoi ({LOCAL})"),
    column("is_signed", sa.Boolean, "daKySo"),
    column(
        "is_answered_on_time",
        sa.Boolean,
        "luaChon not chưa trả lời and thoiDiemTraLoi at or before hanTraLoi",
    ),
    primary_key("poll_code", "member_id"),
    comment="grain: one row per member asked in a poll (latest version of the poll); no free text",
)

fct_task = tables.mart_table(
    "fct_task",
    column("task_code", sa.Text, "ma", nullable=False),
    column("agency_code", sa.Text, "maDonViChuTri, canonical"),
    column("source_kind", sa.Text, "nguon"),
    column("source_code", sa.Text, "maNguon"),
    column(
        "source_found",
        sa.Boolean,
        "maNguon names a meeting or poll of the warehouse; null without maNguon (unknown: a warning)",
    ),
    column("status", sa.Text, "trangThai"),
    column("assigned_on", sa.Date, "ngayGiao"),
    column("due_on", sa.Date, "hanHoanThanh"),
    column("completed_on", sa.Date, "ngayHoanThanh"),
    column("is_on_time", sa.Boolean, "ngayHoanThanh not null and at or before hanHoanThanh"),
    primary_key("task_code"),
    comment="grain: one row per task (latest version); no free text",
)
