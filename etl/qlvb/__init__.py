"""QLVB connector: e-office documents over HTTP and edXML packages from a folder (contracts/sources.md §3).

Usage, one run::

    context = QlvbContext(pseudonym_key, AgencyResolver.from_rows(agency_rows), CodeMappings.load("qlvb"),
                          ZoneInfo(settings.timezone))
    extractor = QlvbExtractor(QlvbClient(QlvbSettings.from_env(environ)), context)
    for direction in DIRECTIONS:
        for batch in extractor.extract(direction, watermark[direction], start):   # ExtractBatch
            land(batch)                       # rows, and batch.children (signatures, handling)
        store(watermark_entity(direction), extractor.new_watermark)   # once the traversal ended

    for batch, outcomes in EdxmlReader(context).read(new_files):   # etl.files.list_folder, minus done hashes
        land(batch)
        record(outcomes)                      # loaded / quarantined / retry (unknown_agency)
"""
