"""etl.normalise.field_columns: the values of named fields by column, whatever fields a record lacks."""

from etl.normalise import field_columns


def test_records_lacking_a_name_anywhere_give_none_there_and_keep_their_order():
    records = [
        {"a": 1, "b": "x"},
        {"a": 2},  # lacks b
        {"b": "y"},  # lacks a
        {"a": 4, "b": "z"},
        {},  # lacks both
        {"a": 6, "b": "w", "c": "ignored"},
    ]
    assert field_columns(records, ["a", "b"]) == [(1, 2, None, 4, None, 6), ("x", None, "y", "z", None, "w")]


def test_every_record_lacking_a_name_and_one_name_and_no_records():
    assert field_columns([{"b": 1}, {"b": 2}, {}], ["a", "b"]) == [(None, None, None), (1, 2, None)]
    assert field_columns([{"a": 1}, {}], ["a"]) == [[1, None]]
    assert field_columns([], ["a", "b"]) == [(), ()]
