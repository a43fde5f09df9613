"""The tables every source shares: the pipeline's own state and configuration (staging), the quarantine of
rejected records, and the marts of agencies and dates, metric periods and values, criterion scores, the
catalogue's leaves and the quality-check results."""

import sqlalchemy as sa

from warehouse.tables_common import LOCAL, column, mart_table, metadata, primary_key, state_table

# ---- pipeline state and configuration ---------------------------------------------------------------------

extraction_cursor = state_table(
    "extraction_cursor",
    column("source", sa.Text, "source system: dvc, qlvb, ecabinet or hr", nullable=False),
    column("entity", sa.Text, "the contract's resource name", nullable=False),
    column("watermark", sa.DateTime, f"high-water mark of the last complete extraction ({LOCAL})"),
    column("updated_at", sa.DateTime, f"when the watermark was stored ({LOCAL})"),
    primary_key("source", "entity"),
    comment="incremental extraction cursor per source resource (sources.md §1.8)",
)

cfg_agency = state_table(
    "cfg_agency",
    column("agency_code", sa.Text, "MaDinhDanh, canonical code", nullable=False),
    column("old_code", sa.Text, "MaDinhDanhCu, old-format alias"),
    column("agency_name", sa.Text, "TenDonVi"),
    column("unit_type", sa.Text, "LoaiDonVi"),
    column("parent_code", sa.Text, "MaDonViCha"),
    column("valid_from", sa.DateTime, f"NgayHieuLuc ({LOCAL})"),
    column("valid_to", sa.DateTime, f"NgayHetHieuLuc ({LOCAL})"),
    primary_key("agency_code"),
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

quality_check_progress = state_table(
    "quality_check_progress",
    column("check_name", sa.Text, "the suite, as in marts.quality_check_result", nullable=False),
    column("table_name", sa.Text, "schema.table the suite reads"),
    column("checked_through", sa.DateTime, f"greatest _extracted_at of the rows checked so far ({LOCAL})"),
    column("updated_at", sa.DateTime, LOCAL),
    primary_key("check_name"),
    comment="how far each suite over an append-only raw table has read it: a row is checked once, "
    "in the run that landed it",
)


processed_file = state_table(
    "processed_file",
    column("source", sa.Text, "hr or edxml", nullable=False),
    column("file_name", sa.Text, nullable=False),
    column("size_bytes", sa.BigInteger),
    column("modified_at", sa.Float, "modification time (POSIX seconds) for the (name, size, mtime) cache"),
    column("sha256", sa.Text, "content hash: the same content is processed once", nullable=False),
    column("status", sa.Text, "loaded, quarantined (done) or retry (read again next run)"),
    column("reason_code", sa.Text, "quarantine reason when the whole file was rejected"),
    column("batch_id", sa.Text),
    column("processed_at", sa.DateTime, LOCAL),
    comment="grain: one row per file content seen in a watched folder (sources.md §3.7, §5.1)",
)

# ---- marts ------------------------------------------------------------------------------------------------

dim_agency = mart_table(
    "dim_agency",
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
    comment="grain: one row per agency code of the configuration or of DVC don-vi",
)

dim_date = mart_table(
    "dim_date",
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
    comment="grain: one row per date of every year from the first to the last year the warehouse needs",
)

# ---- marts: metric values and quality results ---------------------------------------------------------

metric_period = mart_table(
    "metric_period",
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
    comment=(
        "grain: one row per computed period, the year and each month up to as_of; every drill-down view "
        "joins it"
    ),
)

metric_value = mart_table(
    "metric_value",
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


criterion_score = mart_table(
    "criterion_score",
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
    comment="grain: one row per agency, year, catalogue and catalogue node or total (interface.md §4)",
)

catalogue_leaf = mart_table(
    "catalogue_leaf",
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
    comment="grain: one row per catalogue and scored leaf, with its rule's parameters: why a leaf's "
    "criterion_score is what it is; replaced per catalogue each time scoring uses it",
)

quality_check_result = mart_table(
    "quality_check_result",
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
    comment="grain: one row per expectation evaluated in a run",
)
