"""All DDL of the warehouse (SQLAlchemy Core), so that a migration tool can adopt it as it stands.

Schemas: `raw` (as landed), `staging` (typed, one row per key), `quarantine` (rejected records), `marts`
(facts, dimensions, drill-down views, metric values). Timestamps are naive local time (docs/layers.md §1).
"""

from typing import NamedTuple

import sqlalchemy as sa

SCHEMAS = ("raw", "staging", "quarantine", "marts")

metadata = sa.MetaData()

LOCAL = "local time"


def _col(name: str, type_: sa.types.TypeEngine, comment: str | None = None, **kwargs) -> sa.Column:
    return sa.Column(name, type_, comment=comment, **kwargs)


def _primary_key(*columns: str) -> sa.PrimaryKeyConstraint:
    """A primary key declared on PostgreSQL only. On DuckDB its ART index made the delete-and-insert
    merge of a 50k-row batch 10 to 30 times slower (measured), and the merge guarantees uniqueness anyway."""
    return sa.PrimaryKeyConstraint(*columns).ddl_if(dialect="postgresql")


def _raw_table(name: str) -> sa.Table:
    table = sa.Table(
        name,
        metadata,
        _col("_batch_id", sa.Text, "load batch that landed the record", nullable=False),
        _col("_extracted_at", sa.DateTime, f"when the batch was extracted ({LOCAL})", nullable=False),
        _col("_source", sa.Text, "source system, e.g. dvc", nullable=False),
        _col("_locator", sa.Text, "request URL with query and item index, or file, sheet and row"),
        _col("_key", sa.Text, "cleaned natural key"),
        _col(
            "_version", sa.DateTime, f"the record's version time ({LOCAL}); null for unversioned catalogues"
        ),
        _col("_record", sa.Text, "the received JSON object after the privacy rules (sources.md §1.9)"),
        _col("_drift_fields", sa.Text, "comma-separated field names unknown to the contract"),
        schema="raw",
        comment="append-only: one row per received record; a re-landed batch replaces its own rows",
    )
    # Landing finds rows by batch and key (re-landing, conflicts, orphans). DuckDB prunes appended batches
    # with its zone maps and would only pay for an index on every insert.
    sa.Index(f"ix_{name}_batch_key", table.c._batch_id, table.c._key).ddl_if(dialect="postgresql")
    return table


def _staging_table(name: str, comment: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        *columns,
        _col("_key", sa.Text, "cleaned natural key, the merge key", nullable=False),
        _col("_version", sa.DateTime, f"version time ({LOCAL}): the greatest version per key wins"),
        _col("_content_hash", sa.Text, "SHA-256 over the contract fields, version excluded"),
        _col(
            "_fetch_seq",
            sa.BigInteger,
            "fetch order within the run: the later-fetched wins on equal versions",
        ),
        _col(
            "_batch_id",
            sa.Text,
            "batch that landed this version; with _key and _version it finds the raw row",
        ),
        _col("_extracted_at", sa.DateTime, f"when that batch was extracted ({LOCAL})"),
        _primary_key("_key"),
        schema="staging",
        comment=comment,
    )


# ---- DVC raw and staging (docs/layers.md §3-4) -------------------------------------------------------

stg_dvc__procedure = _staging_table(
    "stg_dvc__procedure",
    "DVC thu-tuc: one row per procedure",
    _col("procedure_code", sa.Text, "MaTTHC, full localised code"),
    _col("short_code", sa.Text, "MaTTHCNgan, national short code"),
    _col("procedure_name", sa.Text, "TenTTHC"),
    _col("field_code", sa.Text, "MaLinhVuc"),
    _col("field_name", sa.Text, "TenLinhVuc"),
    _col("service_level", sa.SmallInteger, "MucDo: 4 fully online, 3 partly online, 2 not online"),
    _col("legal_days", sa.Double, "ThoiGianGiaiQuyet: legal processing time; null when unlimited"),
    _col("day_kind", sa.Text, "LoaiThoiGian: Ngày làm việc or Ngày"),
    _col("has_fee", sa.Boolean, "CoPhiLePhi"),
    _col("paper_result", sa.Boolean, "KetQuaGiay: the result is (also) issued on paper"),
    _col("agency_codes", sa.Text, "MaCoQuanThucHien as a JSON array of canonical agency codes"),
    _col("levels", sa.Text, "CapThucHien as a JSON array"),
    _col("status", sa.Text, "TrangThai"),
    _col("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__agency = _staging_table(
    "stg_dvc__agency",
    "DVC don-vi: one row per agency",
    _col("agency_code", sa.Text, "MaDinhDanh, canonical code"),
    _col("old_code", sa.Text, "MaDinhDanhCu, old-format alias"),
    _col("agency_name", sa.Text, "TenDonVi"),
    _col("unit_type", sa.Text, "LoaiDonVi"),
    _col("parent_code", sa.Text, "MaDonViCha, canonical"),
    _col("valid_from", sa.DateTime, f"NgayHieuLuc ({LOCAL})"),
    _col("valid_to", sa.DateTime, f"NgayHetHieuLuc ({LOCAL}); null while active"),
    _col("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__holiday = _staging_table(
    "stg_dvc__holiday",
    "DVC ngay-nghi: one row per day off",
    _col("holiday_date", sa.Date, "Ngay: a day that is not worked"),
    _col("year", sa.Integer, "Nam"),
    _col("holiday_name", sa.Text, "TenNgayNghi"),
    _col("day_kind", sa.Text, "LoaiNgay: Nghỉ lễ or Nghỉ bù"),
)

stg_dvc__dossier = _staging_table(
    "stg_dvc__dossier",
    "DVC ho-so: one row per dossier, its latest state",
    _col("dossier_code", sa.Text, "MaHoSo"),
    _col("procedure_code", sa.Text, "MaTTHC mapped to the full code (quirk Q9)"),
    _col("procedure_name", sa.Text, "TenTTHC"),
    _col("field_code", sa.Text, "MaLinhVuc"),
    _col("channel", sa.SmallInteger, "KenhThucHien: 1 in person, 2 online, 3 public postal service"),
    _col("service_level", sa.SmallInteger, "MucDo at submission"),
    _col("applicant_type", sa.SmallInteger, "LoaiDoiTuong"),
    _col("applicant_id_hash", sa.Text, "SoGiayToChuHoSo, HMAC-SHA256 pseudonym"),
    _col("summary", sa.Text, "TrichYeuHoSo, class R free text: never in marts"),
    _col("submitted_at", sa.DateTime, f"NgayNopHoSo ({LOCAL})"),
    _col("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    _col("due_at", sa.DateTime, f"NgayHenTra, the current promised time ({LOCAL})"),
    _col("processing_ended_at", sa.DateTime, f"NgayKetThucXuLy ({LOCAL})"),
    _col("returned_at", sa.DateTime, f"NgayTra ({LOCAL})"),
    _col("refused_at", sa.DateTime, f"NgayTuChoi ({LOCAL})"),
    _col("status", sa.SmallInteger, "TrangThaiHoSo 1..10"),
    _col("agency_code", sa.Text, "MaDonViXuLy, canonical: the agency the dossier counts towards"),
    _col("has_digitised_component", sa.Boolean, "HoSoCoThanhPhanSoHoa"),
    _col("online_payment", sa.SmallInteger, "DuocThanhToanTrucTuyen 0..3; 1 and 2 mean paid online"),
    _col("has_fee", sa.Boolean, "CoPhiLePhi"),
    _col("vneid_verified", sa.Boolean, "TaiKhoanDuocXacThucVoiVNeID"),
    _col("submitted_component_count", sa.Integer, "entries of TaiLieuNop"),
    _col("digitised_component_count", sa.Integer, "entries of TaiLieuNop with DuocSoHoa = 1"),
    _col("supplement_request_count", sa.Integer, "entries of DanhSachHoSoBoSung: S of metrics.md"),
    _col("result_document_count", sa.Integer, "entries of DanhSachGiayToKetQua"),
    _col(
        "e_result_document_count", sa.Integer, "entries of DanhSachGiayToKetQua with a DuongDanTepTinKetQua"
    ),
    _col("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__apology = _staging_table(
    "stg_dvc__apology",
    "DVC phieu-xin-loi: one row per apology slip",
    _col("apology_id", sa.Text, "Id"),
    _col("dossier_code", sa.Text, "MaHoSo"),
    _col("kind", sa.Text, "Loai, canonical Xin lỗi"),
    _col("summary", sa.Text, "TrichYeu, class R free text: never in marts"),
    _col("drafted_at", sa.DateTime, f"CreatedOn ({LOCAL})"),
    _col("signed_at", sa.DateTime, f"NgayKy ({LOCAL})"),
    _col("new_due_at", sa.DateTime, f"NgayHenTraMoi, promised to the applicant ({LOCAL})"),
    _col("status", sa.Text, "TrangThai, canonical"),
    _col("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__rating = _staging_table(
    "stg_dvc__rating",
    "DVC danh-gia: one row per rated dossier, its latest rating",
    _col("dossier_code", sa.Text, "MaHoSo"),
    _col("rating_kind", sa.Text, "LoaiDanhGia"),
    _col("rating", sa.Text, "DanhGia, canonical upper case"),
    _col("comment", sa.Text, "NoiDungDanhGia, class R free text: never in marts"),
    _col("rated_at", sa.DateTime, f"ThoiGianDanhGia ({LOCAL})"),
    _col("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__feedback = _staging_table(
    "stg_dvc__feedback",
    "DVC pakn: one row per feedback or petition",
    _col("feedback_id", sa.Text, "id"),
    _col("agency_code", sa.Text, "MaDonVi, canonical: the agency addressed"),
    _col("category", sa.Text, "PhanLoai"),
    _col("title", sa.Text, "TieuDe, class R free text: never in marts"),
    _col("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    _col("answered_at", sa.DateTime, f"NgayTraLoi: answer or refusal ({LOCAL})"),
    _col("published_at", sa.DateTime, f"NgayCongKhai ({LOCAL})"),
    _col("status", sa.Text, "TrangThai"),
    _col("is_published", sa.Boolean, "CongKhai"),
    _col("dossier_code", sa.Text, "MaHoSo of the related dossier, if any"),
    _col("answer_rating", sa.Text, "DanhGiaTraLoi"),
    _col("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
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


LANDING_TARGETS: dict[tuple[str, str], LandingTarget] = {
    ("dvc", "thu-tuc"): LandingTarget(_raw_table("dvc__thu_tuc"), stg_dvc__procedure, None),
    ("dvc", "don-vi"): LandingTarget(_raw_table("dvc__don_vi"), stg_dvc__agency, None),
    ("dvc", "ngay-nghi"): LandingTarget(_raw_table("dvc__ngay_nghi"), stg_dvc__holiday, None),
    ("dvc", "ho-so"): LandingTarget(
        _raw_table("dvc__ho_so"), stg_dvc__dossier, AgencyReference("agency", "MaDonViXuLy")
    ),
    ("dvc", "phieu-xin-loi"): LandingTarget(
        _raw_table("dvc__phieu_xin_loi"), stg_dvc__apology, AgencyReference("dossier", "MaHoSo")
    ),
    ("dvc", "danh-gia"): LandingTarget(
        _raw_table("dvc__danh_gia"), stg_dvc__rating, AgencyReference("dossier", "MaHoSo")
    ),
    ("dvc", "pakn"): LandingTarget(
        _raw_table("dvc__pakn"), stg_dvc__feedback, AgencyReference("agency", "MaDonVi")
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
    _col("source", sa.Text, nullable=False),
    _col("entity", sa.Text, "the contract's resource name", nullable=False),
    _col("watermark", sa.DateTime, f"high-water mark of the last complete extraction ({LOCAL})"),
    _col("updated_at", sa.DateTime, f"when the watermark was stored ({LOCAL})"),
    _primary_key("source", "entity"),
    schema="staging",
    comment="incremental extraction cursor per source resource (sources.md §1.8)",
)

cfg_agency = sa.Table(
    "cfg_agency",
    metadata,
    _col("agency_code", sa.Text, "MaDinhDanh, canonical code", nullable=False),
    _col("old_code", sa.Text, "MaDinhDanhCu, old-format alias"),
    _col("agency_name", sa.Text, "TenDonVi"),
    _col("unit_type", sa.Text, "LoaiDonVi"),
    _col("parent_code", sa.Text, "MaDonViCha"),
    _col("valid_from", sa.DateTime, f"NgayHieuLuc ({LOCAL})"),
    _col("valid_to", sa.DateTime, f"NgayHetHieuLuc ({LOCAL})"),
    _primary_key("agency_code"),
    schema="staging",
    comment="the agency table of the configuration (sources.md §8), loaded by the pipeline",
)

rejected_record = sa.Table(
    "rejected_record",
    metadata,
    _col(
        "fingerprint",
        sa.Text,
        "MD5 over source, entity, key, version, field, reason, record",
        nullable=False,
    ),
    _col("source", sa.Text, nullable=False),
    _col("entity", sa.Text, "the contract's resource name", nullable=False),
    _col("record_key", sa.Text, "natural key, cleaned and pseudonymised"),
    _col("record_version", sa.DateTime, f"the record's version time ({LOCAL})"),
    _col("locator", sa.Text, "request URL with query and item index, or file, sheet and row"),
    _col("field", sa.Text, "contract field name; Parent[i].Field for array entries"),
    _col("reason_code", sa.Text, "sources.md §1.10", nullable=False),
    _col("detail", sa.Text, "Vietnamese, names the field"),
    _col("record", sa.Text, "the original record after the privacy rules, JSON text"),
    _col("agency_code", sa.Text, "canonical agency the record belongs to, best effort; null when unknown"),
    _col("batch_id", sa.Text, "batch that quarantined the record"),
    _col("quarantined_at", sa.DateTime, LOCAL),
    _col("released_at", sa.DateTime, f"when a later run accepted the record ({LOCAL}); null while open"),
    _col("released_batch_id", sa.Text, "batch that released it"),
    _primary_key("fingerprint"),
    schema="quarantine",
    comment="one row per rejected record or array entry (sources.md §1.10)",
)

# ---- marts: tables filled by warehouse/models ---------------------------------------------------------

dim_agency = sa.Table(
    "dim_agency",
    metadata,
    _col("agency_code", sa.Text, "MaDinhDanh, canonical", nullable=False),
    _col("old_code", sa.Text, "MaDinhDanhCu"),
    _col("agency_name", sa.Text, "TenDonVi from don-vi when served, else from the configuration"),
    _col("unit_type", sa.Text, "LoaiDonVi"),
    _col("parent_code", sa.Text, "MaDonViCha"),
    _col("valid_from", sa.DateTime, LOCAL),
    _col("valid_to", sa.DateTime, f"{LOCAL}; null while active"),
    _col("is_assessed", sa.Boolean, "gets metric rows: so-ban-nganh, xa-phuong, cnvpdk, quan-huyen"),
    _col("in_config", sa.Boolean, "listed in the agency configuration"),
    _col("in_source", sa.Boolean, "served by DVC don-vi"),
    _primary_key("agency_code"),
    schema="marts",
    comment="grain: one row per agency code of the configuration or of DVC don-vi",
)

dim_procedure = sa.Table(
    "dim_procedure",
    metadata,
    _col("procedure_code", sa.Text, "MaTTHC", nullable=False),
    _col("short_code", sa.Text, "MaTTHCNgan"),
    _col("procedure_name", sa.Text, "TenTTHC"),
    _col("field_code", sa.Text, "MaLinhVuc"),
    _col("field_name", sa.Text, "TenLinhVuc"),
    _col("service_level", sa.SmallInteger, "MucDo"),
    _col("legal_days", sa.Double, "ThoiGianGiaiQuyet"),
    _col("day_kind", sa.Text, "LoaiThoiGian"),
    _col("has_fee", sa.Boolean),
    _col("paper_result", sa.Boolean),
    _col("status", sa.Text),
    _primary_key("procedure_code"),
    schema="marts",
    comment="grain: one row per procedure of DVC thu-tuc",
)

dim_date = sa.Table(
    "dim_date",
    metadata,
    _col("date_day", sa.Date, nullable=False),
    _col("year", sa.Integer),
    _col("iso_weekday", sa.SmallInteger, "1 Monday .. 7 Sunday"),
    _col("is_holiday", sa.Boolean, "listed by DVC ngay-nghi"),
    _col("is_working_day", sa.Boolean, "Monday to Friday and not a holiday"),
    _col(
        "working_day_number",
        sa.Integer,
        "working days from the first date of the table up to and including this date; the working day N "
        "working days after d is the working day numbered working_day_number(d) + N",
    ),
    _col("calendar_known", sa.Boolean, "ngay-nghi lists days of this year; else working days are a guess"),
    _primary_key("date_day"),
    schema="marts",
    comment="grain: one row per date of every year from the first to the last year the warehouse needs",
)

fct_dossier = sa.Table(
    "fct_dossier",
    metadata,
    _col("dossier_code", sa.Text, "MaHoSo", nullable=False),
    _col("agency_code", sa.Text, "MaDonViXuLy, canonical"),
    _col("procedure_code", sa.Text, "MaTTHC, full code"),
    _col("field_code", sa.Text, "MaLinhVuc"),
    _col("channel", sa.SmallInteger, "KenhThucHien"),
    _col("service_level", sa.SmallInteger, "MucDo"),
    _col("applicant_type", sa.SmallInteger, "LoaiDoiTuong"),
    _col("status", sa.SmallInteger, "TrangThaiHoSo"),
    _col("submitted_at", sa.DateTime, LOCAL),
    _col("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    _col("due_at", sa.DateTime, f"NgayHenTra ({LOCAL})"),
    _col("end_at", sa.DateTime, f"E of metrics.md: NgayKetThucXuLy, else NgayTra ({LOCAL})"),
    _col("returned_at", sa.DateTime, LOCAL),
    _col("refused_at", sa.DateTime, LOCAL),
    _col("supplement_request_count", sa.Integer, "S of metrics.md"),
    _col("is_on_time", sa.Boolean, "E not null, E <= NgayHenTra and S <= 1"),
    _col("is_online", sa.Boolean, "KenhThucHien = 2"),
    _col("has_fee", sa.Boolean, "CoPhiLePhi"),
    _col("is_paid_online", sa.Boolean, "DuocThanhToanTrucTuyen in (1, 2)"),
    _col("is_digitised", sa.Boolean, "HoSoCoThanhPhanSoHoa"),
    _col("has_e_result", sa.Boolean, "at least one result document with a DuongDanTepTinKetQua"),
    _col(
        "has_apology_on_time",
        sa.Boolean,
        "an apology slip Xin lỗi, Đã xử lý, signed (NgayKy) at or before NgayHenTra",
    ),
    _col(
        "is_dissatisfied",
        sa.Boolean,
        "latest rating KHÔNG HÀI LÒNG, or named by MaHoSo in any PAKN record",
    ),
    _primary_key("dossier_code"),
    schema="marts",
    comment="grain: one row per dossier (latest version); no class-R free text",
)

fct_feedback = sa.Table(
    "fct_feedback",
    metadata,
    _col("feedback_id", sa.Text, "id", nullable=False),
    _col("agency_code", sa.Text, "MaDonVi, canonical"),
    _col("category", sa.Text, "PhanLoai"),
    _col("status", sa.Text, "TrangThai"),
    _col("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    _col("answered_at", sa.DateTime, f"NgayTraLoi: answer or refusal ({LOCAL})"),
    _col("published_at", sa.DateTime, LOCAL),
    _col("is_published", sa.Boolean, "CongKhai"),
    _col("dossier_code", sa.Text, "MaHoSo, if any"),
    _col("answer_rating", sa.Text, "DanhGiaTraLoi"),
    _col("deadline_date", sa.Date, "the date 15 working days after the date of NgayTiepNhan"),
    _col("deadline_at", sa.DateTime, f"the end of deadline_date: the next day at 00:00 ({LOCAL})"),
    _col("deadline_calendar_known", sa.Boolean, "ngay-nghi covers the years from receipt to deadline"),
    _col("is_answered_on_time", sa.Boolean, "NgayTraLoi not null and before deadline_at"),
    _primary_key("feedback_id"),
    schema="marts",
    comment="grain: one row per PAKN record (latest version); no class-R free text",
)

# ---- marts: metric values and quality results ---------------------------------------------------------

metric_period = sa.Table(
    "metric_period",
    metadata,
    _col("year", sa.Integer, "assessment year", nullable=False),
    _col("period_start", sa.Date, "first day of P", nullable=False),
    _col("period_end", sa.Date, "last day of P, inclusive", nullable=False),
    _col("period_start_at", sa.DateTime, f"period_start at 00:00 ({LOCAL})", nullable=False),
    _col(
        "period_end_at",
        sa.DateTime,
        f"the end of P: the day after period_end at 00:00, or as_of in the year in progress ({LOCAL})",
        nullable=False,
    ),
    _col("as_of", sa.DateTime, f"the instant the metrics were computed against ({LOCAL})", nullable=False),
    _primary_key("year"),
    schema="marts",
    comment="grain: one row per computed period; every drill-down view joins it",
)

metric_value = sa.Table(
    "metric_value",
    metadata,
    _col("agency_code", sa.Text, nullable=False),
    _col("year", sa.Integer, nullable=False),
    _col("period_start", sa.Date, nullable=False),
    _col("period_end", sa.Date, nullable=False),
    _col("metric_code", sa.Text, "metrics.md code, e.g. dvc.on_time_rate", nullable=False),
    _col("numerator", sa.BigInteger, "null when the agency has no data of the source"),
    _col("denominator", sa.BigInteger, "1 for counts; null when the agency has no data of the source"),
    _col("value", sa.Numeric(18, 4), "rounded half-up; null when the denominator is 0 or there is no data"),
    _col("as_of", sa.DateTime, f"the instant the metric was computed against ({LOCAL})"),
    _col("computed_at", sa.DateTime, LOCAL),
    _primary_key("agency_code", "period_start", "period_end", "metric_code"),
    schema="marts",
    comment="grain: one row per assessed agency, period and metric (interface.md §4)",
)

criterion_score = sa.Table(
    "criterion_score",
    metadata,
    _col("agency_code", sa.Text, nullable=False),
    _col("agency_name", sa.Text, "Vietnamese name"),
    _col("year", sa.Integer, "assessment year", nullable=False),
    _col("catalogue_id", sa.Text, "catalogue id and version, e.g. template-so@2026.1", nullable=False),
    _col("criterion_code", sa.Text, "catalogue node code; TONG for the total", nullable=False),
    _col("level", sa.Text, "linh_vuc, tieu_chi, tieu_chi_thanh_phan or tong"),
    _col("parent_code", sa.Text, "null for areas and the total"),
    _col("criterion_name", sa.Text, "Vietnamese text of the criterion"),
    _col("max_points", sa.Numeric(9, 2), "for parents and the total: sum over applicable children"),
    _col("score", sa.Numeric(9, 2), "half-up at the leaf, parents sum; null on a missing or n/a leaf"),
    _col("metric_code", sa.Text, "metric behind a computed leaf"),
    _col("metric_value", sa.Numeric(18, 4), "the metric's value; on TONG the index score / max_points"),
    _col("numerator", sa.BigInteger),
    _col("denominator", sa.BigInteger),
    _col("rule", sa.Text, "binary, step, linear_capped, all_or_nothing or manual"),
    _col("status", sa.Text, "computed, manual, missing or not_applicable"),
    _col("evidence", sa.Text, "document cited (số/ký hiệu; ngày; trích yếu) or drill-down view and counts"),
    _col("note", sa.Text, "why missing or not applicable, or the officer's giải trình"),
    _col("computed_at", sa.DateTime, LOCAL),
    _primary_key("agency_code", "year", "catalogue_id", "criterion_code"),
    schema="marts",
    comment="grain: one row per agency, year, catalogue and catalogue node or total (interface.md §4)",
)

quality_check_result = sa.Table(
    "quality_check_result",
    metadata,
    _col("run_id", sa.Text, "pipeline run that ran the check"),
    _col("check_name", sa.Text, nullable=False),
    _col("table_name", sa.Text, "schema.table checked"),
    _col("passed", sa.Boolean, nullable=False),
    _col("blocking", sa.Boolean, "a failure stops scoring and exports"),
    _col("severity", sa.Text),
    _col("expectation", sa.Text, "the expectation type"),
    _col("column_name", sa.Text),
    _col("unexpected_count", sa.BigInteger),
    _col("sample_keys", sa.Text, "JSON array of offending rows' (pseudonymised) keys"),
    _col("detail", sa.Text),
    _col("checked_at", sa.DateTime, LOCAL),
    schema="marts",
    comment="grain: one row per expectation evaluated in a run",
)


def ensure_schema(engine: sa.Engine) -> None:
    """Create every schema and table that does not exist yet; safe to call on every run."""
    with engine.begin() as conn:
        for name in SCHEMAS:
            conn.execute(sa.schema.CreateSchema(name, if_not_exists=True))
        metadata.create_all(conn, checkfirst=True)
