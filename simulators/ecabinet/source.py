"""Assembles the E-CABINET source of a simulation: meetings, polls and tasks, their quirk plan and filters."""

import numpy as np

from simulators import json_quirks
from simulators.clock import NEVER
from simulators.configuration import load
from simulators.dvc.agencies import Agency
from simulators.dvc.world import Entity
from simulators.ecabinet.meetings import generate_meetings, meeting_record
from simulators.ecabinet.members import build_roster
from simulators.ecabinet.polls import generate_polls, poll_record
from simulators.ecabinet.tasks import generate_tasks, task_record
from simulators.json_quirks import JsonSpec
from simulators.sources import JsonSource
from simulators.workdays import HolidayCalendar

SPECS = {
    "cuoc-hop": JsonSpec(
        codes=("ma", "loai", "trangThai", "hinhThuc", "soKyHieuGiayMoi"),
        enums=(
            "loai",
            "trangThai",
            "hinhThuc",
            "taiLieu[].kenh",
            "thanhPhan[].vaiTro",
            "chuongTrinh[].ketQua",
        ),
        agencies=("chuongTrinh[].maDonViTrinh", "thanhPhan[].maDonVi"),
        datetimes=("thoiGianBatDau", "thoiGianCapNhat", "taiLieu[].ngayGui"),
    ),
    "phieu-lay-y-kien": JsonSpec(
        codes=("ma", "trangThai", "toTrinhLienQuan"),
        enums=("trangThai", "thanhVien[].luaChon"),
        datetimes=("ngayGui", "hanTraLoi", "thoiGianCapNhat", "thanhVien[].thoiDiemTraLoi"),
    ),
    "nhiem-vu": JsonSpec(
        codes=("ma", "nguon", "trangThai", "maDonViChuTri", "maNguon"),
        enums=("nguon", "trangThai"),
        agencies=("maDonViChuTri",),
        datetimes=("thoiGianCapNhat",),
    ),
}
CANCELLED = "đã hủy"


def owner_of(agencies: list[Agency]) -> int:
    """The agency that operates E-CABINET: `ecabinet_owner` of the agency configuration, else the Office."""
    wanted = load("agencies").get("ecabinet_owner")
    codes = [a.code for a in agencies]
    if wanted in codes:
        return codes.index(wanted)
    return next(i for i, a in enumerate(agencies) if a.unit_type == "so-ban-nganh")


def build_ecabinet(
    agencies: list[Agency],
    preset: dict,
    year: int,
    period: tuple[int, int],
    calendar: HolidayCalendar,
    rates: dict[str, float],
    rng: np.random.Generator,
    quirk_rng: np.random.Generator,
) -> tuple[JsonSource, dict[str, np.ndarray]]:
    """The source, and per list the day (int64 seconds of the local day) that `tuNgay`/`denNgay` filter on."""
    departments = [i for i, a in enumerate(agencies) if a.unit_type == "so-ban-nganh"]
    owners = [i for i, a in enumerate(agencies) if a.unit_type in ("so-ban-nganh", "xa-phuong", "cnvpdk")]
    owner = owner_of(agencies)
    roster = build_roster(agencies, departments, owner)

    def volume(name: str) -> int:
        return round(preset[name] * 13 / 12)

    meetings = generate_meetings(volume("meetings"), departments, roster, period, calendar, rates, rng)
    polls = generate_polls(
        volume("polls"), tuple(preset["poll_members"]), departments, roster, period, rates, rng
    )
    tasks = generate_tasks(volume("tasks"), owners, meetings, polls, period, rng)
    no_hidden = np.zeros

    entities = {
        "cuoc-hop": Entity(
            "cuoc-hop",
            "ma",
            True,
            meetings.keys,
            meetings.events,
            lambda indices, moment, versions: [
                meeting_record(meetings, i, moment, v, roster, agencies, year)
                for i, v in zip(indices, versions, strict=True)
            ],
            no_hidden(len(meetings), dtype=bool),
            source="ecabinet",
        ),
        "phieu-lay-y-kien": Entity(
            "phieu-lay-y-kien",
            "ma",
            True,
            polls.keys,
            polls.event_table(),
            lambda indices, moment, versions: [
                poll_record(polls, i, moment, v, roster) for i, v in zip(indices, versions, strict=True)
            ],
            no_hidden(len(polls), dtype=bool),
            source="ecabinet",
        ),
        "nhiem-vu": Entity(
            "nhiem-vu",
            "ma",
            True,
            tasks.keys,
            tasks.events,
            lambda indices, moment, versions: [
                task_record(tasks, i, moment, v, agencies) for i, v in zip(indices, versions, strict=True)
            ],
            no_hidden(len(tasks), dtype=bool),
            source="ecabinet",
        ),
    }
    on_paper = np.array([any(paper for _, paper, _ in documents) for documents in meetings.documents])
    plan = json_quirks.plan(
        {name: len(entity.keys) for name, entity in entities.items()},
        SPECS,
        {"cuoc-hop": {"Q19": np.flatnonzero(on_paper)}},
        rates,
        quirk_rng,
    )
    cancelled = {
        "cuoc-hop": np.flatnonzero(meetings.events[:, 4] < NEVER),
        "phieu-lay-y-kien": np.flatnonzero(polls.events[:, 2] < NEVER),
    }
    source = JsonSource(
        name="ecabinet",
        entities=entities,
        specs=SPECS,
        plan=plan,
        old_codes={a.code: a.old_code for a in agencies},
        natural_key={name: _key for name in entities},
        marks=_marks,
        flagged=cancelled,
    )
    days = {"cuoc-hop": meetings.start, "phieu-lay-y-kien": polls.sent}
    return source, days


def _key(record: dict) -> str:
    return record["ma"]


def _marks(entity: str, record: dict) -> list[tuple[str, str]]:
    """Q11 covers cancelled meetings and polls; a cancelled task is ordinary data."""
    cancellable = entity in ("cuoc-hop", "phieu-lay-y-kien")
    return [("trangThai", "Q11")] if cancellable and record["trangThai"] == CANCELLED else []
