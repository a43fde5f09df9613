-- grain: one row per document of D(P) and computed period (metrics.md §2): di with PromulgationDate in P, den
-- with NgayDen in P, neither recalled nor secret; in_numerator: sent or received electronically.
SELECT
    d.agency_code,
    p.period_start,
    p.period_end,
    d.document_key,
    d.direction,
    d.is_electronic AS in_numerator
FROM marts.fct_document AS d
JOIN marts.metric_period AS p
    ON (
        d.direction = 'di'
        AND CAST(d.promulgation_date AS TIMESTAMP) >= p.period_start_at
        AND CAST(d.promulgation_date AS TIMESTAMP) < p.period_end_at
    )
    OR (d.direction = 'den' AND d.received_at >= p.period_start_at AND d.received_at < p.period_end_at)
WHERE NOT d.is_recalled AND NOT d.is_secret
