-- grain: one row per member of the rating population M for P with a rating row of year Y
-- (marts.dd_hr_rating_member); in_numerator: rated HTXSNV or HTTNV (metrics.md §8.2).
SELECT
    agency_code,
    period_start,
    period_end,
    export_month,
    person_id_hash,
    rating_code,
    decision_number,
    decision_date,
    rating_code IN ('HTXSNV', 'HTTNV') AS in_numerator
FROM marts.dd_hr_rating_member
WHERE is_rated
