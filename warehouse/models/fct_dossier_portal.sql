-- grain: one row per dossier (its latest version), beside marts.fct_dossier; no class-R free text.
-- What the Decision 766 metrics of metrics.md §11.1 read of a dossier besides marts.fct_dossier: its
-- procedure's KetQuaGiay, the TaiLieuNop flags, VNeID, and the processing time of dvc.avg_processing_days,
-- E − NgayTiepNhan less the time supplement requests held the dossier, in whole minutes and never negative.
SELECT
    d.dossier_code,
    d.agency_code,
    d.procedure_code,
    COALESCE(p.paper_result, FALSE) AS procedure_paper_result,
    COALESCE(d.reused_component_count > 0, FALSE) AS has_reused_data,
    COALESCE(d.national_store_component_count > 0, FALSE) AS has_national_store_data,
    COALESCE(d.vneid_verified, FALSE) AS is_vneid_verified,
    CAST(
        FLOOR(
            GREATEST(
                0,
                EXTRACT(EPOCH FROM COALESCE(d.processing_ended_at, d.returned_at))
                - EXTRACT(EPOCH FROM d.received_at)
                - COALESCE(d.supplement_pause_seconds, 0)
            ) / 60.0
        ) AS BIGINT
    ) AS processing_minutes
FROM staging.stg_dvc__dossier AS d
LEFT JOIN staging.stg_dvc__procedure AS p ON p.procedure_code = d.procedure_code
