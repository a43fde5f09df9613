"""The cursor traversal of one direction (sources.md §1.8 QLVB), over a scripted client.

The client stands in for `QlvbClient` at the method level (no HTTP): it serves scripted pages and rejects
one cursor, so the restart rule can be checked exactly."""

from datetime import datetime

import pytest

from etl.qlvb.client import InvalidCursor
from etl.qlvb.extract import QlvbExtractor, watermark_entity
from tests.etl.qlvb_fixtures.records import context, example


def _doc(number: int, modified: str) -> dict:
    return example(
        id=f"id-{number}",
        DocumentId=f"000.00.02.H35,2025/10/20,{number}/SNV-CCHC",
        CodeNumber=str(number),
        ModifiedAt=modified,
    )


class ScriptedClient:
    """Answers `documents()` from a list of (expected modifiedSince, expected cursor) → page or error."""

    def __init__(self, script):
        self.script = list(script)
        self.calls = []

    def documents(self, direction, modified_since, cursor, limit):
        self.calls.append((direction, modified_since, cursor))
        expected_since, expected_cursor, answer = self.script.pop(0)
        assert cursor == expected_cursor
        if cursor is None:
            assert modified_since == expected_since
        if isinstance(answer, Exception):
            raise answer
        return f"http://sim/qlvb/api/documents?direction={direction}", answer


def test_traversal_follows_cursors_and_stores_the_greatest_modified_at():
    client = ScriptedClient(
        [
            (
                "2025-03-01T09:50:00.000+07:00",  # watermark − 10 minutes, with the local offset
                None,
                {"data": [_doc(1, "2025-03-01T10:00:00+07:00")], "nextCursor": "c1"},
            ),
            (None, "c1", {"data": [], "nextCursor": "c2"}),  # an empty page with a cursor: go on
            (None, "c2", {"data": [_doc(2, "2025-03-02T08:00:00.250+07:00")], "nextCursor": None}),
        ]
    )
    extractor = QlvbExtractor(client, context())

    batches = list(extractor.extract("den", datetime(2025, 3, 1, 10, 0), datetime(2024, 12, 1)))

    assert [b.rows.num_rows for b in batches] == [2]
    assert extractor.new_watermark == datetime(2025, 3, 2, 8, 0, 0, 250000)
    assert batches[0].raw.column("_locator").to_pylist() == [
        "http://sim/qlvb/api/documents?direction=den&page=1#0",
        "http://sim/qlvb/api/documents?direction=den&page=3#0",
    ]
    assert watermark_entity("den") == "documents:den"


def test_an_invalid_cursor_restarts_from_the_greatest_modified_at_seen():
    client = ScriptedClient(
        [
            (
                "2024-12-01T00:00:00.000+07:00",  # first run: the configured start
                None,
                {"data": [_doc(1, "2025-01-05T10:00:00.123456+07:00")], "nextCursor": "c1"},
            ),
            (None, "c1", InvalidCursor("expired")),
            # Restarted at the greatest ModifiedAt seen, floored to the millisecond (inclusive bound).
            (
                "2025-01-05T10:00:00.123+07:00",
                None,
                {
                    "data": [
                        _doc(1, "2025-01-05T10:00:00.123456+07:00"),
                        _doc(2, "2025-01-06T10:00:00+07:00"),
                    ],
                    "nextCursor": None,
                },
            ),
        ]
    )
    extractor = QlvbExtractor(client, context())

    [batch] = list(extractor.extract("di", None, datetime(2024, 12, 1)))

    assert client.script == []
    assert extractor.restarts == 1
    # Document 1 came twice (same version, same content): staging keeps one, landing dedupes it.
    assert batch.rows.column("code_number").to_pylist() == ["1", "1", "2"]
    assert extractor.new_watermark == datetime(2025, 1, 6, 10, 0)


def test_a_failed_traversal_leaves_no_watermark_and_batches_are_bounded():
    client = ScriptedClient(
        [
            (
                "2024-12-01T00:00:00.000+07:00",
                None,
                {"data": [_doc(1, "2025-01-01T00:00:00+07:00")], "nextCursor": "a"},
            ),
            (None, "a", {"data": [_doc(2, "2025-01-02T00:00:00+07:00")], "nextCursor": "b"}),
            (None, "b", RuntimeError("retries ran out")),
        ]
    )
    extractor = QlvbExtractor(client, context(), batch_size=1)
    landed = []

    with pytest.raises(RuntimeError):
        for batch in extractor.extract("den", None, datetime(2024, 12, 1)):
            landed.append(batch.rows.num_rows)

    assert landed == [1, 1]
    assert extractor.new_watermark is None
