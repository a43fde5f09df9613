-- grain: one row per procedure in force (TrangThai Đang áp dụng) and agency named in its MaCoQuanThucHien:
-- Proc(A) of metrics.md §11.1. thu-tuc has no history, so this is the catalogue as served to the run.
-- agency_codes holds the canonical codes as a JSON array of strings, so a code matches with its quotes.
SELECT
    p.procedure_code,
    a.agency_code,
    p.service_level,
    COALESCE(p.has_fee, FALSE) AS has_fee,
    COALESCE(p.paper_result, FALSE) AS paper_result
FROM staging.stg_dvc__procedure AS p
JOIN marts.dim_agency AS a ON POSITION('"' || a.agency_code || '"' IN p.agency_codes) > 0
WHERE p.status = 'Đang áp dụng'
