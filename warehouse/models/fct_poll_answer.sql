-- grain: one row per member asked in a poll (the poll's latest version); no free text (yKien stays in
-- staging). On time: answered (luaChon not chưa trả lời) at or before the poll's hanTraLoi.
SELECT
    p.poll_code,
    a.member_id,
    o.agency_code,
    p.status AS poll_status,
    p.status = 'đã hủy' AS is_poll_cancelled,
    p.sent_at,
    p.answer_due_at,
    a.choice,
    a.answered_at,
    a.is_signed,
    COALESCE(a.choice <> 'chưa trả lời' AND a.answered_at <= p.answer_due_at, FALSE) AS is_answered_on_time
FROM staging.stg_ecabinet__poll AS p
JOIN staging.stg_ecabinet__poll_member AS a ON a._parent_key = p._key
CROSS JOIN staging.cfg_ecabinet_owner AS o
