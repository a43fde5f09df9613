-- grain: one row per division of an agency and computed period (metrics.md §7.7, §13.1): units of
-- marts.dim_agency whose parent is the agency, of type phong-ban or don-vi-truc-thuoc, valid on the last day
-- of the period; with its earliest inspection document, if any. Inspection documents are the agency's
-- outgoing entries passing §7.2 rules 1-4 with the parameters of qlvb.inspection_coverage (matched in
-- Python by warehouse.docreq, one staging.docreq_match row per receiver: item_code is the To[] agency code)
-- promulgated in the period, up to the local date of its cut-off. in_numerator: some inspection document
-- names the division in To[].
WITH inspections AS (
    SELECT
        d.agency_code,
        p.period_start,
        p.period_end,
        m.item_code AS division_code,
        d.document_key,
        d.code_number,
        d.code_notation,
        d.promulgation_date,
        ROW_NUMBER() OVER (
            PARTITION BY d.agency_code, p.period_start, p.period_end, m.item_code
            ORDER BY d.promulgation_date, d.code_number, d.document_key
        ) AS document_rank
    FROM staging.docreq_match AS m
    JOIN marts.fct_document AS d ON d.document_key = m.document_key
    JOIN marts.metric_period AS p ON p.year = m.year
    WHERE m.requirement_id = 'qlvb.inspection_coverage'
        AND d.promulgation_date BETWEEN p.period_start AND p.period_end
        AND d.promulgation_date <= CAST(p.period_end_at - INTERVAL '1 second' AS DATE)
)
SELECT
    a.parent_code AS agency_code,
    p.period_start,
    p.period_end,
    a.agency_code AS division_code,  -- the division (MaDinhDanh), a unit under the agency
    a.unit_type AS division_type,  -- phong-ban or don-vi-truc-thuoc
    i.document_key,  -- the division's earliest inspection document; null when none names it
    i.code_number,
    i.code_notation,
    i.promulgation_date,
    s.subject,
    i.document_key IS NOT NULL AS in_numerator
FROM marts.dim_agency AS a
CROSS JOIN marts.metric_period AS p
LEFT JOIN inspections AS i
    ON i.agency_code = a.parent_code
    AND i.period_start = p.period_start
    AND i.period_end = p.period_end
    AND i.division_code = a.agency_code
    AND i.document_rank = 1
LEFT JOIN staging.stg_qlvb__document AS s ON s._key = i.document_key
WHERE a.unit_type IN ('phong-ban', 'don-vi-truc-thuoc')
    AND (a.valid_from IS NULL OR CAST(a.valid_from AS DATE) <= p.period_end)
    AND (a.valid_to IS NULL OR CAST(p.period_end AS TIMESTAMP) < a.valid_to)
