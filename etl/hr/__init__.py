"""HR connector: the monthly CBCCVC Excel exports of a watched folder (contracts/sources.md §5).

Usage, one run::

    context = HrContext(pseudonym_key, AgencyResolver.from_rows(agency_rows, "agency_code", "old_code"),
                        CodeMappings.load("hr"))
    extractor = HrExtractor(context)
    for outcome in extractor.read_folder(folder, cache=file_cache, done=done_hashes):
        land(outcome.batch)               # an ExtractBatch of one export, or of a rejected file
        record(outcome.file, outcome.status, outcome.reason_code)

Each export is one batch: its parent row (agency and month) goes to staging, its sheets' rows to the
child tables, so a re-issued file replaces everything the earlier file of that agency and month loaded.
"""
