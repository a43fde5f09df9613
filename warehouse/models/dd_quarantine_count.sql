-- grain: one row per metric, agency, computed period and reason code: open quarantined records of the
-- entities the metric reads (metrics.md §0). Best effort: a record belongs to the period holding its
-- version time (the quarantine time when it has none) and to the agency its record names, when known.
-- Duplicate conflicts are left out: their key is in staging, so the metric's population keeps it.
SELECT
    m.metric_code,  -- the metric whose population the record would have joined
    q.agency_code,
    p.period_start,
    p.period_end,
    q.reason_code,
    COUNT(DISTINCT q.record_key) AS n  -- open quarantined records (distinct keys)
FROM quarantine.rejected_record AS q
JOIN (
    VALUES
        ('ho-so', 'dvc.received'),
        ('ho-so', 'dvc.on_time_rate'),
        ('ho-so', 'dvc.no_due_date'),
        ('ho-so', 'dvc.apology_rate'),
        ('ho-so', 'dvc.online_rate'),
        ('ho-so', 'dvc.online_payment_rate'),
        ('ho-so', 'dvc.digitised_rate'),
        ('ho-so', 'dvc.e_result_rate'),
        ('ho-so', 'dvc.satisfaction_rate'),
        ('phieu-xin-loi', 'dvc.apology_rate'),
        ('danh-gia', 'dvc.satisfaction_rate'),
        ('pakn', 'dvc.satisfaction_rate'),
        ('pakn', 'dvc.pakn_on_time_rate'),
        ('cuoc-hop', 'ecabinet.paperless_rate'),
        ('phieu-lay-y-kien', 'ecabinet.poll_response_rate'),
        ('nhiem-vu', 'ecabinet.task_on_time_rate'),
        ('nhansu', 'hr.civil_servants'),
        ('nhansu', 'hr.within_quota'),
        ('nhansu', 'hr.training_rate'),
        ('nhansu', 'hr.discipline_cases'),
        ('nhansu', 'hr.civil_servant_reduction'),
        ('can-bo', 'hr.civil_servants'),
        ('can-bo', 'hr.within_quota'),
        ('can-bo', 'hr.training_rate'),
        ('can-bo', 'hr.civil_servant_reduction'),
        ('bien-che', 'hr.within_quota'),
        ('dao-tao', 'hr.training_rate'),
        ('ky-luat', 'hr.discipline_cases'),
        ('documents', 'qlvb.e_document_rate'),
        ('documents', 'qlvb.signed_rate'),
        ('documents', 'qlvb.handling_on_time_rate'),
        ('documents', 'qlvb.plan_on_time'),
        ('edxml', 'qlvb.e_document_rate')
) AS m (entity, metric_code) ON m.entity = q.entity
JOIN marts.metric_period AS p
    ON COALESCE(q.record_version, q.quarantined_at) >= p.period_start_at
    AND COALESCE(q.record_version, q.quarantined_at) < p.period_end_at
WHERE q.source IN ('dvc', 'ecabinet', 'hr', 'qlvb') AND q.released_at IS NULL AND q.reason_code <> 'duplicate_conflict'
GROUP BY m.metric_code, q.agency_code, p.period_start, p.period_end, q.reason_code
