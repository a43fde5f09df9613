"""Pipeline state and configuration (staging), and the quarantine of rejected records."""

import sqlalchemy as sa

from warehouse.tables_common import LOCAL, column, metadata, primary_key, state_table

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
