"""Apology slips (`phieu-xin-loi`, sources.md §2.7) for late dossiers."""

from dataclasses import dataclass

import numpy as np

from simulators.clock import DAY, HOUR, NEVER, wire
from simulators.dvc.dossiers import COLUMN, DossierTable, due_in_effect, orphan_codes
from simulators.dvc.profiles import AgencyProfile
from simulators.hashing import guid, pick

# Event columns: drafted (Chờ xử lý), sent for review (Chờ duyệt), sent for signature (Chờ ký duyệt),
# decided (Đã xử lý when signed, Từ chối when rejected).
STATUSES = ("Chờ xử lý", "Chờ duyệt", "Chờ ký duyệt")
SIGNED, REJECTED = "Đã xử lý", "Từ chối"
LEADERS = ("Nguyễn Văn Hùng", "Lò Thị Hoa", "Trần Minh Đức", "Vàng A Sính", "Hoàng Thị Lan")


@dataclass
class ApologyTable:
    keys: list[str]
    dossier: np.ndarray  # int64 index into the dossiers, -1 for orphans
    dossier_code: list[str]
    events: np.ndarray  # (n, 4) int64
    signed: np.ndarray  # bool: the decision is a signature (else a rejection)
    new_due: np.ndarray  # int64 NgayHenTraMoi
    orphan: np.ndarray  # bool: quirk Q12

    def __len__(self) -> int:
        return len(self.keys)


def generate_apologies(
    dossiers: DossierTable, profiles: dict[int, AgencyProfile], orphan_rate: float, period, seed: int, rng
) -> ApologyTable:
    ended = dossiers.events[:, COLUMN["ended"]]
    due = due_in_effect(dossiers, ended)
    share = np.array([profiles[i].apology if i in profiles else 0.0 for i in range(max(profiles) + 1)])
    late = (dossiers.end_status == 9) & (due < NEVER) & (ended > due)
    chosen = np.flatnonzero(late & (rng.random(len(dossiers)) < share[dossiers.agency]))
    count = len(chosen)
    # Drafting starts once the dossier is back in processing: after acceptance or the last supplement.
    columns = [COLUMN[name] for name in ("processing", "supplement_received_0", "supplement_received_1")]
    restarts = dossiers.events[chosen][:, columns]
    work_start = np.where(restarts < NEVER, restarts, 0).max(axis=1)
    slip_due = due[chosen]
    drafted = np.maximum(work_start + 600, slip_due - rng.integers(DAY, 3 * DAY, count))
    rejected_first = rng.random(count) < 0.08
    signs_late = rng.random(count) < 0.1
    first = _flow(drafted, slip_due, signs_late & ~rejected_first, rng)
    first[rejected_first, 3] = first[rejected_first, 2] + rng.integers(
        HOUR, 4 * HOUR, int(rejected_first.sum())
    )
    redrafted = first[rejected_first, 3] + rng.integers(600, 2 * HOUR, int(rejected_first.sum()))
    second = _flow(redrafted, slip_due[rejected_first], signs_late[rejected_first], rng)
    new_due = np.maximum(ended[chosen], slip_due + DAY) + rng.integers(0, DAY, count)

    dossier = np.concatenate([chosen, chosen[rejected_first]])
    events = np.concatenate([first, second])
    signed = np.concatenate([~rejected_first, np.ones(len(second), dtype=bool)])
    new_dues = np.concatenate([new_due, new_due[rejected_first]])
    orphans = int(np.ceil(orphan_rate * len(dossier))) if orphan_rate > 0 else 0
    orphan_codes_ = orphan_codes(dossiers, orphans, rng)
    orphan_drafted = rng.integers(period[0], period[1] - 5 * DAY, len(orphan_codes_))
    orphan_events = _flow(
        orphan_drafted, orphan_drafted + 5 * DAY, np.zeros(len(orphan_codes_), dtype=bool), rng
    )

    keys = [guid(seed, 7, position) for position in range(len(dossier) + len(orphan_codes_))]
    return ApologyTable(
        keys=keys,
        dossier=np.concatenate([dossier, np.full(len(orphan_codes_), -1)]),
        dossier_code=[dossiers.keys[i] for i in dossier.tolist()] + orphan_codes_,
        events=np.concatenate([events, orphan_events]).astype(np.int64),
        signed=np.concatenate([signed, np.ones(len(orphan_codes_), dtype=bool)]),
        new_due=np.concatenate([new_dues, orphan_drafted + 10 * DAY]),
        orphan=np.concatenate([np.zeros(len(dossier), dtype=bool), np.ones(len(orphan_codes_), dtype=bool)]),
    )


def _flow(drafted: np.ndarray, due: np.ndarray, late: np.ndarray, rng) -> np.ndarray:
    """Draft → review → signature → decision; in time means decided at least a minute before the due."""
    count = len(drafted)
    review = drafted + rng.integers(HOUR, 8 * HOUR, count)
    signature = review + rng.integers(HOUR, 8 * HOUR, count)
    decision = signature + rng.integers(HOUR, 12 * HOUR, count)
    in_time = ~late & (signature < due - 60)
    decision = np.where(
        in_time,
        np.minimum(decision, due - 60),
        np.maximum(decision, due + rng.integers(HOUR, 2 * DAY, count)),
    )
    return np.stack([drafted, review, signature, decision], axis=1)


def apology_record(table: ApologyTable, index: int, moment: int, version: int) -> dict:
    events = table.events[index]
    stage = int((events <= moment).sum()) - 1
    decided = stage == 3
    status = (SIGNED if table.signed[index] else REJECTED) if decided else STATUSES[stage]
    return {
        "Id": table.keys[index],
        "MaHoSo": table.dossier_code[index],
        "Loai": "Xin lỗi",
        "TrichYeu": f"Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {table.dossier_code[index]}",
        "TenLanhDaoKy": pick(LEADERS, index),
        "CreatedOn": wire(events[0]),
        "NgayKy": wire(events[3]) if decided and table.signed[index] else "",
        "NgayHenTraMoi": wire(table.new_due[index]),
        "TrangThai": status,
        "NgayCapNhat": wire(version),
    }
