"""The edXML folder reader: one row per receiving agency in the table, an outcome per file."""

from datetime import datetime

from etl.files import list_folder
from etl.qlvb.files import LOADED, QUARANTINED, RETRY, EdxmlReader
from tests.etl.qlvb_fixtures.records import PACKAGE, context


def _files(tmp_path, **contents):
    for name, text in contents.items():
        (tmp_path / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    return list_folder(tmp_path, {})


def test_each_file_gets_an_outcome_and_packages_load_for_known_receivers(tmp_path):
    package = PACKAGE.read_bytes()
    files = _files(
        tmp_path,
        **{
            "20251020155000_000001.edxml": package,
            # The only receiver is outside the agency table: read again on every run.
            "20251020155000_000002.EDXML": package.replace(b">000.00.01.H35<", b">T99.02<"),
            "20251020155000_000003.edxml": package.replace(b"<edXML:DocumentId>", b"<edXML:Other>").replace(
                b"</edXML:DocumentId>", b"</edXML:Other>"
            ),
            "20251020155000_000004.edxml": b'<!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><x/>',
            "20251020155000_000005.edxml.part": package,
        },
    )

    [(batch, outcomes)] = list(EdxmlReader(context()).read(files))

    assert [(o.file.name, o.status, o.reason_code) for o in outcomes] == [
        ("20251020155000_000001.edxml", LOADED, None),
        ("20251020155000_000002.EDXML", RETRY, "unknown_agency"),
        ("20251020155000_000003.edxml", QUARANTINED, "missing_required"),
        ("20251020155000_000004.edxml", QUARANTINED, "xml_forbidden"),
    ]
    [row] = batch.rows.to_pylist()  # T99.01 of the first file is outside the province: no row for it
    sha = files[0].sha256
    assert row["_key"] == f"H35.01|den|000.00.02.H35,2025/10/20,512/TTr-SNV#{sha[:16]}"
    assert row["agency_code"] == "H35.01"
    assert row["code_notation"] == "TTr-SNV"
    assert row["transmission"] == "cả hai"  # Paper 1
    assert row["has_edxml_signature"] is True
    assert row["received_at"] == datetime(2025, 10, 20, 15, 50)
    assert row["_version"] == datetime(2025, 10, 20, 15, 50)
    assert "Lò Văn Ký" not in batch.raw.column("_record")[0].as_py()  # SignerInfo.FullName dropped
    quarantined = {(q["locator"].split("#")[0], q["reason_code"]) for q in batch.quarantine.to_pylist()}
    assert quarantined == {
        ("20251020155000_000002.EDXML", "unknown_agency"),
        ("20251020155000_000003.edxml", "missing_required"),
        ("20251020155000_000004.edxml", "xml_forbidden"),
    }


def test_files_are_batched(tmp_path):
    package = PACKAGE.read_bytes()
    files = _files(
        tmp_path, **{f"f{i}.edxml": package.replace(b"512", str(600 + i).encode()) for i in range(5)}
    )

    batches = list(EdxmlReader(context(), files_per_batch=2).read(files))

    assert [len(outcomes) for _, outcomes in batches] == [2, 2, 1]
    assert [batch.rows.num_rows for batch, _ in batches] == [2, 2, 1]
    assert [seq for batch, _ in batches for seq in batch.rows.column("_fetch_seq").to_pylist()] == [
        0,
        1,
        2,
        3,
        4,
    ]


def test_packages_of_one_document_in_one_batch_keep_their_own_keys(tmp_path):
    # The original and an update of one document (same DocumentId, other content), a file rejected whole
    # and a package with a bad date between them: in one batch, each staged row's key ends in its own
    # file's content hash (sources.md §3.7), whatever was rejected before it.
    package = PACKAGE.read_bytes()
    files = _files(
        tmp_path,
        **{
            "a.edxml": package,
            "b.edxml": b"<x/>",
            "c.edxml": package.replace(b"512", b"513").replace(b">2025/10/20<", b">x<"),
            "d.edxml": package.replace(b"<edXML:Subject>", "<edXML:Subject>Sửa: ".encode()),
        },
    )
    hashes = {file.name: file.sha256[:16] for file in files}

    [(batch, outcomes)] = list(EdxmlReader(context()).read(files))

    natural = "H35.01|den|000.00.02.H35,2025/10/20,512/TTr-SNV"
    assert batch.rows.column("_key").to_pylist() == [
        f"{natural}#{hashes['a.edxml']}",
        f"{natural}#{hashes['d.edxml']}",
    ]
    assert [row["_key"] for row in batch.raw.to_pylist()][::2] == batch.rows.column("_key").to_pylist()
    assert [(o.file.name, o.status) for o in outcomes] == [
        ("a.edxml", LOADED),
        ("b.edxml", QUARANTINED),
        ("c.edxml", QUARANTINED),
        ("d.edxml", LOADED),
    ]
    [bad_date] = [q for q in batch.quarantine.to_pylist() if q["locator"].startswith("c.edxml")]
    assert bad_date["record_key"].endswith(f"#{hashes['c.edxml']}")
