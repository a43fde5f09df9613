-- grain: one row per procedure of DVC thu-tuc.
SELECT
    procedure_code,
    short_code,
    procedure_name,
    field_code,
    field_name,
    service_level,
    legal_days,
    day_kind,
    has_fee,
    paper_result,
    status
FROM staging.stg_dvc__procedure
