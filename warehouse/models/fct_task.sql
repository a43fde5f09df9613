-- grain: one row per task (its latest version); no free text. A maNguon that names no meeting or poll of
-- the warehouse is kept (source_found false) and reported as a warning, never quarantined (sources.md §4.5).
SELECT
    t.task_code,
    t.agency_code,
    t.source_kind,
    t.source_code,
    CASE
        WHEN t.source_code IS NULL THEN NULL
        ELSE t.source_code IN (SELECT meeting_code FROM staging.stg_ecabinet__meeting)
            OR t.source_code IN (SELECT poll_code FROM staging.stg_ecabinet__poll)
    END AS source_found,
    t.status,
    t.assigned_on,
    t.due_on,
    t.completed_on,
    COALESCE(t.completed_on <= t.due_on, FALSE) AS is_on_time
FROM staging.stg_ecabinet__task AS t
