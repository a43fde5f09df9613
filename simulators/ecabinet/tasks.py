"""Tasks assigned in conclusions (`nhiem-vu`, sources.md §4.5), owned by their lead agency."""

from dataclasses import dataclass

import numpy as np

from simulators.clock import DAY, HOUR, NEVER
from simulators.configuration import load
from simulators.dvc.agencies import Agency
from simulators.hashing import pick
from simulators.isotime import iso, iso_date

# Event columns: assigned (chưa thực hiện), started (đang thực hiện), done (hoàn thành), cancelled (đã hủy).
STATUSES = ("chưa thực hiện", "đang thực hiện", "hoàn thành", "đã hủy")


@dataclass
class Tasks:
    keys: list[str]
    origin: np.ndarray  # index into task_sources
    origin_key: list[str | None]
    owner: np.ndarray  # agency index
    due: np.ndarray  # seconds of the hanHoanThanh day, or NEVER
    events: np.ndarray  # (n, 4) int64

    def __len__(self) -> int:
        return len(self.keys)


def generate_tasks(count: int, owners: list[int], meetings, polls, period, rng) -> Tasks:
    config = load("ecabinet")
    origin = rng.choice(3, size=count, p=config["task_source_weights"])
    assigned = rng.integers(period[0] + 15 * DAY, period[1] - 5 * DAY, count)
    assigned = assigned - assigned % DAY + 9 * HOUR
    origin_key: list[str | None] = []
    for position, kind in enumerate(origin.tolist()):
        if kind == 0:
            held = np.flatnonzero(meetings.events[:, 3] <= assigned[position])
            origin_key.append(meetings.keys[int(held[-1])] if len(held) else None)
        elif kind == 1:
            sent = np.flatnonzero(polls.sent <= assigned[position])
            origin_key.append(polls.keys[int(sent[-1])] if len(sent) else None)
        else:
            origin_key.append(None)
    weights = rng.lognormal(0.0, 0.5, len(owners))
    owner = np.array(owners)[rng.choice(len(owners), size=count, p=weights / weights.sum())]
    has_due = rng.random(count) < 0.9
    due = np.where(has_due, assigned - assigned % DAY + rng.integers(15, 91, count) * DAY, NEVER)
    on_time_share = rng.uniform(0.70, 0.95, owner.max() + 1)[owner]
    on_time = rng.random(count) < on_time_share
    started = assigned + rng.integers(1, 6, count) * DAY
    span = np.where(has_due, due + 16 * HOUR - started, 30 * DAY)
    done = np.where(
        on_time | ~has_due,
        started + (rng.uniform(0.1, 1.0, count) * np.maximum(span, HOUR)).astype(np.int64),
        np.where(rng.random(count) < 0.7, due + rng.integers(1, 30, count) * DAY + 10 * HOUR, NEVER),
    )
    cancelled = rng.random(count) < 0.01
    cancel_time = np.where(cancelled, started + DAY, NEVER)
    done = np.where(cancelled, NEVER, done)
    return Tasks(
        keys=[f"NV-{iso(int(t))[:4]}-{position + 1:04d}" for position, t in enumerate(assigned.tolist())],
        origin=origin,
        origin_key=origin_key,
        owner=owner,
        due=due,
        events=np.stack([assigned, started, done, cancel_time], axis=1).astype(np.int64),
    )


def task_record(tasks: Tasks, index: int, moment: int, version: int, agencies: list[Agency]) -> dict:
    config = load("ecabinet")
    events = [int(t) for t in tasks.events[index]]
    stage = max(s for s, t in enumerate(events) if t <= moment)
    due = int(tasks.due[index])
    return {
        "ma": tasks.keys[index],
        "nguon": config["task_sources"][int(tasks.origin[index])],
        "maNguon": tasks.origin_key[index],
        "noiDung": pick(config["tasks"], index),
        "maDonViChuTri": agencies[int(tasks.owner[index])].code,
        "ngayGiao": iso_date(events[0]),
        "hanHoanThanh": iso_date(due) if due < NEVER else None,
        "ngayHoanThanh": iso_date(events[2]) if stage == 2 else None,
        "trangThai": STATUSES[stage],
        "thoiGianCapNhat": iso(version, milliseconds=True),
    }
