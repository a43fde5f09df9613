-- grain: one row per lead handling assignment (VaiTro chủ trì) with HanXuLy in P, on a document neither
-- recalled nor secret, and computed period; in_numerator: NgayHoanThanh's local date <= HanXuLy.
-- In the year in progress an assignment still open at the end of P whose deadline (the end of HanXuLy)
-- is later leaves both counts (metrics.md §0).
SELECT
    h.agency_code,
    p.period_start,
    p.period_end,
    h.document_key,
    h.entry_number,
    h.due_date,
    h.is_done_on_time AND h.completed_at < p.period_end_at AS in_numerator
FROM marts.fct_document_handling AS h
JOIN marts.metric_period AS p
    ON h.due_date >= p.period_start
    AND h.due_date <= p.period_end
    AND (
        h.completed_at < p.period_end_at
        OR CAST(h.due_date AS TIMESTAMP) + INTERVAL '1 day' <= p.period_end_at
    )
WHERE h.role = 'chủ trì' AND NOT h.is_recalled AND NOT h.is_secret
