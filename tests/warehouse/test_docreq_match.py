"""metrics.md §7.2 rules 3 and 4 on their own: the type segment and phrases on word boundaries."""

import pytest

from warehouse.docreq_match import phrase_matches, subject_matches, type_segment


@pytest.mark.parametrize(
    ("notation", "segment"),
    [
        ("KH-SNV", "KH"),
        ("2024/QĐ-UBND", "QĐ"),
        ("BC-SYT-VP", "BC"),
        ("UBND-TH", "UBND"),
        ("KH", None),
        ("", None),
    ],
)
def test_the_type_segment(notation, segment):
    # sources.md §3.4: the first segment, after YYYY/ for a legal normative document; one segment is no type
    assert type_segment(notation) == segment


@pytest.mark.parametrize(
    ("phrase", "subject", "boundaries", "expected"),
    [
        ("quý I", "Báo cáo quý I năm 2026", True, True),
        ("quý I", "Báo cáo quý II năm 2026", True, False),
        ("quý I", "Báo cáo quý III; quý I/2026", True, True),  # a later occurrence on boundaries
        ("quý I", "Báo cáo quý II năm 2026", False, True),  # plain containment without boundaries
        ("CCHC", "báo cáo cchc.", True, True),  # case-insensitive; punctuation is a boundary
        ("/2026", "Báo cáo số 5/2026", True, True),  # an edge that is no letter or digit needs no boundary
        ("năm 2026", "năm 20261", True, False),
    ],
)
def test_phrases_on_word_boundaries(phrase, subject, boundaries, expected):
    assert phrase_matches(phrase, subject, boundaries) is expected


def test_every_element_needs_an_alternative_and_none_of_excludes():
    phrases = [["cải cách hành chính", "CCHC"], ["năm 2026"]]
    assert subject_matches("Báo cáo CCHC năm 2026", phrases, [], True)
    assert not subject_matches("Báo cáo CCHC quý I năm 2026", phrases, ["quý"], True)
    assert not subject_matches("Báo cáo CCHC", phrases, [], True)
    assert not subject_matches(None, phrases, [], True)  # a secret entry has no Subject
