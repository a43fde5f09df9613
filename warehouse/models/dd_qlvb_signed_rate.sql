-- grain: one row per outgoing document of D(P) sent electronically, and computed period; in_numerator: it
-- carries a valid signature with the agency's certificate (KyBoi co_quan, HopLe true).
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    d.document_key,
    d.has_agency_signature AS in_numerator
FROM marts.fct_document AS d
JOIN marts.metric_period AS p
    ON CAST(d.promulgation_date AS TIMESTAMP) >= p.period_start_at
    AND CAST(d.promulgation_date AS TIMESTAMP) < p.period_end_at
WHERE d.direction = 'di' AND d.is_electronic AND NOT d.is_recalled AND NOT d.is_secret
