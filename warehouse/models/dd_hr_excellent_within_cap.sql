-- grain: one row per agency and period P in which a công chức of the rating population M has a rating row
-- (the denominator 1; none: 0). in_numerator: 5 × (công chức rated HTXSNV) ≤ (công chức rated HTTNV),
-- integers, no rounding (metrics.md §8.2).
SELECT
    agency_code,
    period_start,
    period_end,
    MAX(export_month) AS export_month,
    SUM(CASE WHEN rating_code = 'HTXSNV' THEN 1 ELSE 0 END) AS excellent,  -- công chức rated HTXSNV
    SUM(CASE WHEN rating_code = 'HTTNV' THEN 1 ELSE 0 END) AS good,  -- công chức rated HTTNV
    5 * SUM(CASE WHEN rating_code = 'HTXSNV' THEN 1 ELSE 0 END)
        <= SUM(CASE WHEN rating_code = 'HTTNV' THEN 1 ELSE 0 END) AS in_numerator
FROM marts.dd_hr_rating_member
WHERE is_rated AND staff_type = 'Công chức'
GROUP BY agency_code, period_start, period_end
