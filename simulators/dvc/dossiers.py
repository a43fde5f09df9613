"""Dossier event histories (`ho-so`, sources.md §2.6), generated column-wise into numpy arrays.

A dossier is a set of event times; its record as of any moment is derived from them when it is served.
Every time is int64 seconds (simulators.clock), NEVER for an event that does not happen.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from simulators.clock import DAY, HOUR, NEVER, from_days, to_days
from simulators.dvc.agencies import Agency
from simulators.dvc.procedures import Procedure, receivable_by
from simulators.dvc.profiles import AgencyProfile
from simulators.workdays import HolidayCalendar

OFFICE_OPENS, OFFICE_CLOSES = 7 * HOUR + 1_800, 16 * HOUR + 1_800
# Columns of DossierTable.events, in the order the contract's states follow each other.
EVENT_COLUMNS = (
    "submitted",
    "intake",  # acceptance, or refusal when `refused`
    "processing",
    "supplement_requested_0",
    "supplement_received_0",
    "supplement_requested_1",
    "supplement_received_1",
    "payment_requested",
    "payment_done",
    "ended",
    "returned",
)
COLUMN = {name: position for position, name in enumerate(EVENT_COLUMNS)}
# How a dossier's first submitted document was obtained (`TaiLieuNop` flags, metrics.md §11.1).
REUSED, NATIONAL_STORE = 1, 2
WORKING_DAYS, CALENDAR_DAYS, NO_LIMIT = 0, 1, 2


@dataclass
class DossierTable:
    keys: list[str]
    events: np.ndarray  # (n, len(EVENT_COLUMNS)) int64
    refused: np.ndarray  # bool
    end_status: np.ndarray  # int8: 9, 7 or 8; 0 while open forever
    due: np.ndarray  # (n, 3) int64: NgayHenTra after acceptance, after supplement 0, after supplement 1
    agency: np.ndarray  # int32 index into the agency list
    procedure: np.ndarray  # int32 index into the procedure list
    channel: np.ndarray  # int8 1..3
    service_level: np.ndarray  # int8 MucDo at submission
    applicant_type: np.ndarray  # int8 1..4
    online_payment: np.ndarray  # int8 0..3
    has_fee: np.ndarray  # bool
    vneid: np.ndarray  # bool
    components: np.ndarray  # int8 submitted components
    digitised_components: np.ndarray  # int8
    results: np.ndarray  # int8 result documents
    e_result: np.ndarray  # bool: the first result document has a file
    shared: np.ndarray  # int8: REUSED | NATIONAL_STORE, how the first submitted document was obtained

    def __len__(self) -> int:
        return len(self.keys)

    @cached_property
    def key_set(self) -> set[str]:
        return set(self.keys)


def add_due(start: np.ndarray, days: np.ndarray, kind: np.ndarray, calendar: HolidayCalendar) -> np.ndarray:
    """NgayHenTra from a start time (sources.md §2.6): same time of day, N rounded up, next day first."""
    due = np.full(start.shape, NEVER, dtype=np.int64)
    counts = np.ceil(np.nan_to_num(days)).astype(np.int64)
    working = (kind == WORKING_DAYS) & (start < NEVER)
    if working.any():
        due_days = calendar.add_working_days(to_days(start[working]), counts[working])
        due[working] = from_days(due_days) + start[working] % DAY
    calendar_days = (kind == CALENDAR_DAYS) & (start < NEVER)
    due[calendar_days] = start[calendar_days] + counts[calendar_days] * DAY
    return due


def generate_dossiers(
    count: int,
    agencies: list[Agency],
    profiles: dict[int, AgencyProfile],
    procedures: list[Procedure],
    calendar: HolidayCalendar,
    period: tuple[int, int],
    districts_end: int | None,
    reception_centre: str,
    rng: np.random.Generator,
    criteria: np.random.Generator,
) -> DossierTable:
    """`criteria` draws what metrics.md §12 added (offline procedures, reused and stored documents)."""
    start, end = period
    submitted_day = _submission_days(count, calendar, period, rng)
    agency = _choose_agencies(submitted_day, agencies, profiles, procedures, districts_end, rng)
    procedure = _choose_procedures(agency, submitted_day, agencies, procedures, districts_end, rng)
    legal_days = np.array([p.legal_days if p.legal_days is not None else np.nan for p in procedures])
    kinds = {"Ngày làm việc": WORKING_DAYS, "Ngày": CALENDAR_DAYS, None: NO_LIMIT}
    day_kind = np.array([kinds[p.day_kind] for p in procedures])
    has_fee_by_procedure = np.array([p.has_fee for p in procedures])
    upgraded_at = np.array([p.upgraded_at for p in procedures], dtype=np.int64)
    initial_level = np.array([p.service_level for p in procedures], dtype=np.int8)

    profile = [profiles.get(index) for index in range(len(agencies))]

    def weight_of(attribute: str) -> np.ndarray:
        return np.array([getattr(p, attribute) if p else 0.0 for p in profile])

    service_level = np.where(submitted_day >= upgraded_at[procedure], 4, initial_level[procedure]).astype(
        np.int8
    )
    progress = (submitted_day - start) / (end - start)
    online_share = weight_of("online_start")[agency] + progress * (
        weight_of("online_end")[agency] - weight_of("online_start")[agency]
    )
    postal_share = weight_of("postal")[agency]
    draw = rng.random(count)
    # Each agency leaves some of its online-capable procedures without online dossiers (metrics.md §12).
    offline = criteria.random((len(agencies), len(procedures))) < weight_of("offline_procedures")[:, None]
    online_capable = (service_level >= 3) & ~offline[agency, procedure]
    channel = np.where(
        draw < postal_share, 3, np.where((draw < postal_share + online_share) & online_capable, 2, 1)
    )
    channel = channel.astype(np.int8)

    # People come to the counter on working days in office hours; online submissions arrive at any time.
    in_person = channel != 2
    day = to_days(submitted_day)
    day[in_person] = calendar.add_working_days(day[in_person] - 1, np.ones(in_person.sum(), dtype=np.int64))
    time_of_day = np.where(
        in_person, rng.integers(OFFICE_OPENS, OFFICE_CLOSES, count), rng.integers(6 * HOUR, 23 * HOUR, count)
    )
    submitted = from_days(day) + time_of_day

    intake_delay_days = rng.choice([0, 1, 2], size=count, p=[0.5, 0.35, 0.15])
    intake_day = calendar.add_working_days(day - 1, intake_delay_days + 1)
    intake = np.maximum(
        from_days(intake_day) + rng.integers(OFFICE_OPENS, OFFICE_CLOSES, count),
        submitted + rng.integers(600, 2 * HOUR, count),
    )
    intake = np.where(channel == 1, submitted, intake)
    refused = (channel != 1) & (rng.random(count) < 0.04)
    accepted = ~refused
    processing = np.where(accepted, intake + rng.integers(600, DAY, count), NEVER)

    kind = day_kind[procedure]
    days = legal_days[procedure]
    due = np.full((count, 3), NEVER, dtype=np.int64)
    due[:, 0] = add_due(np.where(accepted, intake, NEVER), days, kind, calendar)

    requested, received, work_start, final_due = _supplement_rounds(
        accepted, processing, due, days, kind, calendar, rng
    )
    last_request = np.where(requested[:, 1] < NEVER, requested[:, 1], requested[:, 0])
    stuck = (last_request < NEVER) & (
        np.where(requested[:, 1] < NEVER, received[:, 1], received[:, 0]) == NEVER
    )

    has_fee = has_fee_by_procedure[procedure]
    pays_later = accepted & has_fee & ~stuck & (rng.random(count) < 0.05)
    payment_requested = np.where(pays_later, work_start + rng.integers(HOUR, DAY, count), NEVER)
    payment_done = np.where(pays_later, payment_requested + rng.integers(HOUR, 2 * DAY, count), NEVER)
    work_start = np.where(pays_later, payment_done, work_start)

    ended, end_status = _outcomes(
        count, accepted, stuck, last_request, work_start, final_due, agency, profile, rng
    )
    returned = np.where(
        (end_status == 9) & (rng.random(count) < 0.85), ended + rng.integers(600, 3 * DAY, count), NEVER
    )

    events = np.stack(
        [
            submitted,
            intake,
            processing,
            requested[:, 0],
            received[:, 0],
            requested[:, 1],
            received[:, 1],
            payment_requested,
            payment_done,
            ended,
            returned,
        ],
        axis=1,
    ).astype(np.int64)

    digitised = rng.random(count) < np.where(channel == 2, 1.2, 0.8) * weight_of("digitised")[agency]
    components = rng.integers(1, 6, count).astype(np.int8)
    pays_online = has_fee & (rng.random(count) < weight_of("online_payment")[agency])
    paper_result = np.array([p.paper_result for p in procedures])[procedure]
    e_result_share = np.where(
        paper_result, weight_of("e_result")[agency], weight_of("e_result_other")[agency]
    )
    reuse_share = weight_of("reuse_start")[agency] + progress * (
        weight_of("reuse_end")[agency] - weight_of("reuse_start")[agency]
    )
    shared = np.where(criteria.random(count) < reuse_share, REUSED, 0) | np.where(
        criteria.random(count) < weight_of("national_store")[agency], NATIONAL_STORE, 0
    )
    keys = _dossier_codes(submitted, agency, agencies, reception_centre, rng)
    return DossierTable(
        keys=keys,
        events=events,
        refused=refused,
        end_status=end_status,
        due=due,
        agency=agency.astype(np.int32),
        procedure=procedure.astype(np.int32),
        channel=channel,
        service_level=service_level,
        applicant_type=rng.choice([1, 2, 3, 4], size=count, p=[0.85, 0.1, 0.02, 0.03]).astype(np.int8),
        online_payment=np.select(
            [pays_online & (rng.random(count) < 0.1), pays_online, has_fee], [2, 1, 3], 0
        ).astype(np.int8),
        has_fee=has_fee,
        vneid=rng.random(count) < weight_of("vneid")[agency],
        components=components,
        digitised_components=np.where(digitised, rng.integers(1, 6, count) % components + 1, 0).astype(
            np.int8
        ),
        results=np.where(end_status == 9, rng.integers(1, 3, count), 0).astype(np.int8),
        e_result=rng.random(count) < e_result_share,
        shared=shared.astype(np.int8),
    )


def _supplement_rounds(accepted, processing, due, days, kind, calendar, rng):
    """Supplement requests (8 % of dossiers, 1 % twice) and receipts; each receipt sets a new due.

    Fills `due[:, 1:]` and returns the request and receipt times, when the last stretch of work
    starts, and the due in effect at the end.
    """
    count = len(accepted)
    draw = rng.random(count)
    supplements = np.where(accepted, np.select([draw < 0.01, draw < 0.08], [2, 1], 0), 0)
    requested = np.full((count, 2), NEVER, dtype=np.int64)
    received = np.full((count, 2), NEVER, dtype=np.int64)
    previous_start, previous_due = processing, due[:, 0]
    for round_ in range(2):
        asks = supplements > round_
        if round_ == 1:
            asks &= received[:, 0] < NEVER
        span = np.where(previous_due < NEVER, np.maximum(previous_due - previous_start, 2 * DAY), 5 * DAY)
        offset = (rng.uniform(0.1, 0.6, count) * span).astype(np.int64)
        requested[asks, round_] = previous_start[asks] + offset[asks]
        # The first of two requests is always answered, otherwise there would be no second one.
        answers = asks & ((rng.random(count) < 0.75) | ((supplements == 2) & (round_ == 0)))
        # Applicants bring the missing papers to the counter in office hours, one to seven working days on.
        answer_day = calendar.add_working_days(
            to_days(requested[answers, round_]), rng.integers(1, 8, count)[answers]
        )
        received[answers, round_] = (
            from_days(answer_day) + rng.integers(OFFICE_OPENS, OFFICE_CLOSES, count)[answers]
        )
        due[:, round_ + 1] = add_due(received[:, round_], days, kind, calendar)
        previous_start = np.where(answers, received[:, round_], previous_start)
        previous_due = np.where(answers, due[:, round_ + 1], previous_due)
    return requested, received, previous_start, previous_due


def _submission_days(count: int, calendar: HolidayCalendar, period: tuple[int, int], rng) -> np.ndarray:
    """Submission dates (as midnight seconds): working days are about eight times busier."""
    days = np.arange(to_days(np.array([period[0]]))[0], to_days(np.array([period[1]]))[0] + 1)
    weights = np.where(calendar.is_working_day(days), 1.0, 0.12)
    chosen = rng.choice(len(days), size=count, p=weights / weights.sum())
    return np.sort(from_days(days[chosen]))


def _choose_agencies(submitted_day, agencies, profiles, procedures, districts_end, rng) -> np.ndarray:
    weights = np.array(
        [
            profiles[i].weight if profiles.get(i) and receivable_by(procedures, agency, True) else 0.0
            for i, agency in enumerate(agencies)
        ]
    )
    is_district = np.array([agency.unit_type == "quan-huyen" for agency in agencies])
    agency = np.empty(len(submitted_day), dtype=np.int64)
    before = submitted_day < (districts_end if districts_end is not None else NEVER)
    for mask, allowed in ((before, weights), (~before, np.where(is_district, 0.0, weights))):
        agency[mask] = rng.choice(len(agencies), size=int(mask.sum()), p=allowed / allowed.sum())
    return agency


def _choose_procedures(agency, submitted_day, agencies, procedures, districts_end, rng) -> np.ndarray:
    """A popular few procedures take most dossiers of each agency (Zipf-like weights)."""
    procedure = np.empty(len(agency), dtype=np.int64)
    before = submitted_day < (districts_end if districts_end is not None else NEVER)
    group = agency * 2 + before
    order = np.argsort(group, kind="stable")
    groups, starts = np.unique(group[order], return_index=True)
    for value, start, stop in zip(
        groups.tolist(), starts.tolist(), [*starts[1:].tolist(), len(order)], strict=True
    ):
        index, era = divmod(value, 2)
        pool = np.array(receivable_by(procedures, agencies[index], districts_end is not None and bool(era)))
        popularity = 1.0 / np.arange(1, len(pool) + 1) ** 0.9
        ranked = rng.permutation(pool)
        procedure[order[start:stop]] = ranked[
            rng.choice(len(pool), size=stop - start, p=popularity / popularity.sum())
        ]
    return procedure


def _outcomes(count, accepted, stuck, last_request, work_start, final_due, agency, profile, rng):
    """When and how each accepted dossier ends: 9 processed, 7 withdrawn, 8 stopped, 0 still open."""
    ended = np.full(count, NEVER, dtype=np.int64)
    status = np.zeros(count, dtype=np.int8)
    stuck_draw = rng.random(count)
    withdrawn = stuck & (stuck_draw < 0.4)
    stopped = stuck & (stuck_draw >= 0.4) & (stuck_draw < 0.6)
    ended[withdrawn] = last_request[withdrawn] + rng.integers(15 * DAY, 45 * DAY, count)[withdrawn]
    ended[stopped] = last_request[stopped] + rng.integers(30 * DAY, 60 * DAY, count)[stopped]
    status[withdrawn], status[stopped] = 7, 8

    flowing = accepted & ~stuck
    draw = rng.random(count)
    early_withdrawal = flowing & (draw < 0.005)
    early_stop = flowing & (draw >= 0.005) & (draw < 0.008)
    ended[early_withdrawal] = (
        work_start[early_withdrawal] + rng.integers(HOUR, 5 * DAY, count)[early_withdrawal]
    )
    ended[early_stop] = work_start[early_stop] + rng.integers(HOUR, 10 * DAY, count)[early_stop]
    status[early_withdrawal], status[early_stop] = 7, 8

    processed = flowing & (draw >= 0.008)
    on_time_share = np.array([p.on_time if p else 0.0 for p in profile])[agency]
    has_due = final_due < NEVER
    room = final_due - work_start
    in_time = processed & has_due & (rng.random(count) < on_time_share) & (room > HOUR)
    late = processed & has_due & ~in_time
    unlimited = processed & ~has_due
    ended[in_time] = work_start[in_time] + (rng.uniform(0.2, 0.98, count) * np.maximum(room, 0))[
        in_time
    ].astype(np.int64)
    ended[late] = np.maximum(final_due, work_start)[late] + rng.integers(HOUR, 10 * DAY, count)[late]
    ended[unlimited] = work_start[unlimited] + rng.integers(HOUR, 20 * DAY, count)[unlimited]
    status[processed] = 9
    return ended, status


def _dossier_codes(submitted, agency, agencies, reception_centre, rng) -> list[str]:
    """MaHoSo `{receiving unit}-{yyMMdd}-{NNNN}` with a per-unit daily counter (sources.md §2.6, §8)."""
    centre = next(i for i, a in enumerate(agencies) if a.code == reception_centre)
    is_department = np.array([a.unit_type == "so-ban-nganh" for a in agencies])
    receiving = np.where(is_department[agency] & (rng.random(len(agency)) < 0.8), centre, agency)
    old_format = rng.random(len(agency)) < 0.2
    day = submitted // DAY
    order = np.lexsort((submitted, day, receiving))
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (receiving[order][1:] != receiving[order][:-1]) | (day[order][1:] != day[order][:-1])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(order)), 0))
    counter = np.empty(len(order), dtype=np.int64)
    counter[order] = np.arange(len(order)) - group_start + 1
    days = to_days(submitted)
    months = days.astype("datetime64[M]")
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    stamps = (
        (years % 100) * 10_000
        + (months.astype(np.int64) % 12 + 1) * 100
        + (days - months).astype(np.int64)
        + 1
    )
    codes = [a.old_code for a in agencies], [a.code for a in agencies]
    receiving_code = [
        codes[0][unit] if old else codes[1][unit]
        for unit, old in zip(receiving.tolist(), old_format.tolist(), strict=True)
    ]
    keys = [
        f"{unit}-{stamp:06d}-{number:04d}"
        for unit, stamp, number in zip(receiving_code, stamps.tolist(), counter.tolist(), strict=True)
    ]
    return keys


def due_in_effect(table: DossierTable, moment: np.ndarray | int) -> np.ndarray:
    """NgayHenTra as of a moment: the latest due set by acceptance or by a received supplement."""
    events = table.events
    received_0 = events[:, COLUMN["supplement_received_0"]] <= moment
    received_1 = events[:, COLUMN["supplement_received_1"]] <= moment
    return np.where(received_1, table.due[:, 2], np.where(received_0, table.due[:, 1], table.due[:, 0]))


def orphan_codes(table: DossierTable, count: int, rng: np.random.Generator) -> list[str]:
    """Dossier codes of the right shape that no dossier has (quirk Q12): real prefixes, counters from 9001."""
    existing = table.key_set
    sources = rng.choice(len(table), size=count) if len(table) else []
    codes = []
    for number, source in enumerate(sources, start=9001):
        code = f"{table.keys[source].rsplit('-', 1)[0]}-{number:04d}"
        if code not in existing:
            codes.append(code)
    return codes
