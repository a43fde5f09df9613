"""E-CABINET as a `Source` of the extraction workflow: one resource per extraction (sources.md §4)."""

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime

import orjson

from etl.batch import ExtractBatch
from etl.ecabinet.entities import SOURCE
from etl.ecabinet.normalise import normalise_records
from etl.source import ExtractionReport, Landing, ReleaseRule, Stream, Warehouse, WindowedEntitySource

# Reasons that depend on reference data or configuration: re-evaluated on every run (sources.md §1.10).
REEVALUATED_REASONS = ("unknown_agency", "unknown_code")
MEETINGS = "cuoc-hop"
TASKS = "nhiem-vu"


class EcabinetEntitySource(WindowedEntitySource):
    """A held record is released once it normalises and the field it was held for no longer fails. The
    warehouse's answers come as callables: `meetings_with_detail` (code → version whose detail it holds)
    and `unknown_task_sources` (tasks whose maNguon names a meeting or poll it lacks)."""

    name = SOURCE
    reasons = REEVALUATED_REASONS
    release_rule = ReleaseRule(by=("record_key", "field"), passed_only=True)

    def __init__(
        self,
        extractor,
        entity: str,
        lag,
        owner: str,
        meetings_with_detail: Callable[[], Mapping[str, datetime]],
        unknown_task_sources: Callable[[], list[str]],
    ):
        super().__init__(extractor, entity, lag)
        self.owner = owner
        self.meetings_with_detail = meetings_with_detail
        self.unknown_task_sources = unknown_task_sources

    def extract(self, stream: Stream, watermark: datetime | None, start: datetime) -> Iterator[Landing]:
        # Asked after the re-check of held meetings: one released by it has its detail, not fetched again.
        self.extractor.known = dict(self.meetings_with_detail()) if self.entity == MEETINGS else {}
        return super().extract(stream, watermark, start)

    def renormalise(self, held: list[dict]) -> ExtractBatch:
        items = [(row["locator"], orjson.loads(row["record"])) for row in held]
        return normalise_records(self.entity, items, self.extractor.context)

    def after_run(self, warehouse: Warehouse, run_tag: str, report: ExtractionReport) -> None:
        super().after_run(warehouse, run_tag, report)
        missing = self.extractor.missing_details
        if missing:
            report.warnings.append(
                f"{len(missing)} meeting(s) kept without their detail after a second 404; "
                f"fetched again next run: {', '.join(missing)}"
            )
        unknown = self.unknown_task_sources() if self.entity == TASKS else []
        if unknown:
            report.warnings.append(
                f"{len(unknown)} task(s) name a meeting or poll (maNguon) E-CABINET did not serve; "
                f"loaded anyway: {', '.join(unknown[:20])}"
            )
        report.details.update(
            meetings_without_detail=len(missing), tasks_with_unknown_source=len(unknown), owner=self.owner
        )
