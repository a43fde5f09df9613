"""Landing an extraction's batches one by one, with a progress line per batch and the run's totals."""

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from assets.progress import progress
from etl.batch import ExtractBatch
from etl.timeparse import local_now
from warehouse.landing import land_batch


def land_batches(
    engine,
    batches: Iterable[ExtractBatch],
    source: str,
    entity: str,
    run_tag: str,
    tz: ZoneInfo,
    label: str | None = None,
) -> dict[str, int]:
    """Each batch lands in its own transaction (batch id `{run_tag}-{label}-{n}`); returns the rows
    received, staged and quarantined. `label` names the extraction in batch ids and progress lines, the
    entity unless given: two extractions of one entity in a run (QLVB's directions) need their own, since
    landing a batch id again replaces what it landed."""
    label = label or entity
    totals = {"raw": 0, "staged": 0, "quarantined": 0}
    for number, batch in enumerate(batches, start=1):
        result = land_batch(
            engine,
            f"{run_tag}-{label}-{number}",
            local_now(tz),
            source,
            entity,
            batch.raw,
            batch.rows,
            batch.quarantine,
            batch.children,
        )
        totals["raw"] += result.raw_rows
        totals["staged"] += result.staged_rows
        totals["quarantined"] += result.quarantined_rows
        progress(f"{source} {label}: batch {number}, {totals['raw']:,} records received")
    return totals
