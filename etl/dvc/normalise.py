"""DVC post-privacy records to an ``ExtractBatch`` (docs/layers.md §2, sources.md §2 and §7)."""

from collections.abc import Iterable, Sequence

from etl.batch import ExtractBatch
from etl.dvc.context import DvcContext
from etl.dvc.entities import SOURCE, entity_spec
from etl.normalise import normalise


def normalise_records(
    entity: str,
    records: Iterable[dict],
    context: DvcContext,
    locators: Sequence[str] | None = None,
    fetch_seq_start: int = 0,
) -> ExtractBatch:
    """Normalise records that have already been through the privacy step (never hashed again here).

    Used by the extractor on every verified window, and by the caller to re-evaluate quarantined
    records once a reference or mapping arrives. ``locators`` default to ``{entity}#{index}``.
    """
    records = list(records)
    if locators is None:
        locators = [f"{entity}#{index}" for index in range(len(records))]
    agencies = None
    if entity == "don-vi":
        # A unit's parent is another unit of the same pull, which the configured table may not list yet.
        agencies = context.agencies.extended(records)
    spec = entity_spec(entity, context, agencies)
    raw, rows, quarantine = normalise(spec, zip(locators, records, strict=True), fetch_seq_start)
    return ExtractBatch(SOURCE, entity, raw, rows, quarantine)
