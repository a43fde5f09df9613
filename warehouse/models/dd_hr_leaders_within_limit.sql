-- grain: one row per unit checked for P (metrics.md §8.1): the agency itself, and each distinct division
-- (DonViTrucThuoc, case-insensitive) of its serving staff. deputies: serving staff at the level "deputy
-- head of the agency" (the agency) or "deputy head of a division" (a division); the limit comes from the
-- parameters of hr.leaders_within_limit in staging.cfg_metric_parameter. in_numerator: deputies ≤ limit,
-- or the agency is exempt (exempt_until on or after the last day of P).
WITH parameter AS (
    SELECT year, name, item_key, value
    FROM staging.cfg_metric_parameter
    WHERE metric_code = 'hr.leaders_within_limit'
),
unit AS (
    SELECT
        agency_code, year, period_start, period_end, export_month,
        'agency' AS unit_kind,
        CAST(NULL AS VARCHAR) AS division_key,
        CAST(NULL AS VARCHAR) AS division,
        SUM(CASE WHEN staff_type = 'Công chức' THEN 1 ELSE 0 END) AS civil_servants,
        SUM(CASE WHEN leader_level = 'agency_deputy' THEN 1 ELSE 0 END) AS deputies
    FROM marts.dd_hr_serving_staff
    GROUP BY agency_code, year, period_start, period_end, export_month
    UNION ALL
    SELECT
        agency_code, year, period_start, period_end, export_month,
        'division' AS unit_kind,
        division_key,
        MIN(division) AS division,
        SUM(CASE WHEN staff_type = 'Công chức' THEN 1 ELSE 0 END) AS civil_servants,
        SUM(CASE WHEN leader_level = 'division_deputy' THEN 1 ELSE 0 END) AS deputies
    FROM marts.dd_hr_serving_staff
    WHERE division_key IS NOT NULL AND division_key <> ''
    GROUP BY agency_code, year, period_start, period_end, export_month, division_key
),
fixed_limit AS (
    -- the fixed limit of a division whose name starts with a key of fixed_limits; the longest key wins
    SELECT
        u.agency_code, u.period_start, u.period_end, u.division_key,
        CAST(p.value AS INTEGER) AS deputy_limit,
        ROW_NUMBER() OVER (
            PARTITION BY u.agency_code, u.period_start, u.period_end, u.division_key
            ORDER BY LENGTH(p.item_key) DESC) AS key_rank
    FROM unit AS u
    JOIN parameter AS p
        ON p.year = u.year AND p.name = 'fixed_limits'
        AND SUBSTR(u.division_key, 1, LENGTH(p.item_key)) = p.item_key
    WHERE u.unit_kind = 'division'
),
band_limit AS (
    -- the band of division_bands with the largest threshold the division's civil servants reach
    SELECT
        u.agency_code, u.period_start, u.period_end, u.division_key,
        CAST(p.value AS INTEGER) AS deputy_limit,
        ROW_NUMBER() OVER (
            PARTITION BY u.agency_code, u.period_start, u.period_end, u.division_key
            ORDER BY CAST(p.item_key AS INTEGER) DESC) AS band_rank
    FROM unit AS u
    JOIN parameter AS p
        ON p.year = u.year AND p.name = 'division_bands' AND u.civil_servants >= CAST(p.item_key AS INTEGER)
    WHERE u.unit_kind = 'division'
),
limited AS (
    SELECT
        u.*,
        CASE
            WHEN u.unit_kind = 'agency' THEN COALESCE(
                (SELECT CAST(p.value AS INTEGER) FROM parameter AS p
                 WHERE p.year = u.year AND p.name = 'agency_deputies_by_agency' AND p.item_key = u.agency_code),
                (SELECT CAST(p.value AS INTEGER) FROM parameter AS p
                 WHERE p.year = u.year AND p.name = 'agency_deputies'))
            ELSE COALESCE(f.deputy_limit, b.deputy_limit)
        END AS deputy_limit,
        COALESCE(
            (SELECT CAST(p.value AS DATE) FROM parameter AS p
             WHERE p.year = u.year AND p.name = 'exempt_until' AND p.item_key = u.agency_code) >= u.period_end,
            FALSE) AS is_exempt
    FROM unit AS u
    LEFT JOIN fixed_limit AS f
        ON f.agency_code = u.agency_code AND f.period_start = u.period_start AND f.period_end = u.period_end
        AND f.division_key = u.division_key AND f.key_rank = 1
    LEFT JOIN band_limit AS b
        ON b.agency_code = u.agency_code AND b.period_start = u.period_start AND b.period_end = u.period_end
        AND b.division_key = u.division_key AND b.band_rank = 1
)
SELECT
    l.agency_code,
    l.period_start,
    l.period_end,
    l.export_month,
    l.unit_kind,  -- agency: the agency itself; division: one of its divisions
    COALESCE(l.division, a.agency_name, l.agency_code) AS unit_label,  -- the division, or the agency's name
    l.civil_servants,  -- n_d: the unit's serving công chức, leaders included
    l.deputies,  -- serving staff at the unit's deputy level
    l.deputy_limit,  -- the most deputies allowed (metrics.md §8.1)
    l.is_exempt,  -- exempt_until of the agency is on or after the last day of P (NĐ 370/2025 transition)
    l.is_exempt OR l.deputies <= l.deputy_limit AS in_numerator
FROM limited AS l
LEFT JOIN marts.dim_agency AS a ON a.agency_code = l.agency_code
