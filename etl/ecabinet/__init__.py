"""E-CABINET connector (contracts/sources.md §4): paperless meetings, member polls and tasks.

Usage, one run::

    settings = EcabinetSettings.from_env(environ)
    client = EcabinetClient(settings)
    context = EcabinetContext(pseudonym_key, AgencyResolver.from_rows(config), CodeMappings.load("ecabinet"),
                              ZoneInfo(settings.timezone))
    extractor = EcabinetExtractor(client, context, meetings_with_detail)   # {ma: version already complete}
    for batch in extractor.extract("cuoc-hop", watermark, start):         # one ExtractBatch per window
        land(batch)                                                        # (+ one of deferred details)
    store(extractor.new_watermark)                                         # only once exhausted

Meetings and polls belong to the owner (``settings.owner``); tasks to ``maDonViChuTri``.
"""
