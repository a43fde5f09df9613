"""QLVB register entries (sources.md §3.3) and edXML packages (§3.7–3.8) as entity specs.

Both land one row per document, keyed by the natural key (`MaDonViQuanLy`, `direction`, normalised
`DocumentId`); an edXML package's key also carries its file's content hash, so that the packages of one
document (the original, an update, a recall) stay side by side and the marts decide between them.
`ChuKySo[]` and `XuLy[]` entries come out as list columns that the extractor turns into child rows.
"""

from collections.abc import Callable

import orjson
import pyarrow as pa

from etl import convert
from etl.convert import SLOW, Converter, FieldError
from etl.memo import TextMemo
from etl.normalise import TIMESTAMP, ArrayField, EntitySpec, Field, object_entry
from etl.privacy import FieldPolicy
from etl.qlvb.context import QlvbContext
from etl.qlvb.notation import NotationCleaner
from etl.text import clean_code
from etl.timeparse import parse_iso_date, parse_iso_datetime, parse_slash_date, parse_slash_datetime

SOURCE = "qlvb"
DOCUMENTS = "documents"
EDXML = "edxml"
DIRECTIONS = ("di", "den")
VERSION_FIELD = "ModifiedAt"

# SignerInfo.FullName is P (§3.3); Competence and Position are kept.
PRIVACY = FieldPolicy(objects={"SignerInfo": FieldPolicy(drop=frozenset({"FullName"}))})

SMALLINT = pa.int16()
SIGNATURES = "signatures"
HANDLINGS = "handlings"
# Child rows: list column of the normalised rows → (child table, entry field → child column).
CHILD_COLUMNS = {
    SIGNATURES: (
        "stg_qlvb__signature",
        {"KyBoi": "signed_by", "ThoiDiemKy": "signed_at", "HopLe": "is_valid"},
    ),
    HANDLINGS: (
        "stg_qlvb__handling",
        {
            "MaDonVi": "unit_code",
            "VaiTro": "role",
            "HanXuLy": "due_date",
            "NgayHoanThanh": "completed_at",
            "TrangThai": "status",
        },
    ),
}
_SIGNATURE_TYPE = pa.list_(
    pa.struct([("KyBoi", pa.string()), ("ThoiDiemKy", TIMESTAMP), ("HopLe", pa.bool_())])
)
_HANDLING_TYPE = pa.list_(
    pa.struct(
        [
            ("MaDonVi", pa.string()),
            ("VaiTro", pa.string()),
            ("HanXuLy", pa.date32()),
            ("NgayHoanThanh", TIMESTAMP),
            ("TrangThai", pa.string()),
        ]
    )
)


def _blank(value: object) -> bool:
    """Absent, empty or only white space (§1.6), or not a scalar at all."""
    return convert.scalar_text(value) is None or not str(value).strip()


def _member(value: object, name: str) -> object:
    """The required member `name` of an object field (`{"OrganId": …}`)."""
    if not isinstance(value, dict):
        raise FieldError("bad_format", value)
    member = value.get(name)
    if _blank(member):
        raise FieldError("missing_required", value, name)
    return member


class _Member:
    """An object field that is its required member `name` converted (`From.OrganId`), with the column
    fast path of that member's converter."""

    def __init__(self, name: str, convert: Converter):
        self._name = name
        self._convert = convert

    def __call__(self, value: object) -> object:
        return self._convert(_member(value, self._name))

    def column(self, values: list) -> list:
        name = self._name
        members = [v.get(name) if v.__class__ is dict else SLOW for v in values]
        # A null object is absent; a null or blank member is a defect that only the converter names.
        return [
            None if value is None else (SLOW if converted is None else converted)
            for value, converted in zip(values, self._convert.column(members), strict=True)
        ]


class _Builder:
    """Field constructors bound to one context's mappings and agency table."""

    def __init__(self, context: QlvbContext):
        self.codes = context.codes
        self.tz = context.timezone
        self.agencies = context.agencies
        self.agency = convert.agency(context.agencies)
        self.cleaner = NotationCleaner(context.codes["DocumentTypeAbbreviation"])
        self.organ_code = TextMemo(self._organ_code)
        self.slash_date = TextMemo(convert.timestamp(parse_slash_date))

    def enum(self, name, column, mapping, required=True) -> Field:
        return Field(name, column, convert.enumeration(self.codes[mapping]), required=required)

    def small(self, name, column, mapping, required=True) -> Field:
        return Field(name, column, convert.small_int_code(self.codes[mapping]), SMALLINT, required)

    def iso_time(self, name, column, required=False) -> Field:
        tz = self.tz
        return Field(
            name, column, convert.timestamp(lambda v: parse_iso_datetime(v, tz)), TIMESTAMP, required
        )

    def document_id(self, value: object) -> str:
        return self.cleaner.document_id(convert.identifier(value))

    def notation(self, value: object) -> str:
        return self.cleaner.notation(convert.identifier(value))

    def _organ_code(self, value: object) -> str:
        """An organ outside the province is legitimate (§3.3): an unknown code is kept cleaned."""
        code = convert.code(value)
        return self.agencies.resolve(code) or code

    def common_fields(self) -> tuple[Field, ...]:
        """Header fields shared by API records and edXML packages."""
        return (
            Field("DocumentId", "document_id", self.document_id, required=True),
            Field("From", "from_agency_code", _Member("OrganId", self.organ_code), required=True),
            Field("CodeNumber", "code_number", convert.identifier, required=True),
            Field("CodeNotation", "code_notation", self.notation, required=True),
            Field("PromulgationDate", "promulgation_date", self.slash_date, pa.date32(), True),
            Field(
                "DocumentType",
                "type_name",
                _Member("TypeName", convert.enumeration(self.codes["DocumentTypeName"])),
                required=True,
            ),
            Field("DueDate", "due_date", self.slash_date, pa.date32()),
            Field("SphereOfPromulgation", "sphere", convert.free_text),
            Field("BussinessDocReason", "business_doc_reason", convert.free_text),
        )

    def arrays(self) -> tuple[ArrayField, ...]:
        to_entry = object_entry((Field("OrganId", None, self.organ_code, required=True),))
        replaced = self.document_id

        def replaced_entry(value: object) -> str:
            if _blank(value):
                raise FieldError("missing_required", value)
            return replaced(value)

        return (
            ArrayField("To", to_entry, (("to_agency_codes", pa.string(), _json_codes),)),
            ArrayField(
                "ReplacementDocumentIds",
                replaced_entry,
                (("replaced_document_ids", pa.string(), _json_list),),
                required=False,
            ),
        )


def _json_list(values: list) -> str:
    return orjson.dumps(values).decode()


def _json_codes(entries: list) -> str:
    return _json_list([entry["OrganId"] for entry in entries])


def _identity(entries: list) -> list:
    return entries


def natural_key(agency: str, direction: str, document_id: str) -> str:
    """The staging key of a register entry; `|` occurs in no agency code, direction or DocumentId."""
    return f"{agency}|{direction}|{document_id}"


def _key_function(b: _Builder, direction: Callable[[dict], str | None]) -> Callable[[dict], str | None]:
    # The key's agency and direction parts, per received text: a register has a few hundred of each.
    agencies = TextMemo(lambda agency: b.agencies.resolve(agency) or clean_code(agency))
    ways = TextMemo(lambda way: clean_code(way).casefold())

    def key(record: dict) -> str | None:
        agency, document_id, way = (
            convert.scalar_text(record.get("MaDonViQuanLy")),
            convert.scalar_text(record.get("DocumentId")),
            direction(record),
        )
        if agency is None or document_id is None or way is None:
            return None
        return natural_key(agencies(agency), ways(way), b.cleaner.document_id(document_id))

    return key


def _api_direction(record: dict) -> str | None:
    return convert.scalar_text(record.get("direction"))


def document_spec(context: QlvbContext) -> EntitySpec:
    """A register entry served by `GET /api/documents` (§3.3)."""
    b = _Builder(context)
    signature = object_entry(
        (
            b.enum("KyBoi", None, "KyBoi"),
            b.iso_time("ThoiDiemKy", None, required=True),
            Field("HopLe", None, _boolean, pa.bool_(), required=True),
        )
    )
    handling = object_entry(
        (
            Field("MaDonVi", None, b.agency, required=True),
            b.enum("VaiTro", None, "VaiTro"),
            Field("HanXuLy", None, TextMemo(convert.timestamp(parse_iso_date))),
            b.iso_time("NgayHoanThanh", None),
            b.enum("TrangThai", None, "TrangThaiXuLy"),
        )
    )
    return EntitySpec(
        SOURCE,
        DOCUMENTS,
        _key_function(b, _api_direction),
        fields=(
            Field("id", "system_id", convert.identifier, required=True),
            b.enum("direction", "direction", "direction"),
            Field("MaDonViQuanLy", "agency_code", b.agency, required=True),
            *b.common_fields(),
            Field("Subject", "subject", convert.free_text),
            b.small("Priority", "priority", "Priority"),
            b.small("BussinessDocType", "business_doc_type", "BussinessDocType"),
            Field("SoDen", "incoming_number", convert.integer, pa.int32()),
            b.iso_time("NgayDen", "received_at"),
            b.enum("DoMat", "secrecy", "DoMat", required=False),
            b.enum("HinhThucGuiNhan", "transmission", "HinhThucGuiNhan"),
            b.enum("LienThong", "exchange_channel", "LienThong", required=False),
            b.iso_time("CreatedAt", "created_at", required=True),
        ),
        arrays=(
            *b.arrays(),
            ArrayField(
                "ChuKySo",
                signature,
                (("signature_count", pa.int32(), len), (SIGNATURES, _SIGNATURE_TYPE, _identity)),
            ),
            ArrayField(
                "XuLy",
                handling,
                (("handling_count", pa.int32(), len), (HANDLINGS, _HANDLING_TYPE, _identity)),
            ),
        ),
        version=b.iso_time(VERSION_FIELD, "modified_at", required=True),
        known=frozenset({"SignerInfo"}),
    )


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise FieldError("bad_format", value)
    return value


def edxml_spec(context: QlvbContext) -> EntitySpec:
    """An edXML package read by `etl.qlvb.edxml` (§3.8), loaded as a `den` entry of its receiving agency.

    The key made here is the natural key; the reader ends it with the file's content hash
    (`etl.qlvb.files.package_key`), so that each package of a document keeps its own row.
    """
    b = _Builder(context)
    key = _key_function(b, lambda record: "den")

    paper = b.codes["Paper"]

    def transmission(value: object) -> str:
        matched = paper.match(convert.as_text(value))
        if matched is None:
            raise FieldError("unknown_code", value)
        return "cả hai" if matched == "1" else "điện tử"

    return EntitySpec(
        SOURCE,
        EDXML,
        key,
        fields=(
            Field("MaDonViQuanLy", "agency_code", b.agency, required=True),
            *b.common_fields(),
            Field("Subject", "subject", convert.free_text, required=True),
            b.small("Priority", "priority", "Priority"),
            b.small("BussinessDocType", "business_doc_type", "BussinessDocType"),
            Field("NgayDen", "received_at", convert.timestamp(parse_slash_datetime), TIMESTAMP),
            Field("Paper", "transmission", transmission, required=True),
            Field("CoChuKyEdxml", "has_edxml_signature", _boolean, pa.bool_(), required=True),
        ),
        arrays=b.arrays(),
        version=Field("NgayDen", None, convert.timestamp(parse_slash_datetime), TIMESTAMP),
        known=frozenset({"SignerInfo"}),
    )
