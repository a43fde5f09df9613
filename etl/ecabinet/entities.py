"""The E-CABINET resources (sources.md §4.2–4.5) as entity specs: fields, converters, staging columns.

E-CABINET serves no names: members are pseudonymous ids (``TV-`` and 6 digits) and the free texts (a poll
answer's ``yKien``, class R) stay in raw and staging, so no field is dropped or hashed (§1.9).
"""

from collections.abc import Callable
from functools import partial

import pyarrow as pa

from etl import convert
from etl.convert import FieldError
from etl.ecabinet.context import EcabinetContext
from etl.fields import FieldBuilder
from etl.normalise import TIMESTAMP, ArrayField, EntitySpec, Field, object_entry
from etl.privacy import FieldPolicy
from etl.text import clean_identifier
from etl.timeparse import TimeFormatError, parse_iso_date, parse_iso_datetime

SOURCE = "ecabinet"
MEETINGS, POLLS, TASKS = "cuoc-hop", "phieu-lay-y-kien", "nhiem-vu"
ENTITIES = (MEETINGS, POLLS, TASKS)
KEY_FIELD = "ma"
VERSION_FIELD = "thoiGianCapNhat"
# The detail's documents: present only when the meeting detail was fetched (§4.3).
DOCUMENTS = "taiLieu"
PAPER = "giấy"
NO_PERSONAL_DATA = FieldPolicy()

BOOL = pa.bool_()
DATE = pa.date32()
INT32 = pa.int32()


def record_key(record: dict) -> str | None:
    """The cleaned ``ma`` of a received record (None when it lacks one)."""
    text = convert.scalar_text(record.get(KEY_FIELD))
    return None if text is None else clean_identifier(text) or None


def privacy_policy(entity: str) -> FieldPolicy:
    if entity not in ENTITIES:
        raise ValueError(f"unknown E-CABINET entity {entity!r}; expected one of {', '.join(ENTITIES)}")
    return NO_PERSONAL_DATA


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise FieldError("bad_format", value)
    return value


def _parsed(parse: Callable[[str], object], value: object) -> object:
    if not isinstance(value, str):
        raise FieldError("bad_format", value)
    try:
        return parse(value)
    except TimeFormatError:
        raise FieldError("bad_format", value) from None


def chair_member(value: object) -> str:
    """``chuTri`` ``{"maThanhVien", "chucVu"}`` to the chair's member id."""
    if not isinstance(value, dict):
        raise FieldError("bad_format", value)
    member = value.get("maThanhVien")
    if member is None or (isinstance(member, str) and not member.strip()):
        raise FieldError("missing_required", value)
    return convert.identifier(member)


def detail_present(value: object) -> bool:
    if not isinstance(value, list):
        raise FieldError("bad_format", value)
    return True


class _Builder(FieldBuilder):
    """Field constructors bound to one context's mappings, agencies and time zone."""

    def __init__(self, context: EcabinetContext):
        super().__init__(context.codes, context.agencies)
        self.datetime_convert = partial(_parsed, partial(parse_iso_datetime, tz=context.timezone))
        self.date_convert = partial(_parsed, parse_iso_date)

    def flag(self, name, column, required=True) -> Field:
        return Field(name, column, boolean, BOOL, required)

    def time(self, name, column, required=False) -> Field:
        return Field(name, column, self.datetime_convert, TIMESTAMP, required)

    def date(self, name, column, required=False) -> Field:
        return Field(name, column, self.date_convert, DATE, required)

    def integer(self, name, column, required=False) -> Field:
        return Field(name, column, convert.integer, INT32, required)

    def version(self) -> Field:
        return self.time(VERSION_FIELD, "updated_at", required=True)


def _count(entries: list) -> int:
    return len(entries)


def _meeting(b: _Builder, collect: Callable[[list], None]) -> EntitySpec:
    agenda = object_entry(
        (
            b.integer("thuTu", None, required=True),
            b.free("noiDung", None, required=True),
            b.agency("maDonViTrinh", None, required=False),
            b.text("soKyHieuToTrinh", None),
            b.enum("ketQua", None, "KetQuaChuongTrinh", required=False),
        )
    )
    documents = object_entry(
        (
            b.text("ma", None, required=True),
            b.free("ten", None, required=True),
            b.integer("thuTuChuongTrinh", None),
            b.time("ngayGui", None, required=True),
            b.enum("kenh", None, "KenhTaiLieu"),
            # "" means not secret: an absent value, so the field cannot be required (§1.6).
            b.enum("doMat", None, "DoMat", required=False),
        )
    )
    attendees = object_entry(
        (
            b.text("maThanhVien", None, required=True),
            b.enum("vaiTro", None, "VaiTro"),
            b.agency("maDonVi", None, required=False),
            b.flag("coMat", None, required=False),
        )
    )
    return EntitySpec(
        SOURCE,
        MEETINGS,
        record_key,
        fields=(
            b.text("ma", "meeting_code", required=True),
            b.enum("loai", "kind", "LoaiCuocHop"),
            b.free("ten", "title", required=True),
            b.time("thoiGianBatDau", "starts_at", required=True),
            b.integer("thoiLuongPhut", "planned_minutes"),
            Field("chuTri", "chair_member_id", chair_member, required=True),
            b.enum("hinhThuc", "meeting_format", "HinhThucCuocHop"),
            b.free("diaDiem", "location"),
            b.enum("trangThai", "status", "TrangThaiCuocHop"),
            b.free("lyDoHuy", "cancel_reason"),
            b.text("soKyHieuGiayMoi", "invitation_notation"),
            b.flag("khongGiay", "reported_paperless"),
            Field(DOCUMENTS, "detail_fetched", detail_present, BOOL),
        ),
        arrays=(
            ArrayField("chuongTrinh", agenda, (("agenda_item_count", INT32, _count),), required=False),
            ArrayField(
                DOCUMENTS,
                documents,
                (
                    ("document_count", INT32, _count),
                    ("paper_document_count", INT32, lambda valid: sum(e["kenh"] == PAPER for e in valid)),
                ),
                required=False,
            ),
            ArrayField(
                "thanhPhan",
                attendees,
                (
                    ("attendee_count", INT32, _count),
                    ("attended_count", INT32, lambda valid: sum(e["coMat"] is True for e in valid)),
                ),
                required=False,
            ),
        ),
        version=b.version(),
    )


def _poll(b: _Builder, collect: Callable[[list], None]) -> EntitySpec:
    members = object_entry(
        (
            b.text("maThanhVien", None, required=True),
            b.enum("luaChon", None, "LuaChon"),
            b.free("yKien", None),
            b.time("thoiDiemTraLoi", None),
            b.flag("daKySo", None),
        )
    )

    def member_count(valid: list) -> int:
        collect(valid)
        return len(valid)

    return EntitySpec(
        SOURCE,
        POLLS,
        record_key,
        fields=(
            b.text("ma", "poll_code", required=True),
            b.free("noiDung", "question", required=True),
            b.text("toTrinhLienQuan", "related_submission"),
            b.time("ngayGui", "sent_at", required=True),
            b.time("hanTraLoi", "answer_due_at", required=True),
            b.enum("trangThai", "status", "TrangThaiPhieu"),
        ),
        arrays=(ArrayField("thanhVien", members, (("member_count", INT32, member_count),)),),
        version=b.version(),
    )


def _task(b: _Builder, collect: Callable[[list], None]) -> EntitySpec:
    return EntitySpec(
        SOURCE,
        TASKS,
        record_key,
        fields=(
            b.text("ma", "task_code", required=True),
            b.enum("nguon", "source_kind", "NguonNhiemVu"),
            b.text("maNguon", "source_code"),
            b.free("noiDung", "content", required=True),
            b.agency("maDonViChuTri", "agency_code"),
            b.date("ngayGiao", "assigned_on", required=True),
            b.date("hanHoanThanh", "due_on"),
            b.date("ngayHoanThanh", "completed_on"),
            b.enum("trangThai", "status", "TrangThaiNhiemVu"),
        ),
        version=b.version(),
    )


_BUILDERS = {MEETINGS: _meeting, POLLS: _poll, TASKS: _task}


def entity_spec(
    entity: str, context: EcabinetContext, collect: Callable[[list], None] = lambda valid: None
) -> EntitySpec:
    """The spec of ``entity`` bound to ``context``; ``collect`` receives each staged poll's valid members,
    in the order of its staging rows."""
    privacy_policy(entity)
    return _BUILDERS[entity](_Builder(context), collect)
