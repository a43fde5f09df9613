-- grain: one row per candidate of an item of a document requirement (metrics.md §7.2), per agency and
-- computed period. staging.docreq_match holds the register entries passing rules 1-6 (register, not
-- recalled nor secret, type, subject phrases with word boundaries, receivers, in force), matched in Python
-- by warehouse.docreq because word boundaries have no portable SQL; rule 7 is applied here: promulgated
-- inside the item's window (after_date, until_date; null: no bound) and on or before the local date of the
-- period's cut-off t (period_end_at, the end of P or the run's start; a cut-off at midnight is the day
-- before). candidate_rank: PromulgationDate, then CodeNumber, then the natural key; 1 is the deciding one.
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    i.requirement_id,
    i.item_code,
    d.document_key,
    d.code_number,
    d.code_notation,
    d.promulgation_date,
    ROW_NUMBER() OVER (
        PARTITION BY d.agency_code, p.period_start, p.period_end, i.requirement_id, i.item_code
        ORDER BY d.promulgation_date, d.code_number, d.document_key
    ) AS candidate_rank  -- order of the item's candidates, 1 for the deciding document
FROM staging.docreq_match AS m
JOIN staging.cfg_docreq_item AS i
    ON i.year = m.year AND i.requirement_id = m.requirement_id AND i.item_code = m.item_code
JOIN marts.fct_document AS d ON d.document_key = m.document_key
JOIN marts.metric_period AS p ON p.year = m.year
WHERE (i.after_date IS NULL OR d.promulgation_date >= i.after_date)
    AND (i.until_date IS NULL OR d.promulgation_date <= i.until_date)
    AND d.promulgation_date <= CAST(p.period_end_at - INTERVAL '1 second' AS DATE)
