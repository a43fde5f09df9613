-- grain: one row per dossier (its latest version); no class-R free text.
-- E (end_at) and S (supplement_request_count) as metrics.md §1 defines them. An apology slip counts
-- when signed (Đã xử lý) by the due date: at least one such slip means the first signed one is.
SELECT
    d.dossier_code,
    d.agency_code,
    d.procedure_code,
    d.field_code,
    d.channel,
    d.service_level,
    d.applicant_type,
    d.status,
    d.submitted_at,
    d.received_at,
    d.due_at,
    COALESCE(d.processing_ended_at, d.returned_at) AS end_at,
    d.returned_at,
    d.refused_at,
    COALESCE(d.supplement_request_count, 0) AS supplement_request_count,
    COALESCE(
        COALESCE(d.processing_ended_at, d.returned_at) <= d.due_at
        AND COALESCE(d.supplement_request_count, 0) <= 1,
        FALSE
    ) AS is_on_time,
    COALESCE(d.channel = 2, FALSE) AS is_online,
    COALESCE(d.has_fee, FALSE) AS has_fee,
    COALESCE(d.online_payment IN (1, 2), FALSE) AS is_paid_online,
    COALESCE(d.has_digitised_component, FALSE) AS is_digitised,
    COALESCE(d.e_result_document_count > 0, FALSE) AS has_e_result,
    COALESCE(apology.first_signed_at <= d.due_at, FALSE) AS has_apology_on_time,
    unhappy.dossier_code IS NOT NULL OR named.dossier_code IS NOT NULL AS is_dissatisfied
FROM staging.stg_dvc__dossier AS d
-- Pre-aggregated joins rather than correlated EXISTS: PostgreSQL runs those once per dossier.
LEFT JOIN (
    SELECT dossier_code, MIN(signed_at) AS first_signed_at
    FROM staging.stg_dvc__apology
    WHERE kind = 'Xin lỗi' AND status = 'Đã xử lý'
    GROUP BY dossier_code
) AS apology ON apology.dossier_code = d.dossier_code
LEFT JOIN (
    SELECT DISTINCT dossier_code FROM staging.stg_dvc__rating WHERE rating = 'KHÔNG HÀI LÒNG'
) AS unhappy ON unhappy.dossier_code = d.dossier_code
LEFT JOIN (
    SELECT DISTINCT dossier_code FROM staging.stg_dvc__feedback WHERE dossier_code IS NOT NULL
) AS named ON named.dossier_code = d.dossier_code
