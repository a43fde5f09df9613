"""QLVB extraction: the documents API (one cursor traversal per direction) and the edXML folder, landed into
their raw and staging tables (assets/automation.py starts a run when a package arrives in
`PARINDEX_EDXML_DIR`)."""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, multi_asset

from assets.extraction import (
    EXTRACTION_STEP,
    extraction_results,
    extraction_spec,
    landed_keys,
    skipped,
    source_context,
)
from assets.landing import EngineFileRegistry
from assets.reference import AGENCY_CONFIG_KEY
from assets.resources import PipelineSettings, QlvbSource, WarehouseResource, releases_warehouse
from etl.qlvb.context import QlvbContext
from etl.qlvb.entities import DOCUMENTS, EDXML, SOURCE
from etl.qlvb.extract import QlvbExtractor
from etl.qlvb.source import EdxmlSource, QlvbDocumentsSource
from etl.source import ExtractionReport
from warehouse.qlvb_orphans import refresh_edxml_orphans

GROUP = "qlvb"
# The name of the edXML folder in the processed-file registry.
FILES_SOURCE = "edxml"

DOCUMENT_RAW_KEY, DOCUMENT_KEY, SIGNATURE_KEY, HANDLING_KEY = landed_keys(SOURCE, DOCUMENTS)
PACKAGE_RAW_KEY, PACKAGE_KEY = landed_keys(SOURCE, EDXML)
ORPHANS_KEY = AssetKey(["quarantine", "qlvb_edxml_orphans"])
DVC_AGENCY_KEY = AssetKey(["staging", "stg_dvc__agency"])


def _spec(key: AssetKey, description: str, deps):
    return extraction_spec(key, GROUP, description, deps)


def documents_layout(report: ExtractionReport) -> dict:
    """The register's counts on its raw table; what was released and where each direction's cursor stands
    on its staging table."""
    details = dict(report.details)
    return {
        DOCUMENT_RAW_KEY: {
            "received_this_run": report.received,
            "staged_this_run": report.staged,
            "quarantined_this_run": report.quarantined,
            "unknown_fields_records": details["unknown_fields_records"],
        },
        DOCUMENT_KEY: {
            "released_from_quarantine": report.released,
            "cursor_restarts": details["cursor_restarts"],
            **{f"watermark_{name}": value for name, value in report.watermarks.items()},
        },
    }


@multi_asset(
    name="qlvb_documents",
    specs=[
        _spec(
            DOCUMENT_RAW_KEY,
            "As landed, append-only: every register entry served by the QLVB documents API (signer names "
            "dropped).",
            [AGENCY_CONFIG_KEY, DVC_AGENCY_KEY],
        ),
        _spec(
            DOCUMENT_KEY,
            "QLVB register entries (văn bản đi/đến), latest version per (agency, direction, DocumentId), "
            "read by a cursor traversal per direction from each direction's watermark.",
            [DOCUMENT_RAW_KEY],
        ),
        _spec(SIGNATURE_KEY, "Digital signatures (ChuKySo) of each register entry.", [DOCUMENT_KEY]),
        _spec(HANDLING_KEY, "Handling assignments (XuLy) of each incoming register entry.", [DOCUMENT_KEY]),
    ],
    **EXTRACTION_STEP,
)
@releases_warehouse
def qlvb_documents(
    context: AssetExecutionContext, warehouse: WarehouseResource, qlvb: QlvbSource, settings: PipelineSettings
):
    keys = [DOCUMENT_RAW_KEY, DOCUMENT_KEY, SIGNATURE_KEY, HANDLING_KEY]
    if not qlvb.api_configured:
        yield from skipped(context, keys, "PARINDEX_QLVB_URL", "QLVB documents API")
        return
    engine = warehouse.engine()
    qlvb_context = source_context(engine, settings, SOURCE, QlvbContext)
    with qlvb.client(settings.timezone) as client:
        source = QlvbDocumentsSource(QlvbExtractor(client, qlvb_context, limit=qlvb.page_limit))
        yield from extraction_results(context, settings, engine, source, keys, documents_layout, DOCUMENT_KEY)


def edxml_source(engine, folder: Path, context: QlvbContext, full_refresh: bool = False) -> EdxmlSource:
    """The edXML folder as a source: its registry of processed files, and the recalls and updates whose
    document is missing re-evaluated once it has landed."""
    return EdxmlSource(
        context,
        folder,
        EngineFileRegistry(engine, FILES_SOURCE),
        full_refresh,
        lambda batch_id: refresh_edxml_orphans(engine, batch_id),
    )


def edxml_layout(report: ExtractionReport) -> dict:
    """The folder's counts on the packages' raw table, the orphan re-evaluation's on its own key."""
    return {
        PACKAGE_RAW_KEY: {
            "files_read": report.files,
            "files_loaded": report.details["files_loaded"],
            "raw": report.received,
            "staged": report.staged,
            "quarantined": report.quarantined,
            "released": report.released,
        },
        ORPHANS_KEY: {name: int(count) for name, count in report.follow_up.items()},
    }


@multi_asset(
    name="qlvb_edxml",
    specs=[
        _spec(
            PACKAGE_RAW_KEY,
            "As landed, append-only: the header of every edXML package read from PARINDEX_EDXML_DIR, once "
            "per receiving agency in the agency table.",
            [AGENCY_CONFIG_KEY, DVC_AGENCY_KEY],
        ),
        _spec(
            PACKAGE_KEY,
            "edXML packages (national axis), one row per package file and receiving agency; merged with the "
            "API's register entries in marts.fct_document, the API winning field by field.",
            [PACKAGE_RAW_KEY],
        ),
        _spec(
            ORPHANS_KEY,
            "Recall and update packages whose document is neither in the API's register nor received as a "
            "package, quarantined as orphan_reference and released when it arrives (sources.md §3.5, Q10).",
            [PACKAGE_KEY, DOCUMENT_KEY],
        ),
    ],
    **EXTRACTION_STEP,
)
@releases_warehouse
def qlvb_edxml(
    context: AssetExecutionContext, warehouse: WarehouseResource, qlvb: QlvbSource, settings: PipelineSettings
):
    keys = [PACKAGE_RAW_KEY, PACKAGE_KEY, ORPHANS_KEY]
    if not qlvb.folder_configured:
        yield from skipped(context, keys, "PARINDEX_EDXML_DIR", "edXML folder")
        return
    engine = warehouse.engine()
    qlvb_context = source_context(engine, settings, SOURCE, QlvbContext)
    source = edxml_source(engine, Path(qlvb.edxml_dir), qlvb_context, settings.full_refresh)
    yield from extraction_results(context, settings, engine, source, keys, edxml_layout)


QLVB_ASSETS = [qlvb_documents, qlvb_edxml]
