"""Code shapes shared by suites of several tables."""

# New-format agency codes (QĐ 20/2020/QĐ-TTg): a level-1 code such as `H35`, then dotted levels of two or
# three digits (`H35.01`, `H35.01.10`, `H35.201` at `large` scale). Staging and marts hold only this format.
AGENCY_CODE = r"^[A-Z][0-9]{2}(?:\.[0-9]{2,3}){0,3}$"

# Old-format aliases (QCVN 102:2016), e.g. `000.00.01.H35`.
OLD_AGENCY_CODE = r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$"

METRIC_CODE = r"^(?:dvc|qlvb|ecabinet|hr)\.[a-z_]+$"
