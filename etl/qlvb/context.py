"""What QLVB normalisation needs from the caller: pseudonym key, agency table, code mappings."""

from etl.context import SourceContext

QlvbContext = SourceContext
