"""`document_requirements:` of a catalogue (metrics.md §7.1): defaults, date expressions, `{Y}` phrases, NFC,
and the errors `FILE: node: what is wrong`."""

import unicodedata
from datetime import date
from pathlib import Path

import pytest
import yaml

from scoring.requirements import RequirementError, parse_requirements, resolve

FILE = Path("cat.yaml")


def _parse(text: str):
    return parse_requirements(FILE, yaml.safe_load(text))


def test_defaults_and_resolution_for_a_year():
    (requirement,) = _parse(
        """
- id: cchc_reports
  name: Báo cáo CCHC định kỳ
  types: [BC]
  phrases: [[cải cách hành chính, CCHC]]
  to: [H35.02]
  items:
    - {code: q1, name: Báo cáo quý I, deadline: Y-03-16, phrases: ["quý I", ["năm {Y}", "/{Y}"]]}
    - {code: kh, name: "Kế hoạch {Y+1}", types: [KH], deadline: Y-1-12-31, after: Y-1-07-01, until: null,
       none_of: ["năm {Y-1}"]}
"""
    )
    assert (requirement.direction, requirement.boundaries, requirement.in_force) == ("di", True, False)
    assert (requirement.pending, requirement.coverage_check) == (True, True)
    q1, kh = resolve(requirement, 2026)
    # after defaults to the first day of P, until to the later of its last day and the deadline
    assert (q1["deadline"], q1["after"], q1["until"]) == (
        date(2026, 3, 16),
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert q1["phrases"] == (("cải cách hành chính", "CCHC"), ("quý I",), ("năm 2026", "/2026"))
    assert (q1["types"], q1["to"]) == (("BC",), ("H35.02",))
    assert (kh["deadline"], kh["after"], kh["until"]) == (date(2025, 12, 31), date(2025, 7, 1), None)
    assert (kh["item_name"], kh["types"], kh["none_of"]) == ("Kế hoạch 2027", ("KH",), ("năm 2025",))


def test_phrases_are_nfc_normalised():
    decomposed = unicodedata.normalize("NFD", "kiểm tra")
    (requirement,) = _parse(
        f"- {{id: x, name: X, types: [TB], phrases: ['{decomposed}'],"
        " items: [{code: a, name: A, deadline: null}]}"
    )
    assert requirement.phrases == (("kiểm tra",),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- {id: x, name: X, phrases: [a], items: [{code: a, name: A, deadline: null}]}",
            "requirement x item a: types or type_names is required (on the requirement or the item)",
        ),
        (
            "- {id: x, name: X, types: [BC], phrases: [a], items: [{code: a, name: A, deadline: Y-13-01}]}",
            "requirement x item a: deadline 'Y-13-01' is not a date",
        ),
        (
            "- {id: x, name: X, types: [BC], phrases: [a],"
            " items: [{code: a, name: A, deadline: '2026-03-16'}]}",
            "requirement x item a: deadline must be Y-MM-DD, Y-1-MM-DD or Y+1-MM-DD, not '2026-03-16'",
        ),
        (
            "- {id: x, name: X, types: [BC], phrases: [a], items: [{code: a, name: A}]}",
            "requirement x item a: deadline is required (a date expression, or null: none)",
        ),
        (
            "- {id: X-1, name: X, types: [BC], phrases: [a], items: [{code: a, name: A, deadline: null}]}",
            "document_requirements 1: requirement id must be snake_case, not 'X-1'",
        ),
        (
            "- {id: x, name: X, types: [BC], items: [{code: a, name: A, deadline: null}]}",
            "requirement x: phrases is required",
        ),
        (
            "- {id: x, name: X, direction: den, to: [H35.02], types: [BC], phrases: [a],"
            " items: [{code: a, name: A, deadline: null}]}",
            "requirement x: to is for direction di only",
        ),
        (
            "- {id: x, name: X, types: [BC], phrases: [a], colour: red,"
            " items: [{code: a, name: A, deadline: null}]}",
            "requirement x: unknown field(s) colour",
        ),
        (
            "- {id: x, name: X, types: [BC], phrases: [a], items: [{code: a, name: A, deadline: null},"
            " {code: a, name: B, deadline: null}]}",
            "requirement x: item code(s) a used twice",
        ),
        (
            "- {id: x, name: X, types: [BC], phrases: [a], items: [{code: a, name: A, deadline: null}]}\n"
            "- {id: x, name: Y, types: [BC], phrases: [a], items: [{code: a, name: A, deadline: null}]}",
            "document_requirements: requirement id(s) x declared twice",
        ),
    ],
)
def test_errors_name_the_file_the_node_and_what_is_wrong(text, message):
    with pytest.raises(RequirementError) as error:
        _parse(text)
    assert str(error.value) == f"{FILE}: {message}"
