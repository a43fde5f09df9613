-- grain: one row per PAKN record (its latest version); no class-R free text.
-- The deadline is the end of the day 15 working days after the date of NgayTiepNhan (metrics.md
-- dvc.pakn_on_time_rate): the working day numbered 15 after the receipt date's number in marts.dim_date.
SELECT
    f.feedback_id,
    f.agency_code,
    f.category,
    f.status,
    f.received_at,
    f.answered_at,
    f.published_at,
    f.is_published,
    f.dossier_code,
    f.answer_rating,
    deadline.date_day AS deadline_date,
    CAST(deadline.date_day AS TIMESTAMP) + INTERVAL '1 day' AS deadline_at,
    COALESCE(receipt.calendar_known AND deadline.calendar_known, FALSE) AS deadline_calendar_known,
    COALESCE(f.answered_at < CAST(deadline.date_day AS TIMESTAMP) + INTERVAL '1 day', FALSE)
        AS is_answered_on_time
FROM staging.stg_dvc__feedback AS f
LEFT JOIN marts.dim_date AS receipt ON receipt.date_day = CAST(f.received_at AS DATE)
LEFT JOIN marts.dim_date AS deadline
    ON deadline.is_working_day AND deadline.working_day_number = receipt.working_day_number + 15
