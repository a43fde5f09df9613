-- grain: one row per handling assignment (XuLy entry) of an API register entry; the agency is the register's.
SELECT
    h._parent_key AS document_key,
    CAST(ROW_NUMBER() OVER (
        PARTITION BY h._parent_key ORDER BY h.unit_code, h.role, h.due_date, h.completed_at, h.status
    ) AS INTEGER) AS entry_number,
    d.agency_code,
    h.unit_code,
    h.role,
    h.due_date,
    h.completed_at,
    h.status,
    COALESCE(CAST(h.completed_at AS DATE) <= h.due_date, FALSE) AS is_done_on_time,
    d.is_recalled,
    d.is_secret
FROM staging.stg_qlvb__handling AS h
JOIN marts.fct_document AS d ON d.document_key = h._parent_key
