-- grain: one row per công chức or viên chức serving in the agency's snapshot for P; in_numerator: their
-- ViTriViecLam is non-empty (metrics.md §8.2).
SELECT
    agency_code,
    period_start,
    period_end,
    export_month,
    person_id_hash,
    has_job_position AS in_numerator
FROM marts.dd_hr_serving_staff
WHERE staff_type IN ('Công chức', 'Viên chức')
