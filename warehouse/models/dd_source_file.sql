-- grain: one row per file content seen in a watched folder (HR exports, edXML packages) and its outcome:
-- what was loaded, quarantined whole (with the reason) or is read again at the next run. Sensors read it
-- from the read copy to tell new files from files already loaded.
SELECT
    source,
    file_name,
    size_bytes,
    modified_at,
    sha256,
    status,
    reason_code,
    batch_id,
    processed_at
FROM staging.processed_file
