-- grain: one row per meeting (its latest version); no free text. Every meeting belongs to the agency that
-- operates E-CABINET (staging.cfg_ecabinet_owner, metrics.md §3); none while the owner was never stored.
SELECT
    m.meeting_code,
    o.agency_code,
    m.kind,
    m.meeting_format,
    m.status,
    m.starts_at,
    m.status = 'đã hủy' AS is_cancelled,
    m.is_paperless,
    m.reported_paperless,
    m.detail_fetched,
    m.document_count,
    m.paper_document_count,
    m.attendee_count,
    m.attended_count
FROM staging.stg_ecabinet__meeting AS m
CROSS JOIN staging.cfg_ecabinet_owner AS o
