-- grain: one row per dossier (its latest version); no class-R free text.
-- E (end_at) and S (supplement_request_count) as metrics.md §1 defines them.
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
    EXISTS (
        SELECT 1
        FROM staging.stg_dvc__apology AS a
        WHERE a.dossier_code = d.dossier_code
          AND a.kind = 'Xin lỗi'
          AND a.status = 'Đã xử lý'
          AND a.signed_at <= d.due_at
    ) AS has_apology_on_time,
    EXISTS (
        SELECT 1
        FROM staging.stg_dvc__rating AS r
        WHERE r.dossier_code = d.dossier_code AND r.rating = 'KHÔNG HÀI LÒNG'
    )
    OR EXISTS (
        SELECT 1 FROM staging.stg_dvc__feedback AS f WHERE f.dossier_code = d.dossier_code
    ) AS is_dissatisfied
FROM staging.stg_dvc__dossier AS d
