"""The annual ratings of year Y and the empty job positions of metrics.md §12 (HR table), per agency.

Works on the people and postings of `staff.generate_staff` (duck-typed: that module imports this one)."""

from datetime import date

import numpy as np

from simulators.configuration import load
from simulators.sampling import share_of

RATED_KINDS = ("Cán bộ", "Công chức", "Viên chức")
EXCELLENT, GOOD = 0, 1  # indices of HTXSNV and HTTNV in hr.yaml `ratings`
# Per agency: decided 01–14/12 (80 %), 15–31/12 (12 %), or on time with 1–3 members left unrated (8 %).
MODES = {"on_time": 0.80, "late": 0.12, "unrated": 0.08}
DAYS = {"on_time": (1, 14), "late": (15, 31), "unrated": (1, 14)}
UNDATED_SHARE = 0.02
EMPTY_POSITION_SHARE = (0.01, 0.08)


def forced_modes(count: int, shares: dict[str, float], rng) -> list[str]:
    """A mode per agency, each mode occurring once at least when there are 3 agencies or more."""
    names = list(shares)
    weights = np.array(list(shares.values()), dtype=float)
    modes = [names[i] for i in rng.choice(len(names), size=count, p=weights / weights.sum())]
    if count >= len(names):
        for name, position in zip(names, rng.permutation(count).tolist(), strict=False):
            if name not in modes:
                modes[position] = name
    return modes


def rate_year(people, postings, holders: list[int], departments: list[int], year: int, rng) -> dict:
    """{(person, Y): (rating index, SoQuyetDinh, NgayQuyetDinh or None)} for the members of M (§8.2)
    serving at the end of Y; one department is over the HTXSNV cap, every other agency within it."""
    scale = [r[2] for r in load("hr")["ratings"]]
    latest = {posting.person: posting for posting in postings}
    members: dict[int, list[int]] = {agency: [] for agency in holders}
    for person, posting in latest.items():
        person_record = people[person]
        in_m = person_record.kind in RATED_KINDS and person_record.recruited <= date(year, 7, 1)
        if posting.last_month is None and in_m:
            members[posting.agency].append(person)
    over = departments[int(rng.integers(len(departments)))] if departments else None
    ratings = {}
    for agency, mode in zip(holders, forced_modes(len(holders), MODES, rng), strict=True):
        rated = list(members[agency])
        if mode == "unrated" and rated:
            left_out = rng.choice(len(rated), size=min(len(rated), int(rng.integers(1, 4))), replace=False)
            rated = [p for i, p in enumerate(rated) if i not in set(left_out.tolist())]
        first, last = DAYS[mode]
        decided = date(year, 12, int(rng.integers(first, last + 1)))
        decision = f"{int(rng.integers(100, 999))}/QĐ-ĐG"
        levels = {p: int(rng.choice(len(scale), p=scale)) for p in rated}
        _cap(levels, [p for p in rated if people[p].kind == "Công chức"], agency == over)
        ratings.update({(p, year): (level, decision, decided) for p, level in levels.items()})
    for key in share_of(np.arange(len(ratings)), UNDATED_SHARE, rng).tolist():
        person_year = list(ratings)[key]
        level, decision, _ = ratings[person_year]
        ratings[person_year] = (level, decision, None)
    return ratings


def _cap(levels: dict[int, int], civil: list[int], over: bool) -> None:
    """Moves Công chức between HTXSNV and HTTNV until 5 × HTXSNV ≤ HTTNV holds (or, `over`, fails)."""

    def counts() -> tuple[int, int]:
        return sum(levels[p] == EXCELLENT for p in civil), sum(levels[p] == GOOD for p in civil)

    excellent, good = counts()
    while civil and (5 * excellent > good) != over:
        source, target = (GOOD, EXCELLENT) if over else (EXCELLENT, GOOD)
        movable = [p for p in civil if levels[p] == source] or [p for p in civil if levels[p] != target]
        if not movable:
            return
        levels[movable[0]] = target
        excellent, good = counts()


def clear_positions(postings, people, holders: list[int], rng) -> None:
    """`ViTriViecLam` empty for none of the công chức and viên chức in half of the agencies, 1–8 % of them
    in the others (both kinds occur when there are 3 agencies or more)."""
    modes = forced_modes(len(holders), {"complete": 0.5, "gaps": 0.5}, rng)
    staff: dict[int, list] = {agency: [] for agency in holders}
    for posting in postings:
        if people[posting.person].kind in RATED_KINDS[1:]:
            staff[posting.agency].append(posting)
    for agency, mode in zip(holders, modes, strict=True):
        if mode == "complete":
            continue
        pool = np.array(staff[agency], dtype=object)
        for posting in share_of(pool, rng.uniform(*EMPTY_POSITION_SHARE), rng).tolist():
            posting.position = None
