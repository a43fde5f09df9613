-- grain: one row per member of the rating population M for P (marts.dd_hr_rating_member) but the pending
-- ones: while the end of P is before the day after the deadline D (staging.cfg_metric_parameter,
-- rating_deadline), a member without a rating decided by D leaves the denominator (metrics.md §8.2).
-- in_numerator: the member's rating row has NgayQuyetDinh ≤ D.
WITH deadline AS (
    SELECT year, CAST(value AS DATE) AS deadline_date
    FROM staging.cfg_metric_parameter
    WHERE metric_code = 'hr.rating_on_time_rate' AND name = 'rating_deadline'
),
judged AS (
    SELECT
        m.agency_code,
        m.period_start,
        m.period_end,
        m.period_end_at,
        m.export_month,
        m.person_id_hash,
        m.decision_number,
        m.decision_date,
        d.deadline_date,
        COALESCE(m.decision_date <= d.deadline_date, FALSE) AS on_time
    FROM marts.dd_hr_rating_member AS m
    JOIN deadline AS d ON d.year = m.year
)
SELECT
    agency_code,
    period_start,
    period_end,
    export_month,
    person_id_hash,
    decision_number,
    decision_date,
    deadline_date,  -- D, the rating deadline of the year
    on_time AS in_numerator
FROM judged
WHERE on_time OR period_end_at >= CAST(deadline_date AS TIMESTAMP) + INTERVAL '1 day'
