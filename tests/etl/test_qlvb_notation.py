import pytest

from etl.code_mappings import CodeMappings
from etl.qlvb.notation import NotationCleaner

CLEANER = NotationCleaner(CodeMappings.load("qlvb")["DocumentTypeAbbreviation"])


@pytest.mark.parametrize(
    ("received", "cleaned"),
    [
        ("QYĐ-UBND", "QyĐ-UBND"),  # Q4: the type code upper-cased
        ("TTR-SNV", "TTr-SNV"),
        ("CTR-UBND", "CTr-UBND"),
        ("KH-VPUBND", "KH-VPUBND"),  # already canonical
        ("2024/QYĐ-UBND", "2024/QyĐ-UBND"),  # legal normative: the segment after the year
        ("UBND-TH", "UBND-TH"),  # công văn: no type code, the agency segment is left as it is
        ("kh-ubnd", "KH-ubnd"),  # only the type segment is touched
        (" TTR-SNV\u00a0", "TTr-SNV"),  # identifier cleaning: trimmed
    ],
)
def test_notation_type_segment_gets_its_canonical_spelling(received, cleaned):
    assert CLEANER.notation(received) == cleaned


def test_document_id_is_cleaned_in_its_notation_part_only():
    # The organ code and the date keep their received form (Q5: identifiers are never rewritten).
    assert CLEANER.document_id("000.00.02.H35,2025/10/20,14/2024/QYĐ-UBND") == (
        "000.00.02.H35,2025/10/20,14/2024/QyĐ-UBND"
    )
    assert CLEANER.document_id(" H35.02,2025/10/20,512/TTR-SNV ") == "H35.02,2025/10/20,512/TTr-SNV"


def test_a_document_id_of_another_shape_is_only_trimmed():
    assert CLEANER.document_id(" not-a-document-id ") == "not-a-document-id"
