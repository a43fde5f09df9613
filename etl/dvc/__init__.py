"""DVC connector (contracts/sources.md §2).

Usage, one run::

    settings = DvcSettings.from_env(environ)
    client = DvcClient(settings)
    context = DvcContext(pseudonym_key, AgencyResolver.from_rows(config + don_vi_rows),
                         ProcedureCodes.from_rows(thu_tuc_rows), CodeMappings.load("dvc"),
                         ZoneInfo(settings.timezone))
    extractor = DvcExtractor(client, context)
    for batch in extractor.extract("ho-so", watermark, start):   # one ExtractBatch per verified window
        land(batch)
    store(extractor.new_watermark)                               # only after the iterator is exhausted

Catalogues (``thu-tuc``, ``don-vi``, ``ngay-nghi``) come first: their rows feed the context of the others.
"""
