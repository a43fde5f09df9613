-- grain: one row per member of the rating population M of the agency for P (metrics.md §8.2): serving
-- cán bộ, công chức and viên chức whose service started by 1 July of Y, with their rating row of year Y if
-- any: the DanhGia row of the latest export (of a month before the end of P) that lists them for Y.
WITH rating AS (
    SELECT
        e.agency_code,
        p.period_start,
        p.period_end,
        r.cbccvc_hash,
        r.rating_code,
        r.decision_number,
        r.decision_date,
        ROW_NUMBER() OVER (
            PARTITION BY e.agency_code, p.period_start, p.period_end, r.cbccvc_hash
            ORDER BY e.export_month DESC) AS export_rank
    FROM staging.stg_hr__rating AS r
    JOIN staging.stg_hr__export AS e ON e._key = r._parent_key
    JOIN marts.metric_period AS p ON r.rating_year = p.year AND e.export_month < p.period_end_at
)
SELECT
    m.agency_code,
    m.year,
    m.period_start,
    m.period_end,
    m.period_end_at,
    m.export_month,
    m.person_id_hash,
    m.staff_type,
    r.cbccvc_hash IS NOT NULL AS is_rated,  -- a DanhGia row of year Y lists the member
    r.rating_code,  -- MucXepLoai, canonical code
    r.decision_number,  -- SoQuyetDinh of the rating
    r.decision_date  -- NgayQuyetDinh of the rating; null when not given
FROM marts.dd_hr_serving_staff AS m
LEFT JOIN rating AS r
    ON r.agency_code = m.agency_code AND r.period_start = m.period_start AND r.period_end = m.period_end
    AND r.cbccvc_hash = m.cbccvc_hash AND r.export_rank = 1
WHERE m.staff_type IN ('Cán bộ', 'Công chức', 'Viên chức')
  AND m.service_start <= CAST(CAST(m.year AS VARCHAR) || '-07-01' AS DATE)
