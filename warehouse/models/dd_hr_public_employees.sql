-- grain: one row per viên chức serving in the agency's snapshot for P (a count metric, metrics.md §8.2).
SELECT
    agency_code,
    period_start,
    period_end,
    export_month,
    person_id_hash,
    TRUE AS in_numerator
FROM marts.dd_hr_serving_staff
WHERE staff_type = 'Viên chức'
