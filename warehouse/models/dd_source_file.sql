-- grain: one row per file content seen in a watched folder (HR exports, edXML packages) and its outcome:
-- what was loaded, quarantined whole (with the reason) or is read again at the next run. Sensors read it
-- from the read copy to tell new files from files already loaded.
SELECT
    source,  -- hr or edxml
    file_name,  -- the name in the folder, in printable form (bytes that are not text as \xNN)
    size_bytes,  -- file size in bytes
    modified_at,  -- modification time (POSIX seconds)
    sha256,  -- content hash; unread: followed by a digest of name, size and time for a file never read
    status,  -- loaded, quarantined (done) or retry (read again next run)
    reason_code,  -- quarantine reason when the whole file was rejected
    batch_id,  -- the landing batch of the run that read it
    processed_at  -- local time of the run that read it
FROM staging.processed_file
