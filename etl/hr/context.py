"""What HR normalisation needs from the caller: the pseudonym key, the agency table and the code mappings,
and the bounds of the files it opens."""

from dataclasses import dataclass

from etl.context import SourceContext
from etl.hr.workbook import WorkbookLimits

# Files over this size are not opened (sources.md §1.10: xlsx 50 MB, contract choice).
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class HrContext(SourceContext):
    max_file_bytes: int = MAX_FILE_BYTES
    workbook_limits: WorkbookLimits = WorkbookLimits()
