"""An adversarial set of HR exports, edXML packages and catalogues, built at test time into a folder
(issue 10): files hostile in their name, their size or their structure. Nothing binary is committed.

Each builder writes one file and returns a `Hostile`: the name the connector records (its printable form,
`etl.files.display_name`) and the expected outcome, a sources.md §1.10 reason code or `LOADED` for a file
whose data are fine however it is dressed. Sizes at and around the limits use sparse files: nothing is
written to disk, yet the connector sees the size.
"""

import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from etl.hr.context import MAX_FILE_BYTES as HR_MAX_BYTES
from etl.qlvb.edxml import MAX_FILE_BYTES as EDXML_MAX_BYTES
from etl.qlvb.edxml import NAMESPACE
from tests.etl.hr_fixtures import write_export
from tests.etl.qlvb_fixtures.records import package

MIB = 1 << 20
LOADED = "loaded"
STAFF_SHEET = "xl/worksheets/sheet1.xml"  # write_export writes CanBo first


class Hostile(NamedTuple):
    recorded_name: str
    expected: str  # a reason code, or LOADED


def write_raw_name(folder: Path, raw_name: bytes, content: bytes) -> Path:
    """A file whose name is given as bytes, valid UTF-8 or not (Linux keeps any bytes but / and NUL)."""
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), raw_name)))
    path.write_bytes(content)
    return path


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def sparse_file(folder: Path, name: str, size: int, expected: str) -> Hostile:
    """A file of `size` zero bytes: only its size matters (HR and edXML files have their own limit)."""
    sparse(folder / name, size)
    return Hostile(name, expected)


def cut_short(folder: Path, name: str, content: bytes, kept: int, expected: str) -> Hostile:
    """A good file cut after its first `kept` bytes, as a copy interrupted midway leaves it."""
    (folder / name).write_bytes(content[:kept])
    return Hostile(name, expected)


# HR workbooks ----------------------------------------------------------------------------------------------


def good_workbook(folder: Path, name: str) -> bytes:
    """The bytes of a valid export, written nowhere in `folder`'s listing (a hidden scratch file)."""
    scratch = write_export(folder.parent / f".scratch-{name}")
    content = scratch.read_bytes()
    scratch.unlink()
    return content


def rezip(
    source: bytes,
    target: Path,
    change: Callable[[str, bytes], bytes | list[bytes]] = lambda name, data: data,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A copy of the workbook `source` with each part passed through `change` (which may give the new part
    in pieces, streamed into the zip) and `extra` parts added."""
    scratch = target.with_name(f".{target.name}.in")
    scratch.write_bytes(source)
    with zipfile.ZipFile(scratch) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            pieces = change(info.filename, old.read(info.filename))
            with new.open(info.filename, "w", force_zip64=True) as part:
                for piece in [pieces] if isinstance(pieces, bytes) else pieces:
                    part.write(piece)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    scratch.unlink()
    return target


def _staff_sheet(
    change: Callable[[bytes], bytes | list[bytes]],
) -> Callable[[str, bytes], bytes | list[bytes]]:
    return lambda name, data: change(data) if name == STAFF_SHEET else data


def hr_good(folder: Path) -> Hostile:
    name = "nhansu_H35.01_202503.xlsx"
    write_export(folder / name)
    return Hostile(name, LOADED)


def hr_name_not_utf8(folder: Path) -> Hostile:
    write_raw_name(folder, b"nhansu_H35.01_2025\xff\x01.xlsx", good_workbook(folder, "a"))
    return Hostile("nhansu_H35.01_2025\\xff\\x01.xlsx", "bad_file_name")


def hr_name_line_break(folder: Path) -> Hostile:
    # `re.match` with `$` would take this for the export of March 2025.
    (folder / "nhansu_H35.01_202503.xlsx\n").write_bytes(good_workbook(folder, "b"))
    return Hostile("nhansu_H35.01_202503.xlsx\\x0a", "bad_file_name")


def hr_name_path_like(folder: Path) -> Hostile:
    (folder / "..\\..\\nhansu_H35.01_202503.xlsx").write_bytes(good_workbook(folder, "c"))
    return Hostile("..\\\\..\\\\nhansu_H35.01_202503.xlsx", "bad_file_name")


def hr_name_bidi_override(folder: Path) -> Hostile:
    # U+202E shows the rest of the name reversed in a terminal or a file manager.
    (folder / "nhansu_H35.01_202503\u202excl.xlsx").write_bytes(good_workbook(folder, "d"))
    return Hostile("nhansu_H35.01_202503\\u202excl.xlsx", "bad_file_name")


def hr_empty(folder: Path) -> Hostile:
    (folder / "nhansu_H35.01_202504.xlsx").write_bytes(b"")
    return Hostile("nhansu_H35.01_202504.xlsx", "unreadable_file")


def hr_truncated(folder: Path) -> Hostile:
    content = good_workbook(folder, "e")
    return cut_short(folder, "nhansu_H35.01_202505.xlsx", content, len(content) // 2, "unreadable_file")


def hr_over_the_limit(folder: Path) -> Hostile:
    return sparse_file(folder, "nhansu_H35.01_202506.xlsx", HR_MAX_BYTES + 1, "file_too_large")


def hr_at_the_limit(folder: Path) -> Hostile:
    # Exactly the limit is allowed: the file is opened, and it is no zip.
    return sparse_file(folder, "nhansu_H35.01_202507.xlsx", HR_MAX_BYTES, "unreadable_file")


def hr_zip_bomb(folder: Path) -> Hostile:
    """The staff sheet padded with 64 MiB of blanks between its rows: a few dozen kilobytes compressed."""

    def padded(data: bytes) -> list[bytes]:
        head, tail = data.split(b"</sheetData>")
        return [head, *[b" " * MIB] * 64, b"</sheetData>" + tail]

    target = folder / "nhansu_H35.01_202508.xlsx"
    rezip(good_workbook(folder, "f"), target, _staff_sheet(padded))
    return Hostile(target.name, "file_too_large")


def hr_declared_dimension(folder: Path) -> Hostile:
    """Every sheet declares A1:XFD1048576 over its few rows: read as the cells it has (not 16,384 columns a
    row), so it loads."""
    target = folder / "nhansu_H35.01_202509.xlsx"
    rezip(
        good_workbook(folder, "g"),
        target,
        lambda name, data: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data),
    )
    return Hostile(target.name, LOADED)


def hr_far_row(folder: Path) -> Hostile:
    """One cell in the sheet's last row and column, below the footer, and the dimension declared to match:
    read as declared, a million rows of 16,384 cells each."""
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'

    def stretch(data: bytes) -> bytes:
        data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
        return data.replace(b"</sheetData>", far + b"</sheetData>")

    target = folder / "nhansu_H35.01_202510.xlsx"
    rezip(good_workbook(folder, "h"), target, _staff_sheet(stretch))
    return Hostile(target.name, "file_too_large")


def hr_wide_row(folder: Path) -> Hostile:
    """A data row with a cell in column XFD: the row is read up to the column cap, the export loads."""
    target = folder / "nhansu_H35.01_202511.xlsx"

    def widen(data: bytes) -> bytes:
        row = re.search(rb'<row r="(\d+)">(?:(?!</row>).)*CB001', data).group(1)
        cell = b'<c r="XFD' + row + b'" t="inlineStr"><is><t>far</t></is></c></row>'
        start = data.index(b'<row r="' + row + b'">')
        end = data.index(b"</row>", start)
        return data[:end] + cell + data[end + len(b"</row>") :]

    rezip(good_workbook(folder, "i"), target, _staff_sheet(widen))
    return Hostile(target.name, LOADED)


def hr_huge_tag(folder: Path) -> Hostile:
    """A cell of the staff sheet with 3 MiB of attributes: parsed whole into one dict before openpyxl sees
    the cell."""
    attributes = b"".join(b' a%d=""' % n for n in range(3 * MIB // 10))
    target = folder / "nhansu_H35.01_202403.xlsx"
    rezip(
        good_workbook(folder, "m"),
        target,
        _staff_sheet(lambda data: data.replace(b'<c r="A2"', b'<c r="A2"' + attributes, 1)),
    )
    return Hostile(target.name, "unreadable_file")


def hr_lying_sizes(folder: Path) -> Hostile:
    """The staff sheet's zip entry declares 100 bytes inflated: the zip layer stops there, and the CRC of
    what it read fails, whatever the compressed data would give."""
    target = write_export(folder / "nhansu_H35.01_202404.xlsx")
    content = bytearray(target.read_bytes())
    name = STAFF_SHEET.encode()
    # (signature, offset of the name, offset of the inflated size): the local header, the central directory.
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        entry = content.find(signature)
        while content[entry + name_at : entry + name_at + len(name)] != name:
            entry = content.find(signature, entry + 4)
        content[entry + size_at : entry + size_at + 4] = (100).to_bytes(4, "little")
    target.write_bytes(bytes(content))
    return Hostile(target.name, "unreadable_file")


_SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def _with_shared_strings(source: bytes, target: Path, strings: bytes) -> Path:
    def declare(name: str, data: bytes) -> bytes:
        return (
            data.replace(b"</Types>", _SHARED_STRINGS_TYPE + b"</Types>")
            if name == "[Content_Types].xml"
            else data
        )

    return rezip(source, target, declare, {"xl/sharedStrings.xml": strings})


def hr_huge_shared_strings(folder: Path) -> Hostile:
    """17 MiB of distinct shared strings: openpyxl would hold every one of them before the first row."""
    items = b"".join(b"<si><t>s%07d</t></si>" % number for number in range(17 * MIB // 20))
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + items + b"</sst>"
    target = folder / "nhansu_H35.01_202512.xlsx"
    _with_shared_strings(good_workbook(folder, "j"), target, strings)
    return Hostile(target.name, "file_too_large")


def hr_many_parts(folder: Path) -> Hostile:
    target = folder / "nhansu_H35.01_202401.xlsx"
    rezip(good_workbook(folder, "k"), target, extra={f"customXml/item{n}.xml": b"<a/>" for n in range(1001)})
    return Hostile(target.name, "file_too_large")


def hr_entity_expansion(folder: Path) -> Hostile:
    """A billion-laughs DTD in the staff sheet's XML."""
    doctype = (
        b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %c "%s">' % (ord("b") + level, (b"&%c;" % (ord("a") + level)) * 10)
            for level in range(9)
        )
        + b"]>"
    )

    def laugh(data: bytes) -> bytes:
        return doctype + data.replace(b"<t>STT</t>", b"<t>&j;</t>", 1)

    target = folder / "nhansu_H35.01_202402.xlsx"
    rezip(good_workbook(folder, "l"), target, _staff_sheet(laugh))
    return Hostile(target.name, "unreadable_file")


HR_BUILDERS = [
    hr_good,
    hr_name_not_utf8,
    hr_name_line_break,
    hr_name_path_like,
    hr_name_bidi_override,
    hr_empty,
    hr_truncated,
    hr_over_the_limit,
    hr_at_the_limit,
    hr_zip_bomb,
    hr_declared_dimension,
    hr_far_row,
    hr_wide_row,
    hr_huge_shared_strings,
    hr_many_parts,
    hr_entity_expansion,
    hr_huge_tag,
    hr_lying_sizes,
]


# edXML packages --------------------------------------------------------------------------------------------


def _document(number: int) -> bytes:
    return package(f"000.00.02.H35,2025/03/30,{number}/SNV-CCHC", "000.00.01.H35")


def _envelope(inner: bytes) -> bytes:
    """A package whose header is complete, with `inner` among its attachments."""
    whole = _document(990)
    marker = b"</edXML:edXMLEnvelope>"
    assert marker in whole
    return whole.replace(marker, marker + inner, 1)


def edxml_good(folder: Path) -> Hostile:
    (folder / "a.edxml").write_bytes(_document(901))
    return Hostile("a.edxml", LOADED)


def edxml_name_not_utf8(folder: Path) -> Hostile:
    # The name is not relied upon beyond its extension (sources.md §3.7): the package loads.
    write_raw_name(folder, b"\xff\xfe_goi.edxml", _document(902))
    return Hostile("\\xff\\xfe_goi.edxml", LOADED)


def edxml_name_control_characters(folder: Path) -> Hostile:
    (folder / "b\x1b[31m\r.edxml").write_bytes(_document(903))
    return Hostile("b\\x1b[31m\\x0d.edxml", LOADED)


def edxml_empty(folder: Path) -> Hostile:
    (folder / "empty.edxml").write_bytes(b"")
    return Hostile("empty.edxml", "xml_malformed")


def edxml_truncated(folder: Path) -> Hostile:
    content = _document(904)
    return cut_short(folder, "truncated.edxml", content, len(content) * 2 // 3, "xml_malformed")


def edxml_over_the_limit(folder: Path) -> Hostile:
    return sparse_file(folder, "over.edxml", EDXML_MAX_BYTES + 1, "file_too_large")


def edxml_at_the_limit(folder: Path) -> Hostile:
    return sparse_file(folder, "at.edxml", EDXML_MAX_BYTES, "xml_malformed")


def edxml_deep(folder: Path) -> Hostile:
    (folder / "deep.edxml").write_bytes(b'<edXML xmlns="%s">' % NAMESPACE.encode() + b"<a>" * 200_000)
    return Hostile("deep.edxml", "xml_malformed")


def edxml_huge_start_tag(folder: Path) -> Hostile:
    """One start tag of 4 MiB of attributes, never closed: parsed whole, it would become millions of
    Python objects."""
    attributes = b"".join(b' a%d=""' % n for n in range(4 * MIB // 10))
    (folder / "wide.edxml").write_bytes(_envelope(b"<x" + attributes + b"/>"))
    return Hostile("wide.edxml", "xml_malformed")


def edxml_many_attributes(folder: Path) -> Hostile:
    attributes = b"".join(b' a%d="1"' % n for n in range(1000))
    (folder / "attributes.edxml").write_bytes(_envelope(b"<x" + attributes + b"/>"))
    return Hostile("attributes.edxml", "xml_malformed")


def edxml_many_elements(folder: Path) -> Hostile:
    (folder / "elements.edxml").write_bytes(_envelope(b"<x/>" * 150_000))
    return Hostile("elements.edxml", "xml_malformed")


def edxml_huge_subject(folder: Path) -> Hostile:
    content = _document(905)
    subject = re.search(rb"<edXML:Subject>([^<]*)</edXML:Subject>", content).group(1)
    (folder / "subject.edxml").write_bytes(content.replace(subject, b"x" * (2 * MIB), 1))
    return Hostile("subject.edxml", "xml_malformed")


def edxml_long_comment(folder: Path) -> Hostile:
    (folder / "comment.edxml").write_bytes(_envelope(b"<!--" + b"-x" * MIB + b"-->"))
    return Hostile("comment.edxml", "xml_malformed")


def edxml_billion_laughs(folder: Path) -> Hostile:
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    text = (
        f'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY l0 "ha">{entities}]>'
        f'<edXML xmlns="{NAMESPACE}"><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&l9;</Subject>'
        "</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"
    )
    (folder / "laughs.edxml").write_text(text, encoding="utf-8")
    return Hostile("laughs.edxml", "xml_forbidden")


def edxml_external_entity(folder: Path) -> Hostile:
    text = (
        '<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        f'<edXML xmlns="{NAMESPACE}"><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&secret;</Subject>'
        "</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"
    )
    (folder / "external.edxml").write_text(text, encoding="utf-8")
    return Hostile("external.edxml", "xml_forbidden")


EDXML_BUILDERS = [
    edxml_good,
    edxml_name_not_utf8,
    edxml_name_control_characters,
    edxml_empty,
    edxml_truncated,
    edxml_over_the_limit,
    edxml_at_the_limit,
    edxml_deep,
    edxml_huge_start_tag,
    edxml_many_attributes,
    edxml_many_elements,
    edxml_huge_subject,
    edxml_long_comment,
    edxml_billion_laughs,
    edxml_external_entity,
]


# Catalogues ------------------------------------------------------------------------------------------------


def catalogue_billion_laughs() -> str:
    """Nine levels of aliases, each a list of ten of the level below: 10⁹ leaves from a few hundred bytes."""
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    return "\n".join(levels) + "\nid: x@1\nname: *a9\nunit_types: [so-ban-nganh]\nareas: []\n"


def catalogue_merge_key() -> str:
    return (
        "id: x@1\nname: Bộ tiêu chí\nunit_types: [so-ban-nganh]\nareas:\n"
        "  - &base {code: '1', name: Lĩnh vực,\n"
        "      children: [{code: '1.1', name: A, max_points: 1, rule: manual}]}\n"
        "  - <<: *base\n    code: '2'\n"
    )


def catalogue_deep() -> str:
    return "id: x@1\nname: " + "[" * 5_000 + "]" * 5_000 + "\n"
