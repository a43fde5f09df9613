"""Meetings of UBND tỉnh (`cuoc-hop`, sources.md §4.2–4.3): schedule, documents, attendees and outcome."""

from dataclasses import dataclass

import numpy as np

from simulators.clock import DAY, HOUR, NEVER, to_days
from simulators.configuration import load
from simulators.dvc.agencies import Agency
from simulators.ecabinet.members import Roster
from simulators.hashing import mix, pick
from simulators.isotime import iso
from simulators.sampling import mask_of

# Event columns; a version is the latest event at or before the moment.
COLUMN = {"planned": 0, "approved": 1, "started": 2, "ended": 3, "cancelled": 4}
STATUSES = ("dự kiến", "đã duyệt", "đang họp", "đã kết thúc", "đã hủy")


@dataclass
class Meetings:
    keys: list[str]
    kind: np.ndarray
    start: np.ndarray  # int64 seconds
    minutes: np.ndarray
    chair: np.ndarray  # roster position
    form: np.ndarray
    paperless: np.ndarray  # bool: every document electronic
    agenda: list[list[tuple[int, int, int, int]]]  # (topic, presenting department, submission no., result)
    documents: list[list[tuple[int, bool, bool]]]  # (agenda position, on paper, classified)
    attendees: list[list[tuple[int, str, bool]]]  # (roster position, role, present)
    invitation: np.ndarray
    events: np.ndarray  # (n, 5) int64, COLUMN

    def __len__(self) -> int:
        return len(self.keys)


def generate_meetings(
    count: int, departments: list[int], roster: Roster, period: tuple[int, int], calendar, rates, rng
) -> Meetings:
    config = load("ecabinet")
    days = np.arange(to_days(np.array([period[0] + 10 * DAY]))[0], to_days(np.array([period[1]]))[0] + 1)
    working = days[calendar.is_working_day(days)]
    start = np.sort(
        working[rng.choice(len(working), size=count, replace=len(working) < count)].astype(np.int64) * DAY
        + np.where(rng.random(count) < 0.7, 8 * HOUR, 14 * HOUR)
    )
    planned = start - rng.integers(7, 15, count) * DAY
    approved = start - rng.integers(3, 6, count) * DAY
    minutes = rng.choice([120, 180, 240], size=count)
    cancelled = mask_of(count, rates["Q11"], rng)
    cancel_time = np.where(cancelled, start - rng.integers(HOUR, 2 * DAY, count), NEVER)
    started = np.where(cancelled, NEVER, start)
    ended = np.where(cancelled, NEVER, start + minutes * 60 + rng.integers(0, 3_600, count))
    paperless = rng.random(count) < rng.uniform(0.6, 1.0)
    agenda, documents, attendees = [], [], []
    for position in range(count):
        items = int(rng.integers(1, 5))
        agenda.append(
            [
                (
                    int(rng.integers(len(config["agenda"]))),
                    departments[int(rng.integers(len(departments)))],
                    int(rng.integers(10, 300)),
                    int(rng.choice(3, p=config["agenda_result_weights"])),
                )
                for _ in range(items)
            ]
        )
        papers = []
        for item in range(items):
            papers += [(item, False, bool(rng.random() < 0.03)) for _ in range(int(rng.integers(1, 3)))]
        if not paperless[position]:
            # A paper meeting has at least one document on paper.
            chosen = int(rng.integers(len(papers)))
            papers[chosen] = (papers[chosen][0], True, papers[chosen][2])
        documents.append(papers)
        members = rng.choice(np.arange(1, len(roster)), size=int(rng.integers(7, 17)), replace=False).tolist()
        present = (rng.random(len(members)) < 0.9).tolist()
        attendees.append(
            [(0, "chủ trì", True)]
            + [(m, "thành viên", p) for m, p in zip(members[:-1], present[:-1], strict=True)]
            + [(members[-1], "thư ký", True)]
        )
    events = np.stack([planned, approved, started, ended, cancel_time], axis=1).astype(np.int64)
    return Meetings(
        keys=[f"CH-{iso(int(t))[:4]}-{position + 1:04d}" for position, t in enumerate(start.tolist())],
        kind=rng.choice(len(config["meeting_kinds"]), size=count, p=config["meeting_kind_weights"]),
        start=start,
        minutes=minutes,
        chair=np.zeros(count, dtype=np.int64),
        form=rng.choice(3, size=count, p=[0.7, 0.1, 0.2]),
        paperless=paperless,
        agenda=agenda,
        documents=documents,
        attendees=attendees,
        invitation=rng.integers(100, 2_000, count),
        events=events,
    )


def meeting_record(
    meetings: Meetings,
    index: int,
    moment: int,
    version: int,
    roster: Roster,
    agencies: list[Agency],
    year: int,
) -> dict:
    config = load("ecabinet")
    planned, approved, started, ended, cancelled = (int(t) for t in meetings.events[index])
    stage = max(s for s, t in enumerate((planned, approved, started, ended, cancelled)) if t <= moment)
    status = STATUSES[stage]
    start = int(meetings.start[index])
    kind = config["meeting_kinds"][int(meetings.kind[index])]
    month = (iso(start) or "")[5:7]
    agenda = meetings.agenda[index]
    return {
        "ma": meetings.keys[index],
        "loai": kind,
        "ten": f"Phiên họp UBND tỉnh {kind} tháng {month} năm {iso(start)[:4]}",
        "thoiGianBatDau": iso(start),
        "thoiLuongPhut": int(meetings.minutes[index]),
        "chuTri": {"maThanhVien": roster.ids[0], "chucVu": roster.positions[0]},
        "hinhThuc": config["forms"][int(meetings.form[index])],
        "diaDiem": pick(config["places"], index),
        "trangThai": status,
        "lyDoHuy": pick(config["cancel_reasons"], index) if cancelled <= moment else None,
        "soKyHieuGiayMoi": f"{int(meetings.invitation[index])}/GM-UBND",
        "khongGiay": bool(meetings.paperless[index]),
        "thoiGianCapNhat": iso(version, milliseconds=True),
        "chuongTrinh": [
            {
                "thuTu": position + 1,
                "noiDung": config["agenda"][topic].format(Y1=year + 1),
                "maDonViTrinh": agencies[department].code,
                "soKyHieuToTrinh": f"{number}/TTr-{roster.abbreviation(department)}",
                "ketQua": config["agenda_results"][result] if ended <= moment else None,
            }
            for position, (topic, department, number, result) in enumerate(agenda)
        ],
        "taiLieu": [
            {
                "ma": f"TL-{mix(index, position) % 100_000:05d}",
                "ten": f"Tài liệu {position + 1} của mục {item + 1}",
                "thuTuChuongTrinh": item + 1,
                "ngayGui": iso(planned + position * 60),
                "kenh": "giấy" if on_paper else "điện tử",
                "doMat": "Mật" if secret else "",
            }
            for position, (item, on_paper, secret) in enumerate(meetings.documents[index])
        ],
        "thanhPhan": [
            {
                "maThanhVien": roster.ids[member],
                "vaiTro": role,
                "maDonVi": roster.agency_code(member),
                "coMat": False if cancelled <= moment else (present if ended <= moment else None),
            }
            for member, role, present in meetings.attendees[index]
        ],
    }
