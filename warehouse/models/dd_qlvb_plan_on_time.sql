-- grain: one row per candidate CCHC plan of the year and computed period, earliest first (candidate_rank):
-- an outgoing document, not recalled, whose CodeNotation starts with KH- and whose Subject contains both
-- "cải cách hành chính" and "năm Y" (Subject is NFC in staging; compared in lower case, which needs a
-- UTF-8 collation on PostgreSQL). in_numerator: promulgated on or before the deadline, the catalogue's
-- (staging.cfg_qlvb_plan_deadline) or Y-1-12-31. Subject is class R: it is here only as the evidence the
-- metric cites (metrics.md §2).
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    d.document_key,
    d.code_number,
    d.code_notation,
    d.promulgation_date,
    s.subject,
    COALESCE(c.deadline_date, make_date(p.year - 1, 12, 31)) AS deadline_date,
    d.promulgation_date <= COALESCE(c.deadline_date, make_date(p.year - 1, 12, 31)) AS in_numerator,
    ROW_NUMBER() OVER (
        PARTITION BY d.agency_code, p.period_start, p.period_end
        ORDER BY d.promulgation_date, d.code_number, d.document_key
    ) AS candidate_rank  -- order of promulgation within the agency and period, 1 for the earliest
FROM marts.fct_document AS d
JOIN staging.stg_qlvb__document AS s ON s._key = d.document_key
CROSS JOIN marts.metric_period AS p
LEFT JOIN staging.cfg_qlvb_plan_deadline AS c ON c.year = p.year
WHERE d.direction = 'di'
    AND NOT d.is_recalled
    AND d.code_notation LIKE 'KH-%'
    AND LOWER(s.subject) LIKE '%cải cách hành chính%'
    AND LOWER(s.subject) LIKE '%năm ' || CAST(p.year AS VARCHAR) || '%'
ORDER BY d.agency_code, p.period_start, p.period_end, candidate_rank
