"""All DDL of the warehouse (SQLAlchemy Core), so that a migration tool can adopt it as it stands.

Schemas: `raw` (as landed), `staging` (typed, one row per key), `quarantine` (rejected records), `marts`
(facts, dimensions, drill-down views, metric values). Timestamps are naive local time (docs/layers.md §1).
"""

from typing import NamedTuple

import sqlalchemy as sa

SCHEMAS = ("raw", "staging", "quarantine", "marts")

metadata = sa.MetaData()

LOCAL = "local time"


def column(name: str, type_: sa.types.TypeEngine, comment: str | None = None, **kwargs) -> sa.Column:
    # Keys are natural (a year, a code), never generated. SQLAlchemy would give a lone integer key a sequence
    # default, and DuckDB 1.5 cannot replay a WAL holding a comment on a table with such a default: a run
    # killed before its first checkpoint would leave a warehouse that no longer opens.
    kwargs.setdefault("autoincrement", False)
    return sa.Column(name, type_, comment=comment, **kwargs)


def primary_key(*columns: str) -> sa.PrimaryKeyConstraint:
    """A primary key declared on PostgreSQL only. On DuckDB its ART index made the delete-and-insert
    merge of a 50k-row batch 10 to 30 times slower (measured), and the merge guarantees uniqueness anyway."""
    return sa.PrimaryKeyConstraint(*columns).ddl_if(dialect="postgresql")


def raw_table(name: str) -> sa.Table:
    table = sa.Table(
        name,
        metadata,
        column("_batch_id", sa.Text, "load batch that landed the record", nullable=False),
        column("_extracted_at", sa.DateTime, f"when the batch was extracted ({LOCAL})", nullable=False),
        column("_source", sa.Text, "source system, e.g. dvc", nullable=False),
        column("_locator", sa.Text, "request URL with query and item index, or file, sheet and row"),
        column("_key", sa.Text, "cleaned natural key"),
        column(
            "_version", sa.DateTime, f"the record's version time ({LOCAL}); null for unversioned catalogues"
        ),
        column("_record", sa.Text, "the received JSON object after the privacy rules (sources.md §1.9)"),
        column("_drift_fields", sa.Text, "comma-separated field names unknown to the contract"),
        schema="raw",
        comment="append-only: one row per received record; a re-landed batch replaces its own rows",
    )
    # Landing finds rows by batch and key (re-landing, conflicts, orphans). DuckDB prunes appended batches
    # with its zone maps and would only pay for an index on every insert.
    sa.Index(f"ix_{name}_batch_key", table.c._batch_id, table.c._key).ddl_if(dialect="postgresql")
    return table


def child_table(name: str, comment: str, *columns: sa.Column) -> sa.Table:
    """Entries of an array of a staging row (`XuLy[]`, `thanhVien[]`…), replaced with their parent row."""
    return sa.Table(
        name,
        metadata,
        column("_parent_key", sa.Text, "`_key` of the parent staging row", nullable=False),
        column("_parent_fetch_seq", sa.BigInteger, "fetch order of the parent version the entry came with"),
        column("_batch_id", sa.Text, "load batch that landed the parent version"),
        *columns,
        schema="staging",
        comment=comment,
    )


def staging_table(name: str, comment: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        *columns,
        column("_key", sa.Text, "cleaned natural key, the merge key", nullable=False),
        column("_version", sa.DateTime, f"version time ({LOCAL}): the greatest version per key wins"),
        column("_content_hash", sa.Text, "SHA-256 over the contract fields, version excluded"),
        column(
            "_fetch_seq",
            sa.BigInteger,
            "fetch order within the run: the later-fetched wins on equal versions",
        ),
        column(
            "_batch_id",
            sa.Text,
            "batch that landed this version; with _key and _version it finds the raw row",
        ),
        column("_extracted_at", sa.DateTime, f"when that batch was extracted ({LOCAL})"),
        primary_key("_key"),
        schema="staging",
        comment=comment,
    )


# ---- DVC raw and staging (docs/layers.md §3-4) -------------------------------------------------------

stg_dvc__procedure = staging_table(
    "stg_dvc__procedure",
    "DVC thu-tuc: one row per procedure",
    column("procedure_code", sa.Text, "MaTTHC, full localised code"),
    column("short_code", sa.Text, "MaTTHCNgan, national short code"),
    column("procedure_name", sa.Text, "TenTTHC"),
    column("field_code", sa.Text, "MaLinhVuc"),
    column("field_name", sa.Text, "TenLinhVuc"),
    column("service_level", sa.SmallInteger, "MucDo: 4 fully online, 3 partly online, 2 not online"),
    column("legal_days", sa.Double, "ThoiGianGiaiQuyet: legal processing time; null when unlimited"),
    column("day_kind", sa.Text, "LoaiThoiGian: Ngày làm việc or Ngày"),
    column("has_fee", sa.Boolean, "CoPhiLePhi"),
    column("paper_result", sa.Boolean, "KetQuaGiay: the result is (also) issued on paper"),
    column("agency_codes", sa.Text, "MaCoQuanThucHien as a JSON array of canonical agency codes"),
    column("levels", sa.Text, "CapThucHien as a JSON array"),
    column("status", sa.Text, "TrangThai"),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__agency = staging_table(
    "stg_dvc__agency",
    "DVC don-vi: one row per agency",
    column("agency_code", sa.Text, "MaDinhDanh, canonical code"),
    column("old_code", sa.Text, "MaDinhDanhCu, old-format alias"),
    column("agency_name", sa.Text, "TenDonVi"),
    column("unit_type", sa.Text, "LoaiDonVi"),
    column("parent_code", sa.Text, "MaDonViCha, canonical"),
    column("valid_from", sa.DateTime, f"NgayHieuLuc ({LOCAL})"),
    column("valid_to", sa.DateTime, f"NgayHetHieuLuc ({LOCAL}); null while active"),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__holiday = staging_table(
    "stg_dvc__holiday",
    "DVC ngay-nghi: one row per day off",
    column("holiday_date", sa.Date, "Ngay: a day that is not worked"),
    column("year", sa.Integer, "Nam"),
    column("holiday_name", sa.Text, "TenNgayNghi"),
    column("day_kind", sa.Text, "LoaiNgay: Nghỉ lễ or Nghỉ bù"),
)

stg_dvc__dossier = staging_table(
    "stg_dvc__dossier",
    "DVC ho-so: one row per dossier, its latest state",
    column("dossier_code", sa.Text, "MaHoSo"),
    column("procedure_code", sa.Text, "MaTTHC mapped to the full code (quirk Q9)"),
    column("procedure_name", sa.Text, "TenTTHC"),
    column("field_code", sa.Text, "MaLinhVuc"),
    column("channel", sa.SmallInteger, "KenhThucHien: 1 in person, 2 online, 3 public postal service"),
    column("service_level", sa.SmallInteger, "MucDo at submission"),
    column("applicant_type", sa.SmallInteger, "LoaiDoiTuong"),
    column("applicant_id_hash", sa.Text, "SoGiayToChuHoSo, HMAC-SHA256 pseudonym"),
    column("summary", sa.Text, "TrichYeuHoSo, class R free text: never in marts"),
    column("submitted_at", sa.DateTime, f"NgayNopHoSo ({LOCAL})"),
    column("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    column("due_at", sa.DateTime, f"NgayHenTra, the current promised time ({LOCAL})"),
    column("processing_ended_at", sa.DateTime, f"NgayKetThucXuLy ({LOCAL})"),
    column("returned_at", sa.DateTime, f"NgayTra ({LOCAL})"),
    column("refused_at", sa.DateTime, f"NgayTuChoi ({LOCAL})"),
    column("status", sa.SmallInteger, "TrangThaiHoSo 1..10"),
    column("agency_code", sa.Text, "MaDonViXuLy, canonical: the agency the dossier counts towards"),
    column("has_digitised_component", sa.Boolean, "HoSoCoThanhPhanSoHoa"),
    column("online_payment", sa.SmallInteger, "DuocThanhToanTrucTuyen 0..3; 1 and 2 mean paid online"),
    column("has_fee", sa.Boolean, "CoPhiLePhi"),
    column("vneid_verified", sa.Boolean, "TaiKhoanDuocXacThucVoiVNeID"),
    column("submitted_component_count", sa.Integer, "entries of TaiLieuNop"),
    column("digitised_component_count", sa.Integer, "entries of TaiLieuNop with DuocSoHoa = 1"),
    column("supplement_request_count", sa.Integer, "entries of DanhSachHoSoBoSung: S of metrics.md"),
    column("result_document_count", sa.Integer, "entries of DanhSachGiayToKetQua"),
    column(
        "e_result_document_count", sa.Integer, "entries of DanhSachGiayToKetQua with a DuongDanTepTinKetQua"
    ),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__apology = staging_table(
    "stg_dvc__apology",
    "DVC phieu-xin-loi: one row per apology slip",
    column("apology_id", sa.Text, "Id"),
    column("dossier_code", sa.Text, "MaHoSo"),
    column("kind", sa.Text, "Loai, canonical Xin lỗi"),
    column("summary", sa.Text, "TrichYeu, class R free text: never in marts"),
    column("drafted_at", sa.DateTime, f"CreatedOn ({LOCAL})"),
    column("signed_at", sa.DateTime, f"NgayKy ({LOCAL})"),
    column("new_due_at", sa.DateTime, f"NgayHenTraMoi, promised to the applicant ({LOCAL})"),
    column("status", sa.Text, "TrangThai, canonical"),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__rating = staging_table(
    "stg_dvc__rating",
    "DVC danh-gia: one row per rated dossier, its latest rating",
    column("dossier_code", sa.Text, "MaHoSo"),
    column("rating_kind", sa.Text, "LoaiDanhGia"),
    column("rating", sa.Text, "DanhGia, canonical upper case"),
    column("comment", sa.Text, "NoiDungDanhGia, class R free text: never in marts"),
    column("rated_at", sa.DateTime, f"ThoiGianDanhGia ({LOCAL})"),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__feedback = staging_table(
    "stg_dvc__feedback",
    "DVC pakn: one row per feedback or petition",
    column("feedback_id", sa.Text, "id"),
    column("agency_code", sa.Text, "MaDonVi, canonical: the agency addressed"),
    column("category", sa.Text, "PhanLoai"),
    column("title", sa.Text, "TieuDe, class R free text: never in marts"),
    column("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    column("answered_at", sa.DateTime, f"NgayTraLoi: answer or refusal ({LOCAL})"),
    column("published_at", sa.DateTime, f"NgayCongKhai ({LOCAL})"),
    column("status", sa.Text, "TrangThai"),
    column("is_published", sa.Boolean, "CongKhai"),
    column("dossier_code", sa.Text, "MaHoSo of the related dossier, if any"),
    column("answer_rating", sa.Text, "DanhGiaTraLoi"),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)


class AgencyReference(NamedTuple):
    """Where a record of an entity names its agency, so a quarantined record can be counted per agency.

    `via` is "agency" (the field holds an agency code in either format) or "dossier" (the field holds a
    MaHoSo, whose dossier names the agency).
    """

    via: str
    field: str


class LandingTarget(NamedTuple):
    raw: sa.Table
    staging: sa.Table
    agency_reference: AgencyReference | None
    # Child tables of array entries (e.g. a document's signatures), keyed by `_parent_key`: replaced
    # together with their parent row (docs/layers.md §2).
    children: dict[str, sa.Table] = {}


LANDING_TARGETS: dict[tuple[str, str], LandingTarget] = {
    ("dvc", "thu-tuc"): LandingTarget(raw_table("dvc__thu_tuc"), stg_dvc__procedure, None),
    ("dvc", "don-vi"): LandingTarget(raw_table("dvc__don_vi"), stg_dvc__agency, None),
    ("dvc", "ngay-nghi"): LandingTarget(raw_table("dvc__ngay_nghi"), stg_dvc__holiday, None),
    ("dvc", "ho-so"): LandingTarget(
        raw_table("dvc__ho_so"), stg_dvc__dossier, AgencyReference("agency", "MaDonViXuLy")
    ),
    ("dvc", "phieu-xin-loi"): LandingTarget(
        raw_table("dvc__phieu_xin_loi"), stg_dvc__apology, AgencyReference("dossier", "MaHoSo")
    ),
    ("dvc", "danh-gia"): LandingTarget(
        raw_table("dvc__danh_gia"), stg_dvc__rating, AgencyReference("dossier", "MaHoSo")
    ),
    ("dvc", "pakn"): LandingTarget(
        raw_table("dvc__pakn"), stg_dvc__feedback, AgencyReference("agency", "MaDonVi")
    ),
}


def landing_target(source: str, entity: str) -> LandingTarget:
    try:
        return LANDING_TARGETS[(source, entity)]
    except KeyError:
        raise ValueError(f"no warehouse tables for source {source!r}, entity {entity!r}") from None


# ---- pipeline state and configuration ---------------------------------------------------------------

extraction_cursor = sa.Table(
    "extraction_cursor",
    metadata,
    column("source", sa.Text, "source system: dvc, qlvb, ecabinet or hr", nullable=False),
    column("entity", sa.Text, "the contract's resource name", nullable=False),
    column("watermark", sa.DateTime, f"high-water mark of the last complete extraction ({LOCAL})"),
    column("updated_at", sa.DateTime, f"when the watermark was stored ({LOCAL})"),
    primary_key("source", "entity"),
    schema="staging",
    comment="incremental extraction cursor per source resource (sources.md §1.8)",
)

cfg_agency = sa.Table(
    "cfg_agency",
    metadata,
    column("agency_code", sa.Text, "MaDinhDanh, canonical code", nullable=False),
    column("old_code", sa.Text, "MaDinhDanhCu, old-format alias"),
    column("agency_name", sa.Text, "TenDonVi"),
    column("unit_type", sa.Text, "LoaiDonVi"),
    column("parent_code", sa.Text, "MaDonViCha"),
    column("valid_from", sa.DateTime, f"NgayHieuLuc ({LOCAL})"),
    column("valid_to", sa.DateTime, f"NgayHetHieuLuc ({LOCAL})"),
    primary_key("agency_code"),
    schema="staging",
    comment="the agency table of the configuration (sources.md §8), loaded by the pipeline",
)

rejected_record = sa.Table(
    "rejected_record",
    metadata,
    column(
        "fingerprint",
        sa.Text,
        "MD5 over source, entity, key, version, field, reason, record",
        nullable=False,
    ),
    column("source", sa.Text, "source system: dvc, qlvb, ecabinet or hr", nullable=False),
    column("entity", sa.Text, "the contract's resource name", nullable=False),
    column("record_key", sa.Text, "natural key, cleaned and pseudonymised"),
    column("record_version", sa.DateTime, f"the record's version time ({LOCAL})"),
    column("locator", sa.Text, "request URL with query and item index, or file, sheet and row"),
    column("field", sa.Text, "contract field name; Parent[i].Field for array entries"),
    column(
        "reason_code",
        sa.Text,
        "why the record was rejected: a reason code of sources.md §1.10",
        nullable=False,
    ),
    column("detail", sa.Text, "Vietnamese, names the field"),
    column("record", sa.Text, "the original record after the privacy rules, JSON text"),
    column("agency_code", sa.Text, "canonical agency the record belongs to, best effort; null when unknown"),
    column("batch_id", sa.Text, "batch that quarantined the record"),
    column("quarantined_at", sa.DateTime, LOCAL),
    column("released_at", sa.DateTime, f"when a later run accepted the record ({LOCAL}); null while open"),
    column("released_batch_id", sa.Text, "batch that released it"),
    primary_key("fingerprint"),
    schema="quarantine",
    comment="one row per rejected record or array entry (sources.md §1.10)",
)

# ---- marts: tables filled by warehouse/models ---------------------------------------------------------

dim_agency = sa.Table(
    "dim_agency",
    metadata,
    column("agency_code", sa.Text, "MaDinhDanh, canonical", nullable=False),
    column("old_code", sa.Text, "MaDinhDanhCu"),
    column("agency_name", sa.Text, "TenDonVi from don-vi when served, else from the configuration"),
    column("unit_type", sa.Text, "LoaiDonVi"),
    column("parent_code", sa.Text, "MaDonViCha"),
    column("valid_from", sa.DateTime, LOCAL),
    column("valid_to", sa.DateTime, f"{LOCAL}; null while active"),
    column("is_assessed", sa.Boolean, "gets metric rows: so-ban-nganh, xa-phuong, cnvpdk, quan-huyen"),
    column("in_config", sa.Boolean, "listed in the agency configuration"),
    column("in_source", sa.Boolean, "served by DVC don-vi"),
    primary_key("agency_code"),
    schema="marts",
    comment="grain: one row per agency code of the configuration or of DVC don-vi",
)

dim_procedure = sa.Table(
    "dim_procedure",
    metadata,
    column("procedure_code", sa.Text, "MaTTHC", nullable=False),
    column("short_code", sa.Text, "MaTTHCNgan"),
    column("procedure_name", sa.Text, "TenTTHC"),
    column("field_code", sa.Text, "MaLinhVuc"),
    column("field_name", sa.Text, "TenLinhVuc"),
    column("service_level", sa.SmallInteger, "MucDo"),
    column("legal_days", sa.Double, "ThoiGianGiaiQuyet"),
    column("day_kind", sa.Text, "LoaiThoiGian"),
    column("has_fee", sa.Boolean, "CoPhiLePhi: the procedure has a fee or charge"),
    column("paper_result", sa.Boolean, "KetQuaGiay: the result is (also) issued on paper"),
    column("status", sa.Text, "TrangThai: Đang áp dụng or Ngừng áp dụng"),
    primary_key("procedure_code"),
    schema="marts",
    comment="grain: one row per procedure of DVC thu-tuc",
)

dim_date = sa.Table(
    "dim_date",
    metadata,
    column("date_day", sa.Date, "the calendar date", nullable=False),
    column("year", sa.Integer, "its calendar year"),
    column("iso_weekday", sa.SmallInteger, "1 Monday .. 7 Sunday"),
    column("is_holiday", sa.Boolean, "listed by DVC ngay-nghi"),
    column("is_working_day", sa.Boolean, "Monday to Friday and not a holiday"),
    column(
        "working_day_number",
        sa.Integer,
        "working days from the first date of the table up to and including this date; the working day N "
        "working days after d is the working day numbered working_day_number(d) + N",
    ),
    column("calendar_known", sa.Boolean, "ngay-nghi lists days of this year; else working days are a guess"),
    primary_key("date_day"),
    schema="marts",
    comment="grain: one row per date of every year from the first to the last year the warehouse needs",
)

fct_dossier = sa.Table(
    "fct_dossier",
    metadata,
    column("dossier_code", sa.Text, "MaHoSo", nullable=False),
    column("agency_code", sa.Text, "MaDonViXuLy, canonical"),
    column("procedure_code", sa.Text, "MaTTHC, full code"),
    column("field_code", sa.Text, "MaLinhVuc"),
    column("channel", sa.SmallInteger, "KenhThucHien"),
    column("service_level", sa.SmallInteger, "MucDo"),
    column("applicant_type", sa.SmallInteger, "LoaiDoiTuong"),
    column("status", sa.SmallInteger, "TrangThaiHoSo"),
    column("submitted_at", sa.DateTime, LOCAL),
    column("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    column("due_at", sa.DateTime, f"NgayHenTra ({LOCAL})"),
    column("end_at", sa.DateTime, f"E of metrics.md: NgayKetThucXuLy, else NgayTra ({LOCAL})"),
    column("returned_at", sa.DateTime, LOCAL),
    column("refused_at", sa.DateTime, LOCAL),
    column("supplement_request_count", sa.Integer, "S of metrics.md"),
    column("is_on_time", sa.Boolean, "E not null, E <= NgayHenTra and S <= 1"),
    column("is_online", sa.Boolean, "KenhThucHien = 2"),
    column("has_fee", sa.Boolean, "CoPhiLePhi"),
    column("is_paid_online", sa.Boolean, "DuocThanhToanTrucTuyen in (1, 2)"),
    column("is_digitised", sa.Boolean, "HoSoCoThanhPhanSoHoa"),
    column("has_e_result", sa.Boolean, "at least one result document with a DuongDanTepTinKetQua"),
    column(
        "has_apology_on_time",
        sa.Boolean,
        "an apology slip Xin lỗi, Đã xử lý, signed (NgayKy) at or before NgayHenTra",
    ),
    column(
        "is_dissatisfied",
        sa.Boolean,
        "latest rating KHÔNG HÀI LÒNG, or named by MaHoSo in any PAKN record",
    ),
    primary_key("dossier_code"),
    schema="marts",
    comment="grain: one row per dossier (latest version); no class-R free text",
)

fct_feedback = sa.Table(
    "fct_feedback",
    metadata,
    column("feedback_id", sa.Text, "id", nullable=False),
    column("agency_code", sa.Text, "MaDonVi, canonical"),
    column("category", sa.Text, "PhanLoai"),
    column("status", sa.Text, "TrangThai"),
    column("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    column("answered_at", sa.DateTime, f"NgayTraLoi: answer or refusal ({LOCAL})"),
    column("published_at", sa.DateTime, LOCAL),
    column("is_published", sa.Boolean, "CongKhai"),
    column("dossier_code", sa.Text, "MaHoSo, if any"),
    column("answer_rating", sa.Text, "DanhGiaTraLoi"),
    column("deadline_date", sa.Date, "the date 15 working days after the date of NgayTiepNhan"),
    column("deadline_at", sa.DateTime, f"the end of deadline_date: the next day at 00:00 ({LOCAL})"),
    column("deadline_calendar_known", sa.Boolean, "ngay-nghi covers the years from receipt to deadline"),
    column("is_answered_on_time", sa.Boolean, "NgayTraLoi not null and before deadline_at"),
    primary_key("feedback_id"),
    schema="marts",
    comment="grain: one row per PAKN record (latest version); no class-R free text",
)

# ---- marts: metric values and quality results ---------------------------------------------------------

metric_period = sa.Table(
    "metric_period",
    metadata,
    column("year", sa.Integer, "assessment year", nullable=False),
    column("period_start", sa.Date, "first day of P", nullable=False),
    column("period_end", sa.Date, "last day of P, inclusive", nullable=False),
    column("period_start_at", sa.DateTime, f"period_start at 00:00 ({LOCAL})", nullable=False),
    column(
        "period_end_at",
        sa.DateTime,
        f"the end of P: the day after period_end at 00:00, or as_of in the year in progress ({LOCAL})",
        nullable=False,
    ),
    column("as_of", sa.DateTime, f"the instant the metrics were computed against ({LOCAL})", nullable=False),
    primary_key("period_start", "period_end"),
    schema="marts",
    comment=(
        "grain: one row per computed period, the year and each month up to as_of; every drill-down view "
        "joins it"
    ),
)

metric_value = sa.Table(
    "metric_value",
    metadata,
    column("agency_code", sa.Text, "MaDinhDanh of the assessed agency", nullable=False),
    column("year", sa.Integer, "assessment year", nullable=False),
    column("period_start", sa.Date, "first day of P (metrics.md §0)", nullable=False),
    column("period_end", sa.Date, "last day of P, inclusive", nullable=False),
    column("metric_code", sa.Text, "metrics.md code, e.g. dvc.on_time_rate", nullable=False),
    column("numerator", sa.BigInteger, "null when the agency has no data of the source"),
    column("denominator", sa.BigInteger, "1 for counts; null when the agency has no data of the source"),
    column("value", sa.Numeric(18, 4), "rounded half-up; null when the denominator is 0 or there is no data"),
    column("as_of", sa.DateTime, f"the instant the metric was computed against ({LOCAL})"),
    column("computed_at", sa.DateTime, LOCAL),
    primary_key("agency_code", "period_start", "period_end", "metric_code"),
    schema="marts",
    comment=(
        "grain: one row per assessed agency, period and metric (interface.md §4): the year (period_start "
        "1 January, period_end 31 December) for every metric, and each calendar month up to as_of for the "
        "rate metrics of the officer's trends (warehouse.metric_values.MONTHLY_METRICS)"
    ),
)


def criterion_explanation_columns() -> list[sa.Column]:
    """The last columns of `criterion_score` (metrics.md §10), also added by migration 0004."""
    return [
        column("explanation", sa.Text, "Vietnamese explanation of a computed leaf (metrics.md §10.4)"),
        column(
            "risk_down", sa.BigInteger, "additional failing cases that lower the score (metrics.md §10.2)"
        ),
        column("gain_up", sa.BigInteger, "additional passing cases that lift it to the next score"),
        column("fix_up", sa.BigInteger, "failing cases to put right for the next score"),
    ]


criterion_score = sa.Table(
    "criterion_score",
    metadata,
    column("agency_code", sa.Text, "MaDinhDanh of the assessed agency", nullable=False),
    column("agency_name", sa.Text, "Vietnamese name"),
    column("year", sa.Integer, "assessment year", nullable=False),
    column("catalogue_id", sa.Text, "catalogue id and version, e.g. template-so@2026.1", nullable=False),
    column("criterion_code", sa.Text, "catalogue node code; TONG for the total", nullable=False),
    column("level", sa.Text, "linh_vuc, tieu_chi, tieu_chi_thanh_phan or tong"),
    column("parent_code", sa.Text, "null for areas and the total"),
    column("criterion_name", sa.Text, "Vietnamese text of the criterion"),
    column("max_points", sa.Numeric(9, 2), "for parents and the total: sum over applicable children"),
    column("score", sa.Numeric(9, 2), "half-up at the leaf, parents sum; null on a missing or n/a leaf"),
    column("metric_code", sa.Text, "metric behind a computed leaf"),
    column("metric_value", sa.Numeric(18, 4), "the metric's value; on TONG the index score / max_points"),
    column("numerator", sa.BigInteger, "the metric's numerator count behind a computed leaf"),
    column("denominator", sa.BigInteger, "the metric's denominator count behind a computed leaf"),
    column(
        "rule",
        sa.Text,
        "binary, step, linear_capped, all_or_nothing, proportional, deadline, manual or external",
    ),
    column("status", sa.Text, "computed, manual, missing, not_applicable or external (metrics.md §9.5)"),
    column("evidence", sa.Text, "document cited (số/ký hiệu; ngày; trích yếu) or drill-down view and counts"),
    column("note", sa.Text, "why missing or not applicable, or the officer's giải trình"),
    *criterion_explanation_columns(),
    column("computed_at", sa.DateTime, LOCAL),
    primary_key("agency_code", "year", "catalogue_id", "criterion_code"),
    schema="marts",
    comment="grain: one row per agency, year, catalogue and catalogue node or total (interface.md §4)",
)

catalogue_leaf = sa.Table(
    "catalogue_leaf",
    metadata,
    column("catalogue_id", sa.Text, "catalogue id and version, as in criterion_score", nullable=False),
    column("catalogue_name", sa.Text, "Vietnamese name of the catalogue"),
    column("unit_types", sa.Text, "comma-separated LoaiDonVi the catalogue scores"),
    column("criterion_code", sa.Text, "the leaf's code, as in criterion_score", nullable=False),
    column("parent_code", sa.Text, "code of the parent node"),
    column("level", sa.Text, "tieu_chi or tieu_chi_thanh_phan"),
    column("criterion_name", sa.Text, "Vietnamese text of the criterion"),
    column("max_points", sa.Numeric(9, 2), "the leaf's maximum points"),
    column("placeholder", sa.Boolean, "max_points is a placeholder of the template, not the province's"),
    column(
        "rule",
        sa.Text,
        "the scoring rule: binary, step, linear_capped, all_or_nothing, proportional, manual … "
        "(metrics.md §5, §9)",
    ),
    column("metric_code", sa.Text, "the metric the rule scores; null for manual leaves"),
    column(
        "bands",
        sa.Text,
        "step: JSON array of [threshold, points], highest threshold first: the points of the first band "
        "the value reaches, else 0",
    ),
    column(
        "target",
        sa.Numeric(18, 4),
        "linear_capped: score = min(max_points, max_points × value ÷ target), at least 0",
    ),
    column("zero_is_pass", sa.Boolean, "binary: full points when the value is 0 (else when it is 1)"),
    column(
        "when_no_cases",
        sa.Text,
        "full, not_applicable or missing: the status when the metric's denominator is 0; null for manual",
    ),
    column("full_requires_cases_of", sa.Text, "when_no_cases full only if this metric has cases"),
    column(
        "period_start", sa.Text, "the leaf's own window, relative to the year Y (e.g. Y-1-12-15); null: P"
    ),
    column("period_end", sa.Text, "the end of the leaf's own window, e.g. Y-12-14; null: P"),
    column("evidence", sa.Text, "drilldown (the metric's view and counts) or document; null for manual"),
    column("not_applicable_for", sa.Text, "comma-separated LoaiDonVi for which the leaf is not applicable"),
    column("computed_at", sa.DateTime, f"when the scoring step wrote the catalogue's rows ({LOCAL})"),
    primary_key("catalogue_id", "criterion_code"),
    schema="marts",
    comment="grain: one row per catalogue and scored leaf, with its rule's parameters: why a leaf's "
    "criterion_score is what it is; replaced per catalogue each time scoring uses it",
)

quality_check_result = sa.Table(
    "quality_check_result",
    metadata,
    column("run_id", sa.Text, "pipeline run that ran the check"),
    column(
        "check_name", sa.Text, "the suite: the table it validates, or dvc.calendar_coverage", nullable=False
    ),
    column("table_name", sa.Text, "schema.table checked"),
    column("passed", sa.Boolean, "whether this expectation held on every row", nullable=False),
    column("blocking", sa.Boolean, "a failure stops scoring and exports"),
    column("severity", sa.Text, "ERROR (blocking) or WARN"),
    column("expectation", sa.Text, "the expectation type"),
    column("column_name", sa.Text, "the column(s) the expectation reads"),
    column("unexpected_count", sa.BigInteger, "rows that broke the expectation"),
    column("sample_keys", sa.Text, "JSON array of offending rows' (pseudonymised) keys"),
    column("detail", sa.Text, "one line naming the expectation and a few offending keys"),
    column("checked_at", sa.DateTime, LOCAL),
    schema="marts",
    comment="grain: one row per expectation evaluated in a run",
)

quality_check_progress = sa.Table(
    "quality_check_progress",
    metadata,
    column("check_name", sa.Text, "the suite, as in marts.quality_check_result", nullable=False),
    column("table_name", sa.Text, "schema.table the suite reads"),
    column("checked_through", sa.DateTime, f"greatest _extracted_at of the rows checked so far ({LOCAL})"),
    column("updated_at", sa.DateTime, LOCAL),
    primary_key("check_name"),
    schema="staging",
    comment="how far each suite over an append-only raw table has read it: a row is checked once, "
    "in the run that landed it",
)


processed_file = sa.Table(
    "processed_file",
    metadata,
    column("source", sa.Text, "hr or edxml", nullable=False),
    column("file_name", sa.Text, nullable=False),
    column("size_bytes", sa.BigInteger),
    column("modified_at", sa.Float, "modification time (POSIX seconds) for the (name, size, mtime) cache"),
    column("sha256", sa.Text, "content hash: the same content is processed once", nullable=False),
    column("status", sa.Text, "loaded, quarantined (done) or retry (read again next run)"),
    column("reason_code", sa.Text, "quarantine reason when the whole file was rejected"),
    column("batch_id", sa.Text),
    column("processed_at", sa.DateTime, LOCAL),
    schema="staging",
    comment="grain: one row per file content seen in a watched folder (sources.md §3.7, §5.1)",
)


def ensure_schema(engine: sa.Engine) -> None:
    """Upgrade the warehouse to the newest migration (creating it if empty); safe to call on every run."""
    # Imported here: the migrations read the tables this module defines.
    from warehouse.migrations import upgrade

    upgrade(engine)


# Each further source declares its tables in `warehouse/tables_<source>.py` with the helpers above and adds
# them to LANDING_TARGETS; importing the module here registers them in `metadata`.
from warehouse import tables_ecabinet, tables_hr, tables_metric_parameters, tables_qlvb  # noqa: E402,F401
