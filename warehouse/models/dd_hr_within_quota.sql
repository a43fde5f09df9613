-- grain: one row per agency whose snapshot for P has a BienChe row for year Y; in_numerator: the civil
-- servants serving in the snapshot are at most BienCheCongChucGiao.
SELECT
    s.agency_code,
    s.period_start,
    s.period_end,
    s.export_month,
    q.quota_year,
    q.civil_servant_quota,
    COALESCE(c.civil_servants, 0) AS civil_servants,  -- serving in the snapshot (dd_hr_civil_servants)
    COALESCE(c.civil_servants, 0) <= q.civil_servant_quota AS in_numerator
FROM marts.dd_hr_snapshot AS s
JOIN marts.fct_hr_quota AS q
    ON q.agency_code = s.agency_code AND q.export_month = s.export_month AND q.quota_year = s.year
LEFT JOIN (
    SELECT agency_code, period_start, period_end, COUNT(*) AS civil_servants
    FROM marts.dd_hr_civil_servants
    GROUP BY agency_code, period_start, period_end
) AS c ON c.agency_code = s.agency_code AND c.period_start = s.period_start AND c.period_end = s.period_end
