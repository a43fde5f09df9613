-- grain: one row per agency code of the configuration or of DVC don-vi.
-- The configuration wins on every column but the name, which don-vi serves as the agency spells it.
SELECT
    COALESCE(c.agency_code, s.agency_code) AS agency_code,
    COALESCE(c.old_code, s.old_code) AS old_code,
    COALESCE(s.agency_name, c.agency_name) AS agency_name,
    COALESCE(c.unit_type, s.unit_type) AS unit_type,
    COALESCE(c.parent_code, s.parent_code) AS parent_code,
    COALESCE(c.valid_from, s.valid_from) AS valid_from,
    COALESCE(c.valid_to, s.valid_to) AS valid_to,
    COALESCE(COALESCE(c.unit_type, s.unit_type) IN ('so-ban-nganh', 'xa-phuong', 'cnvpdk', 'quan-huyen'), FALSE)
        AS is_assessed,
    c.agency_code IS NOT NULL AS in_config,
    s.agency_code IS NOT NULL AS in_source
FROM staging.cfg_agency AS c
FULL OUTER JOIN staging.stg_dvc__agency AS s ON s.agency_code = c.agency_code
