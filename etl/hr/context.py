"""What HR normalisation needs from the caller: the pseudonym key, the agency table and the code mappings."""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.hr.workbook import WorkbookLimits
from etl.timeparse import DEFAULT_TIMEZONE

# Files over this size are not opened (sources.md §1.10: xlsx 50 MB, contract choice).
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class HrContext:
    pseudonym_key: bytes = field(repr=False)
    agencies: AgencyResolver
    codes: CodeMappings
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    max_file_bytes: int = MAX_FILE_BYTES
    workbook_limits: WorkbookLimits = WorkbookLimits()
