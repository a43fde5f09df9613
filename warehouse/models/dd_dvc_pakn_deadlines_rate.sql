-- grain: one row per PAKN record received in P and computed period, except pending ones (metrics.md §11.1,
-- §13.9); in_numerator: handled within every limit of Decision 766 indicator 5.2. With d the date of
-- NgayTiepNhan and "the end of the N-th working day after" as in §1: a refusal (Từ chối tiếp nhận) needs
-- NgayTraLoi before the end of the 2nd working day after d; an answer (Đã trả lời) needs NgayTraLoi before
-- the end of the 15th (marts.fct_feedback.deadline_at) and NgayCongKhai before the end of the 2nd working
-- day after the date of NgayTraLoi. Pending: no NgayTraLoi and the 15-day limit at or after the end of P, or
-- answered without NgayCongKhai and the publication limit at or after the end of P.
WITH limits AS (
    SELECT
        f.feedback_id,
        f.agency_code,
        f.received_at,
        f.answered_at,
        f.published_at,
        f.status,
        f.answer_rating,
        f.deadline_at AS answer_limit_at,
        CAST(refusal.date_day AS TIMESTAMP) + INTERVAL '1 day' AS refusal_limit_at,
        CAST(publication.date_day AS TIMESTAMP) + INTERVAL '1 day' AS publication_limit_at
    FROM marts.fct_feedback AS f
    LEFT JOIN marts.dim_date AS receipt ON receipt.date_day = CAST(f.received_at AS DATE)
    LEFT JOIN marts.dim_date AS refusal
        ON refusal.is_working_day AND refusal.working_day_number = receipt.working_day_number + 2
    LEFT JOIN marts.dim_date AS answer ON answer.date_day = CAST(f.answered_at AS DATE)
    LEFT JOIN marts.dim_date AS publication
        ON publication.is_working_day AND publication.working_day_number = answer.working_day_number + 2
)
SELECT
    l.agency_code,
    p.period_start,
    p.period_end,
    l.feedback_id,
    l.answer_rating,
    COALESCE(
        CASE l.status
            WHEN 'Từ chối tiếp nhận' THEN l.answered_at < l.refusal_limit_at
            WHEN 'Đã trả lời' THEN l.answered_at < l.answer_limit_at AND l.published_at < l.publication_limit_at
            ELSE FALSE
        END,
        FALSE
    ) AS in_numerator
FROM limits AS l
JOIN marts.metric_period AS p ON l.received_at >= p.period_start_at AND l.received_at < p.period_end_at
WHERE NOT (l.answered_at IS NULL AND l.answer_limit_at >= p.period_end_at)
    AND NOT (
        l.status = 'Đã trả lời' AND l.published_at IS NULL AND l.publication_limit_at >= p.period_end_at
    )
