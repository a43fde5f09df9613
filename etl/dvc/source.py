"""DVC as a `Source` of the extraction workflow: one contract resource per extraction."""

import orjson

from etl.batch import ExtractBatch
from etl.dvc.entities import SOURCE
from etl.dvc.normalise import normalise_records
from etl.source import ReleaseRule, WindowedEntitySource

# Reasons that depend on reference data or configuration: re-evaluated on every run (sources.md §1.10).
REEVALUATED_REASONS = ("unknown_agency", "unknown_code", "unknown_procedure")


class DvcEntitySource(WindowedEntitySource):
    """A record held back for its agency, a code or its procedure is released once it normalises."""

    name = SOURCE
    reasons = REEVALUATED_REASONS
    release_rule = ReleaseRule(passed_only=True)

    def renormalise(self, held: list[dict]) -> ExtractBatch:
        records = [orjson.loads(row["record"]) for row in held]
        return normalise_records(self.entity, records, self.extractor.context)
