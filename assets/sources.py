"""Every source system's extraction assets, in one list: the marts depend on all of their staging and
quarantine tables, and the definitions load them. A new source adds its assets here."""

from assets.dvc import DVC_ENTITY_ASSETS, dvc_orphans
from assets.ecabinet import ECABINET_ENTITY_ASSETS
from assets.hr import hr_exports
from assets.qlvb import QLVB_ASSETS

EXTRACTION_ASSETS = [*DVC_ENTITY_ASSETS, dvc_orphans, hr_exports, *QLVB_ASSETS, *ECABINET_ENTITY_ASSETS]


def landed_table_keys() -> list:
    """Asset keys of the staging and quarantine tables the extraction assets write."""
    return [
        key
        for definition in EXTRACTION_ASSETS
        for key in definition.keys
        if key.path[0] in ("staging", "quarantine")
    ]
