-- grain: one row per person serving in the agency's snapshot for P (metrics.md §4), with what the HR
-- criteria of metrics.md §8 read: level (sources.md §5.4), division, job position and service start.
SELECT
    s.agency_code,
    s.year,
    s.period_start,
    s.period_end,
    s.period_end_at,
    s.export_month,
    f.person_id_hash,
    f.cbccvc_hash,
    f.staff_type,
    l.leader_level,  -- the level of ChucVuLanhDao (staging.cfg_hr_leader_level); null without a post
    st.division,  -- DonViTrucThuoc cleaned as an enumeration; null when the person belongs to no division
    LOWER(st.division) AS division_key,  -- the division compared case-insensitively (metrics.md §8)
    COALESCE(TRIM(st.job_position), '') <> '' AS has_job_position,  -- ViTriViecLam non-empty after trim
    COALESCE(st.recruited_on, st.joined_on) AS service_start  -- NgayTuyenDung, else NgayVeDonVi
FROM marts.dd_hr_snapshot AS s
JOIN marts.fct_hr_staff AS f ON f.agency_code = s.agency_code AND f.export_month = s.export_month
JOIN staging.stg_hr__export AS e ON e.agency_code = f.agency_code AND e.export_month = f.export_month
JOIN staging.stg_hr__staff AS st ON st._parent_key = e._key AND st.person_id_hash = f.person_id_hash
LEFT JOIN staging.cfg_hr_leader_level AS l ON l.leader_post = st.leader_post
WHERE f.is_serving
