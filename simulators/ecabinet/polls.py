"""Member polls (`phieu-lay-y-kien`, sources.md §4.4): who was asked, who answered, and when."""

from dataclasses import dataclass

import numpy as np

from simulators.clock import DAY, HOUR, NEVER
from simulators.configuration import load
from simulators.ecabinet.members import Roster
from simulators.hashing import pick
from simulators.isotime import iso
from simulators.sampling import mask_of

OPEN, CLOSED, CANCELLED = "đang lấy ý kiến", "đã kết thúc", "đã hủy"
NO_ANSWER = "chưa trả lời"


@dataclass
class Polls:
    keys: list[str]
    question: np.ndarray
    submission: list[tuple[int, int]]  # (number, presenting department) of the related Tờ trình
    sent: np.ndarray
    deadline: np.ndarray
    members: list[list[int]]  # roster positions
    answers: np.ndarray  # (n, max members) int64 answer times, NEVER for none
    choices: np.ndarray  # (n, max members) index into poll_choices
    signed: np.ndarray  # (n, max members) bool
    events: np.ndarray  # (n, 3): sent, closed, cancelled; answers are events too (see `versions`)

    def __len__(self) -> int:
        return len(self.keys)

    def event_table(self) -> np.ndarray:
        """Every event of a poll, answers included: a version is the latest of them."""
        return np.concatenate([self.events, self.answers], axis=1)


def generate_polls(
    count: int, members: tuple[int, int], departments: list[int], roster: Roster, period, rates, rng
) -> Polls:
    config = load("ecabinet")
    days = np.sort(rng.integers(period[0] + 5 * DAY, period[1] - 10 * DAY, count))
    sent = days - days % DAY + rng.integers(8 * HOUR, 17 * HOUR, count)
    deadline = sent - sent % DAY + rng.integers(3, 8, count) * DAY + 17 * HOUR
    widest = members[1]
    answers = np.full((count, widest), NEVER, dtype=np.int64)
    asked = []
    cancelled = mask_of(count, rates["Q11"] / 2, rng)
    for position in range(count):
        size = int(rng.integers(members[0], members[1] + 1))
        asked.append(rng.choice(np.arange(1, len(roster)), size=size, replace=False).tolist())
        draw = rng.random(size)
        room = int(deadline[position] - sent[position])
        on_time = sent[position] + (rng.uniform(0.05, 1.0, size) * room).astype(np.int64)
        late = deadline[position] + rng.integers(HOUR, 3 * DAY, size)
        times = np.where(draw < 0.85, on_time, np.where(draw < 0.92, late, NEVER))
        if cancelled[position]:
            times[:] = NEVER
        answers[position, :size] = times
    cancel_time = np.where(cancelled, sent + DAY, NEVER)
    last_answer = np.where(answers < NEVER, answers, 0).max(axis=1)
    closed = np.where(cancelled, NEVER, np.maximum(deadline, last_answer) + HOUR)
    return Polls(
        keys=[f"PLYK-{iso(int(t))[:4]}-{position + 1:04d}" for position, t in enumerate(sent.tolist())],
        question=rng.integers(0, len(config["poll_questions"]), count),
        submission=[
            (int(rng.integers(10, 300)), departments[int(rng.integers(len(departments)))])
            for _ in range(count)
        ],
        sent=sent,
        deadline=deadline,
        members=asked,
        answers=answers,
        choices=rng.choice(3, size=(count, widest), p=config["poll_choice_weights"]),
        signed=rng.random((count, widest)) < 0.8,
        events=np.stack([sent, closed, cancel_time], axis=1).astype(np.int64),
    )


def poll_record(polls: Polls, index: int, moment: int, version: int, roster: Roster) -> dict:
    config = load("ecabinet")
    sent, closed, cancelled = (int(t) for t in polls.events[index])
    status = CANCELLED if cancelled <= moment else CLOSED if closed <= moment else OPEN
    number, department = polls.submission[index]
    members = []
    for position, member in enumerate(polls.members[index]):
        answered = int(polls.answers[index, position]) <= moment
        choice = config["poll_choices"][int(polls.choices[index, position])] if answered else NO_ANSWER
        members.append(
            {
                "maThanhVien": roster.ids[member],
                "luaChon": choice,
                "yKien": pick(config["poll_comments"], index, position) if choice == "ý kiến khác" else None,
                "thoiDiemTraLoi": iso(int(polls.answers[index, position])) if answered else None,
                "daKySo": bool(answered and polls.signed[index, position]),
            }
        )
    return {
        "ma": polls.keys[index],
        "noiDung": config["poll_questions"][int(polls.question[index])],
        "toTrinhLienQuan": f"{number}/TTr-{roster.abbreviation(department)}",
        "ngayGui": iso(sent),
        "hanTraLoi": iso(int(polls.deadline[index])),
        "trangThai": status,
        "thanhVien": members,
        "thoiGianCapNhat": iso(version, milliseconds=True),
    }
