-- grain: one row per PAKN record of marts.dd_dvc_pakn_deadlines_rate (received in P, not pending) and
-- computed period; in_numerator: handled within every limit and not rated KHÔNG HÀI LÒNG (DanhGiaTraLoi).
SELECT
    agency_code,
    period_start,
    period_end,
    feedback_id,
    in_numerator AND COALESCE(answer_rating <> 'KHÔNG HÀI LÒNG', TRUE) AS in_numerator
FROM marts.dd_dvc_pakn_deadlines_rate
