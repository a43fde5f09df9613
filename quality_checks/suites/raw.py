"""The suite every raw table gets: its key, the record as JSON text, and the load's bookkeeping. Raw is a
log of what arrived, so these only warn (staging's suites block), and each run checks only the rows it
landed (`_extracted_at` after the suite's last run)."""

from collections.abc import Sequence

from quality_checks.suite import Suite
from quality_checks.suites.expect import in_set, json_text, not_null


def raw_suite(table: str, source: str, description: str, required: Sequence[str] = ("_key",)) -> Suite:
    """`required` are the identifying columns, checked first; the suite reads the table in their order."""
    bookkeeping = [c for c in ("_batch_id", "_extracted_at", "_locator") if c not in required]
    return Suite(
        name=table,
        table=table,
        key=(required[0],),
        blocking=False,
        description=description,
        expectations=(
            *(not_null(column) for column in required),
            not_null("_record"),
            json_text("_record"),
            *(not_null(column) for column in bookkeeping),
            in_set("_source", (source,)),
        ),
        arrivals_column="_extracted_at",
    )
