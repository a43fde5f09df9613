-- grain: one row per agency holding a QLVB register, computed period and item of a document requirement
-- of the year (metrics.md §7.3). The deciding document is the item's first candidate; status: on_time
-- (promulgated on or before the deadline, or any when there is none), late, pending (no candidate, pending
-- allowed, t before the day after the deadline), unverifiable (no candidate, coverage checked, the window
-- opening before C or unbounded, C being the local date the first QLVB extraction of the direction started
-- from, kept beside its cursor; none without it), else missing. days_late = PromulgationDate - deadline;
-- cutoff_date, the local date of t, is when a missing item would be issued if issued now (§10.3).
-- The Subject of the deciding document is here as the evidence it is (metrics.md §7.4); the per-requirement
-- views marts.dd_qlvb_<id>_on_time and _issued (warehouse.docreq) select from this one.
WITH registers AS (
    SELECT DISTINCT agency_code FROM marts.fct_document
),
coverage AS (
    SELECT entity, CAST(watermark AS DATE) AS coverage_start
    FROM staging.extraction_cursor
    WHERE source = 'qlvb'
),
deciding AS (
    SELECT * FROM marts.dd_qlvb_docreq_candidate WHERE candidate_rank = 1
)
SELECT
    r.agency_code,
    p.period_start,
    p.period_end,
    i.requirement_id,
    i.requirement_name,
    i.item_order,
    i.item_code,
    i.item_name,
    i.deadline_date,
    CASE
        WHEN c.document_key IS NOT NULL
            AND (i.deadline_date IS NULL OR c.promulgation_date <= i.deadline_date) THEN 'on_time'
        WHEN c.document_key IS NOT NULL THEN 'late'
        WHEN i.is_pending_allowed AND i.deadline_date IS NOT NULL
            AND p.period_end_at < CAST(i.deadline_date + 1 AS TIMESTAMP) THEN 'pending'
        WHEN i.is_coverage_checked AND f.coverage_start IS NOT NULL
            AND (i.after_date IS NULL OR i.after_date < f.coverage_start) THEN 'unverifiable'
        ELSE 'missing'
    END AS status,  -- on_time, late, pending, unverifiable or missing (metrics.md §7.3)
    c.document_key,
    c.code_number,
    c.code_notation,
    c.promulgation_date,
    s.subject,
    c.promulgation_date - i.deadline_date AS days_late,  -- calendar days after the deadline, <= 0 on time
    f.coverage_start,  -- C: the local date the first QLVB extraction of the direction started from
    CAST(p.period_end_at - INTERVAL '1 second' AS DATE) AS cutoff_date  -- the local date of t
FROM registers AS r
CROSS JOIN marts.metric_period AS p
JOIN staging.cfg_docreq_item AS i ON i.year = p.year AND i.requirement_id NOT LIKE '%.%'
LEFT JOIN deciding AS c
    ON c.agency_code = r.agency_code
    AND c.period_start = p.period_start
    AND c.period_end = p.period_end
    AND c.requirement_id = i.requirement_id
    AND c.item_code = i.item_code
LEFT JOIN coverage AS f ON f.entity = 'documents_' || i.direction || '_first_start'
LEFT JOIN staging.stg_qlvb__document AS s ON s._key = c.document_key
