-- grain: one row per candidate CCHC plan of the year and computed period, earliest first (candidate_rank):
-- the candidates of the item of requirement `plan` (metrics.md §7.6: an outgoing KH document, not recalled,
-- whose Subject contains "cải cách hành chính" and "năm Y", lower-cased, without word boundaries; any date
-- up to the cut-off). in_numerator: promulgated on or before the item's deadline (the catalogue's, else
-- Y-1-12-31). Subject is class R: it is here only as the evidence the metric cites (metrics.md §2).
SELECT
    c.agency_code,
    c.period_start,
    c.period_end,
    c.document_key,
    c.code_number,
    c.code_notation,
    c.promulgation_date,
    s.subject,
    i.deadline_date,
    c.promulgation_date <= i.deadline_date AS in_numerator,
    c.candidate_rank,  -- order of promulgation within the agency and period, 1 for the earliest
    c.item_code  -- the plan's item (kh), metrics.md §7.4
FROM marts.dd_qlvb_docreq_candidate AS c
JOIN marts.metric_period AS p ON p.period_start = c.period_start AND p.period_end = c.period_end
JOIN staging.cfg_docreq_item AS i
    ON i.year = p.year AND i.requirement_id = c.requirement_id AND i.item_code = c.item_code
JOIN staging.stg_qlvb__document AS s ON s._key = c.document_key
WHERE c.requirement_id = 'plan'
ORDER BY c.agency_code, c.period_start, c.period_end, c.candidate_rank
