"""The staff of every agency month by month (sources.md §5, §9): people, postings, leavers and transfers,
training, discipline, annual ratings and quotas. Everything here is clean: quirks are applied when written."""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np

from simulators.configuration import load
from simulators.dvc.agencies import Agency, divisions_of
from simulators.hr.departments import Seat, department_seats
from simulators.hr.ratings import clear_positions, rate_year
from simulators.people import full_name, id_number, phone
from simulators.sampling import share_of

SERVING, RETIRED, QUIT, TRANSFERRED = "Đang làm việc", "Nghỉ hưu", "Thôi việc", "Chuyển công tác"
KINDS = ("Cán bộ", "Công chức", "Viên chức", "Hợp đồng lao động")
# metrics.md §12: the range of each agency's net change of these kinds over Y.
CHANGES = {"Công chức": (-0.02, 0.01), "Viên chức": (-0.04, 0.01)}


@dataclass
class Person:
    number: int
    staff_code: str  # SoHieuCBCCVC, stable across transfers
    id_number: str
    name: str
    female: bool
    born: date
    ethnicity: str
    religion: str
    party_joined: date | None
    home_town: str
    phone: str
    kind: str
    rank: tuple[str, str] | None  # (MaNgach, TenNgach)
    recruited: date
    education: str
    political: str | None
    management: str | None


@dataclass
class Posting:
    """A person's time in one agency: listed from `first_month` to `last_month` (inclusive, or None)."""

    person: int
    agency: int
    joined: date  # NgayVeDonVi
    first_month: int  # index into the period's months
    post: str | None  # ChucVuLanhDao
    division: str
    position: str
    last_month: int | None = None
    leaving: str | None = None  # TrangThai in the last month
    left: date | None = None
    duplicate: bool = False  # Q15: the old agency still lists the person as serving in the last month


@dataclass
class Course:
    person: int
    name: str
    kind: str
    content: str
    form: str
    school: str
    start: date
    end: date
    end_known: bool  # the end date is shown while the course runs
    passed: bool
    planned: bool


@dataclass
class Sanction:
    person: int
    agency: int
    kind: str
    number: str
    decided: date
    months: int | None
    offence: str


@dataclass
class Staff:
    months: list[date]  # first day of each month of the period
    people: list[Person]
    postings: list[Posting]
    courses: list[Course]
    sanctions: list[Sanction]
    ratings: dict[tuple[int, int], tuple[int, str, date]]  # (person, year) -> (rating, decision, date)
    quotas: dict[tuple[int, int], dict]  # (agency, year) -> BienChe fields
    holders: list[int]
    by_month: dict[int, dict[int, list[Posting]]] = field(default_factory=dict)

    def listed(self, agency: int, month: int) -> list[Posting]:
        """The postings an agency's export of that month lists, in list order."""
        if not self.by_month:
            for posting in self.postings:
                last = posting.last_month if posting.last_month is not None else len(self.months) - 1
                for position in range(posting.first_month, last + 1):
                    self.by_month.setdefault(position, {}).setdefault(posting.agency, []).append(posting)
        return self.by_month.get(month, {}).get(agency, [])


def month_end(first_day: date) -> date:
    return (first_day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def generate_staff(
    agencies: list[Agency], preset: dict, year: int, rates: dict[str, float], rng: np.random.Generator
) -> Staff:
    config, names = load("hr"), load("people")
    holders = [i for i, a in enumerate(agencies) if a.unit_type in ("so-ban-nganh", "xa-phuong", "cnvpdk")]
    months = [date(year - 1, 12, 1)] + [date(year, m, 1) for m in range(1, 13)]
    weights = rng.lognormal(0.0, 0.4, len(holders))
    sizes = np.maximum(5, np.round(weights / weights.sum() * preset["staff"])).astype(int)
    people: list[Person] = []
    postings: list[Posting] = []

    def hire(
        agency: int, month: int, joined: date, post: str | None, seat: Seat | None = None, new: bool = False
    ) -> Person:
        """A person listed from `month`; a seat (departments, metrics.md §12) fixes post, division and kind;
        a `new` recruit starts service on the day they join."""
        commune = agencies[agency].unit_type == "xa-phuong"
        number = len(people)
        female = bool(rng.random() < 0.45)
        kind_weights = [0.35, 0.55, 0.0, 0.10] if commune else [0.03, 0.55, 0.32, 0.10]
        kind = KINDS[int(rng.choice(4, p=kind_weights))]
        if post is not None:
            kind = "Cán bộ" if commune else "Công chức"
        if seat is not None:
            post, kind = seat.post, seat.kind
        rank = None
        if kind == "Công chức":
            ranks = config["ranks"]
            chosen = ranks[int(rng.choice(len(ranks), p=[r[2] for r in ranks]))]
            rank = (chosen[0], chosen[1])
        elif kind == "Viên chức":
            rank = tuple(config["titles_vc"][int(rng.integers(4))])
        born = date(int(rng.integers(1966, 2001)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        recruited = min(joined, date(born.year + int(rng.integers(22, 30)), 9, 1))
        if new:
            recruited = joined
        education = config["education"]
        person = Person(
            number=number,
            staff_code=f"CB{35_000_000 + number * 7 + int(rng.integers(7)):08d}",
            id_number=id_number(year, number),
            name=full_name(female, number, 41),
            female=female,
            born=born,
            ethnicity=names["ethnicities"][int(rng.integers(len(names["ethnicities"])))],
            religion=names["religions"][int(rng.integers(len(names["religions"])))],
            party_joined=date(born.year + int(rng.integers(25, 35)), 5, 19) if rng.random() < 0.5 else None,
            home_town=names["home_towns"][int(rng.integers(len(names["home_towns"])))],
            phone=phone(year, number),
            kind=kind,
            rank=rank,
            recruited=recruited,
            education=education[int(rng.choice(len(education), p=[e[1] for e in education]))][0],
            political=config["political"][int(rng.integers(4))] if rng.random() < 0.7 else None,
            management=config["management"][int(rng.integers(3))] if kind == "Công chức" else None,
        )
        people.append(person)
        postings.append(
            Posting(
                person=number,
                agency=agency,
                joined=joined,
                first_month=month,
                post=post,
                division=_division(seat, config, rng),
                position=config["positions"][int(rng.integers(len(config["positions"])))],
            )
        )
        return person

    departments = [i for i in holders if agencies[i].unit_type == "so-ban-nganh"]
    heads = {d: tuple(_posts(agencies[d], d == holders[0])[:2]) for d in departments}
    seats = department_seats(agencies, departments, heads, rng)
    for agency, size in zip(holders, sizes.tolist(), strict=True):
        posts = _posts(agencies[agency], agency == holders[0])
        for position in range(len(seats[agency]) if agency in seats else size):
            joined = date(
                int(rng.integers(2005, year - 1)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
            )
            if agency in seats:
                hire(agency, 0, joined, None, seats[agency][position])
            else:
                hire(agency, 0, joined, posts[position] if position < len(posts) else None)

    transfers: list[Posting] = []
    renewed = _renewed(postings, holders, rng)
    cuts, additions = _yearly_changes(postings, people, holders, renewed, rng)
    for agency, month, kind in additions:
        hire(agency, month, months[month], None, _seat_for(agencies, agency, kind, config, rng))
    planned = {**renewed, **cuts}
    for month in range(1, len(months)):
        first, last = months[month], month_end(months[month])
        current = [p for p in postings if p.last_month is None and p.first_month < month]
        # Leaders stay in post through the year: their number is what metrics.md §8.1 checks.
        leaving = [p for p in current if rng.random() < 0.005 and id(p) not in planned and p.post is None]
        leaving += [p for p in current if planned.get(id(p)) == month]
        if month == len(months) // 2 and not transfers and current:
            # Every period shows at least one transfer, so the rule of §5.9 always has a case.
            leaving.append(current[int(rng.integers(len(current)))])
        for posting in leaving:
            if posting.last_month is not None:
                continue
            day = first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))
            posting.last_month, posting.left = month, day
            age = day.year - people[posting.person].born.year
            transfer = rng.random() < 0.4 or (month == len(months) // 2 and not transfers)
            # Leaders retire or quit and are succeeded in their post; only other staff move between agencies.
            if transfer and len(holders) > 1 and id(posting) not in planned and posting.post is None:
                posting.leaving = TRANSFERRED
                others = [h for h in holders if h != posting.agency]
                target = others[int(rng.integers(len(others)))]
                division = _seat_for(agencies, target, people[posting.person].kind, config, rng).division
                postings.append(Posting(posting.person, target, day, month, None, division, posting.position))
                transfers.append(posting)
            else:
                posting.leaving = RETIRED if age >= 58 else QUIT
            if month + 1 < len(months) and id(posting) not in cuts:
                # The successor takes the same post, division and kind (after 1 July of Y a new recruit):
                # only the planned cuts and additions change an agency's numbers.
                successor = Seat(posting.post, posting.division, people[posting.person].kind)
                new = id(posting) in renewed
                hire(posting.agency, month + 1, last + timedelta(days=1), None, successor, new)
    if transfers and rates["Q15"] > 0:
        count = min(len(transfers), int(np.ceil(rates["Q15"] * len(transfers))))
        for position in rng.choice(len(transfers), size=count, replace=False).tolist():
            transfers[position].duplicate = True

    courses = _courses(people, year, config, rng)
    sanctions = _sanctions(people, postings, agencies, holders, year, config, rng)
    ratings = {
        (person.number, year - 1): (
            int(rng.choice(4, p=[r[2] for r in config["ratings"]])),
            f"{int(rng.integers(100, 999))}/QĐ-ĐG",
            date(year - 1, 12, int(rng.integers(15, 29))),
        )
        for person in people
    }
    ratings.update(rate_year(people, postings, holders, departments, year, rng))
    clear_positions(postings, people, holders, rng)
    quotas = _quotas(postings, people, holders, year, rng)
    return Staff(months, people, postings, courses, sanctions, ratings, quotas, holders)


def _renewed(postings: list[Posting], holders: list[int], rng) -> dict[int, int]:
    """2–5 % of each agency's staff (leaders aside) leave in July–November of Y and are succeeded by new
    recruits, who start service after 1 July and are not rated (metrics.md §8.2, §12): posting id → month."""
    renewed = {}
    staff: dict[int, list[Posting]] = {agency: [] for agency in holders}
    for posting in postings:
        if posting.post is None:
            staff[posting.agency].append(posting)
    for agency in holders:
        for posting in share_of(np.array(staff[agency], dtype=object), rng.uniform(0.02, 0.05), rng).tolist():
            renewed[id(posting)] = int(rng.integers(7, 12))
    return renewed


def _yearly_changes(postings, people, holders: list[int], renewed: dict[int, int], rng):
    """Net change of each agency's công chức (−2 % to +1 %) and viên chức (−4 % to +1 %) from December Y−1
    to December Y (metrics.md §12), one agency growing in both: leavers without a successor (posting id →
    month) and additions (agency, month, kind) in the first half of Y."""
    staff: dict[tuple[int, str], list[Posting]] = {(a, kind): [] for a in holders for kind in CHANGES}
    for posting in postings:
        key = (posting.agency, people[posting.person].kind)
        if posting.post is None and key in staff:
            staff[key].append(posting)
    growing = [a for a in holders if staff[(a, "Viên chức")]] or holders
    grower = growing[int(rng.integers(len(growing)))] if len(holders) >= 3 else None
    cuts, additions = {}, []
    for (agency, kind), pool in staff.items():
        low, high = CHANGES[kind]
        change = round(rng.uniform(low, high) * len(pool))
        if agency == grower:
            change = max(1, change) if pool else 0
        candidates = [p for p in pool if id(p) not in renewed]
        for posting in rng.permutation(np.array(candidates, dtype=object))[: max(0, -change)].tolist():
            cuts[id(posting)] = int(rng.integers(1, 13))
        additions += [(agency, int(rng.integers(1, 7)), kind) for _ in range(max(0, change))]
    return cuts, additions


def _seat_for(agencies: list[Agency], agency: int, kind: str, config: dict, rng) -> Seat:
    """A seat for someone joining an agency: in one of its divisions of the agency table, or elsewhere in
    one of the configured ones."""
    divisions = [agencies[i].name for i in divisions_of(agencies, agencies[agency].code)] or config[
        "divisions"
    ]
    return Seat(None, divisions[int(rng.integers(len(divisions)))], kind)


def _division(seat: Seat | None, config: dict, rng) -> str | None:
    if seat is not None:
        return seat.division
    return config["divisions"][int(rng.integers(len(config["divisions"])))]


def _posts(agency: Agency, is_office: bool) -> list[str]:
    if is_office:
        head, deputy = "Chánh Văn phòng", "Phó Chánh Văn phòng"
    elif agency.unit_type == "so-ban-nganh":
        head, deputy = "Giám đốc Sở", "Phó Giám đốc Sở"
    else:
        level = "phường" if "phường" in agency.name else "xã"
        head, deputy = f"Chủ tịch UBND {level}", f"Phó Chủ tịch UBND {level}"
    divisions = ["Trưởng phòng", "Phó Trưởng phòng"] * 2 if agency.unit_type == "so-ban-nganh" else []
    return [head, deputy, deputy, *divisions]


def _courses(people: list[Person], year: int, config: dict, rng) -> list[Course]:
    courses = []
    start_of_range = date(year - 1, 11, 1).toordinal()
    end_of_range = date(year, 12, 15).toordinal()
    seen: set[tuple] = set()
    for person in people:
        for _ in range(int(rng.choice(3, p=[0.45, 0.4, 0.15]))):
            name, kind, content = config["courses"][int(rng.integers(len(config["courses"])))]
            start = date.fromordinal(int(rng.integers(start_of_range, end_of_range)))
            course = Course(
                person=person.number,
                name=name,
                kind=kind,
                content=content,
                form=config["training_forms"][int(rng.integers(3))],
                school=config["schools"][int(rng.integers(3))],
                start=start,
                end=start + timedelta(days=int(rng.integers(3, 90))),
                end_known=bool(rng.random() < 0.7),
                passed=bool(rng.random() < 0.92),
                planned=bool(rng.random() < 0.8),
            )
            # (person, course, start) is the sheet key (sources.md §5.6): a repeated draw is no second course.
            if (course.person, course.name, course.start) not in seen:
                seen.add((course.person, course.name, course.start))
                courses.append(course)
    return courses


def _sanctions(people, postings, agencies, holders, year, config, rng) -> list[Sanction]:
    sanctions = []
    first_posting = {}
    for posting in postings:
        first_posting.setdefault(posting.person, posting)
    for person in people:
        if rng.random() >= 0.012:
            continue
        posting = first_posting[person.number]
        decided = date(year, int(rng.integers(1, 12)), int(rng.integers(1, 28)))
        options = config["discipline"][person.kind]
        sanctions.append(
            Sanction(
                person=person.number,
                agency=posting.agency,
                kind=options[int(rng.integers(len(options)))],
                number=f"{int(rng.integers(1, 300))}/QĐ-KL",
                decided=decided,
                months=int(rng.choice([6, 12])) if rng.random() < 0.8 else None,
                offence=config["offences"][int(rng.integers(len(config["offences"])))],
            )
        )
    return _numbered_per_agency(sanctions)


def _numbered_per_agency(sanctions: list[Sanction]) -> list[Sanction]:
    """Decision numbers are unique within an agency (with the agency, SoQuyetDinh is the key, sources.md
    §5.7): a drawn number already used there moves to the next free one."""
    used: dict[int, set[int]] = {}
    numbered = []
    for sanction in sanctions:
        taken = used.setdefault(sanction.agency, set())
        number = int(sanction.number.split("/")[0])
        while number in taken:
            number += 1
        taken.add(number)
        numbered.append(replace(sanction, number=f"{number}/QĐ-KL"))
    return numbered


def _quotas(postings, people, holders, year, rng) -> dict[tuple[int, int], dict]:
    """Quota rows per agency and year; about a fifth of the agencies are given fewer posts than they fill."""
    at_start: dict[int, int] = {}
    for posting in postings:
        if posting.first_month == 0 and people[posting.person].kind == "Công chức":
            at_start[posting.agency] = at_start.get(posting.agency, 0) + 1
    quotas = {}
    for agency in holders:
        filled = at_start.get(agency, 0)
        over = rng.random() < 0.2
        for quota_year in (year - 1, year):
            granted = max(0, filled - int(rng.integers(1, 3))) if over else filled + int(rng.integers(1, 4))
            quotas[(agency, quota_year)] = {
                "Nam": quota_year,
                "BienCheCongChucGiao": granted,
                "BienCheCongChucCoMat": filled,
                "SoNguoiLamViecGiao": int(rng.integers(0, 20)),
                "SoNguoiLamViecCoMat": int(rng.integers(0, 20)),
                "HopDongLaoDong": int(rng.integers(0, 6)),
                "SoQuyetDinhGiao": f"{int(rng.integers(1, 500))}/QĐ-UBND",
                "NgayQuyetDinhGiao": date(quota_year - 1, 12, int(rng.integers(10, 28))),
            }
    return quotas
