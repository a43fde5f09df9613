"""Who sits where in a department (metrics.md §8.1, §12): its leaders, and per division the công chức with
the division's head and deputies; and the units over their deputy limit, for `hr_manifest.jsonl`."""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from simulators.configuration import load
from simulators.dvc.agencies import Agency, divisions_of

CIVIL, PUBLIC = "Công chức", "Viên chức"


@dataclass(frozen=True)
class Seat:
    post: str | None  # ChucVuLanhDao
    division: str | None  # DonViTrucThuoc: a division's name in the agency table, None for the leadership
    kind: str  # LoaiNhanSu


def division_limit(name: str, civil_servants: int, leaders: dict) -> int:
    """§8.1's default limit of a division: fixed by the start of its name, else by its công chức."""
    for prefix, limit in leaders["fixed_limits"].items():
        if name.casefold().startswith(prefix.casefold()):
            return limit
    return max(limit for least, limit in leaders["division_bands"] if civil_servants >= least)


def department_seats(
    agencies: list[Agency], departments: list[int], head_posts: dict[int, tuple[str, str]], rng
) -> dict[int, list[Seat]]:
    """Seats of each department at the start of the period; with 3 departments or more one division has a
    deputy too many (a centre when there is one: its limit does not move with its staff), one a deputy
    too few, one department 4 deputies, and the three staff bands of §8.1 all occur."""
    leaders = load("hr")["leaders"]
    units = [(d, u) for d in departments for u in divisions_of(agencies, agencies[d].code)]
    low, high = leaders["division_staff"]
    staff = rng.integers(low, high + 1, len(units))
    offsets = list(leaders["deputy_offsets"])
    shares = np.array(list(leaders["deputy_offsets"].values()), dtype=float)
    offset = np.array(offsets)[rng.choice(len(offsets), size=len(units), p=shares / shares.sum())]
    over = rng.random(len(departments)) < leaders["agency_over"]["share"]
    if len(departments) >= 3:
        offices = [i for i, (_, u) in enumerate(units) if agencies[u].unit_type == "phong-ban"]
        bands = leaders["division_bands"]
        chosen = rng.choice(offices, size=len(bands) + 1, replace=False).tolist()
        for (least, _), position in zip(bands, chosen, strict=False):
            following = [b for b, _ in bands if b > least]
            staff[position] = rng.integers(max(least, low), (following[0] if following else high + 1))
        # The deputy too few sits mid-band, and the one too many in a centre (fixed limit), so that the
        # year's leavers and transfers do not move their limits.
        below = chosen[-1]
        staff[below] = (bands[1][0] + bands[2][0] - 1) // 2
        centres = [i for i, (_, u) in enumerate(units) if agencies[u].unit_type == "don-vi-truc-thuoc"]
        above = int(rng.choice(centres or [i for i in offices if i not in chosen]))
        offset[above], offset[below] = 1, -1
        over[int(rng.integers(len(departments)))] = True
    seats: dict[int, list[Seat]] = {}
    for position, department in enumerate(departments):
        head, deputy = head_posts[department]
        count = leaders["agency_over"]["deputies"] if over[position] else int(rng.integers(2, 4))
        seats[department] = [Seat(head, None, CIVIL)] + [Seat(deputy, None, CIVIL)] * count
    for (department, unit), civil, shift in zip(units, staff.tolist(), offset.tolist(), strict=True):
        name, unit_type = agencies[unit].name, agencies[unit].unit_type
        head, deputy = leaders["posts"][unit_type]
        deputies = max(0, division_limit(name, civil, leaders) + shift)
        rows = [Seat(head, name, CIVIL)] + [Seat(deputy, name, CIVIL)] * deputies
        rows += [Seat(None, name, CIVIL)] * max(0, civil - len(rows))
        if unit_type == "don-vi-truc-thuoc":
            least, most = leaders["centre_public_employees"]
            rows += [Seat(None, name, PUBLIC)] * int(rng.integers(least, most + 1))
        seats[department] += rows
    return seats


def units_over_limit(agency: str, rows: list[dict]) -> Iterator[dict]:
    """`hr_manifest.jsonl` entries of an agency from the clean `CanBo` rows of its last export: the agency
    (unit = its code) and each division (unit = its name) with more deputies than §8.1's default limit."""
    leaders = load("hr")["leaders"]
    serving = [r for r in rows if r["TrangThai"] == "Đang làm việc"]
    deputies = sum(r["ChucVuLanhDao"] in leaders["agency_deputy_posts"] for r in serving)
    if deputies > leaders["agency_limit"]:
        yield {"agency": agency, "unit": agency, "deputies": deputies, "limit": leaders["agency_limit"]}
    for name in sorted({r["DonViTrucThuoc"] for r in serving if r["DonViTrucThuoc"]}):
        members = [r for r in serving if r["DonViTrucThuoc"] == name]
        civil = sum(r["LoaiNhanSu"] == CIVIL for r in members)
        deputies = sum(r["ChucVuLanhDao"] in leaders["division_deputy_posts"] for r in members)
        limit = division_limit(name, civil, leaders)
        if deputies > limit:
            yield {"agency": agency, "unit": name, "deputies": deputies, "limit": limit}
