"""Generates the whole DVC data set of one (scale, year, seed): every entity as a servable table."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from simulators.clock import DAY, NEVER, to_seconds
from simulators.configuration import load
from simulators.dvc.agencies import Agency, build_agencies
from simulators.dvc.apologies import apology_record, generate_apologies
from simulators.dvc.catalogues import agency_record, holiday_record, procedure_record
from simulators.dvc.dossier_records import dossier_records
from simulators.dvc.dossiers import COLUMN, generate_dossiers
from simulators.dvc.feedback import feedback_record, generate_feedback
from simulators.dvc.procedures import build_procedures
from simulators.dvc.profiles import draw_profile
from simulators.dvc.quirks import QuirkContext, QuirkPlan, plan_quirks
from simulators.dvc.ratings import generate_ratings, rating_record
from simulators.rates import resolve
from simulators.workdays import HolidayCalendar

# Independent random streams, so that changing one generator leaves the others' data unchanged.
STREAMS = {
    "profiles": 1,
    "procedures": 2,
    "dossiers": 3,
    "apologies": 4,
    "ratings": 5,
    "feedback": 6,
    "quirks": 7,
    # The Decision 766 shares of metrics.md §12, drawn apart so that the streams above stay as they were.
    "criteria": 8,
}


@dataclass
class Entity:
    """One resource as the server sees it: keys, event times (column 0 = creation) and a renderer."""

    name: str
    key_field: str
    incremental: bool
    keys: list[str]
    events: np.ndarray  # (n, k) int64; a record's version is its latest event at or before the moment
    render: Callable[[list[int], int, list[int]], list[dict]]  # (indices, moment, versions) -> clean records
    hidden: np.ndarray  # bool: rows a perfect system would not serve (quirk Q12 orphans)
    years: np.ndarray | None = None  # `nam` filter of ngay-nghi
    source: str = "dvc"  # the system that serves it: dvc, qlvb or ecabinet

    def __post_init__(self):
        # Keys compare by code point (G1); numpy's unicode sort does exactly that.
        self.key_rank = np.argsort(np.argsort(np.array(self.keys, dtype=str), kind="stable"), kind="stable")


def one_by_one(render: Callable[[int, int, int], dict]) -> Callable[[list[int], int, list[int]], list[dict]]:
    """A batch renderer from a renderer of one record (index, moment, version)."""
    return lambda indices, moment, versions: [
        render(index, moment, version) for index, version in zip(indices, versions, strict=True)
    ]


@dataclass
class World:
    scale: str
    year: int
    seed: int
    period: tuple[int, int]
    agencies: list[Agency]
    entities: dict[str, Entity]
    plan: QuirkPlan
    context: QuirkContext


def build_world(scale: str, year: int, seed: int, quirk_rates: dict[str, float] | None) -> World:
    rates = resolve(quirk_rates)
    preset = load("scales")[scale]
    config = load("agencies")
    period = (to_seconds(datetime(year - 1, 12, 1)), to_seconds(datetime(year, 12, 31, 23, 59, 59)))

    def stream(name: str) -> np.random.Generator:
        return np.random.default_rng([seed, STREAMS[name]])

    agencies = build_agencies(scale, datetime(year - 1, 12, 1), seed)
    districts = [a for a in agencies if a.unit_type == "quan-huyen"]
    districts_end = to_seconds(config["district_valid_to"]) if districts else None
    calendar = HolidayCalendar(range(year - 1, year + 2))
    profile_rng, criteria = stream("profiles"), stream("criteria")
    office = next(a.code for a in agencies if a.unit_type == "so-ban-nganh")
    profiles = {
        i: draw_profile(profile_rng, a.unit_type, a.code == office, criteria)
        for i, a in enumerate(agencies)
        if a.assessed
    }
    procedures = build_procedures(
        preset["procedures"], agencies, bool(districts), period, stream("procedures")
    )

    def volume(name: str) -> int:
        # The presets are yearly; the simulated period adds the December before the year.
        return round(preset[name] * 13 / 12)

    dossiers = generate_dossiers(
        volume("dossiers"),
        agencies,
        profiles,
        procedures,
        calendar,
        period,
        districts_end,
        config["reception_centre"],
        stream("dossiers"),
        criteria,
    )
    apologies = generate_apologies(dossiers, profiles, rates["Q12"], period, seed, stream("apologies"))
    ratings = generate_ratings(dossiers, profiles, rates["Q12"], period, stream("ratings"))
    feedback = generate_feedback(
        volume("feedback"), agencies, profiles, dossiers, calendar, period, seed, stream("feedback"), criteria
    )

    catalogue_time = period[0] - 30 * DAY
    agency_ends = [to_seconds(a.valid_to) if a.valid_to else NEVER for a in agencies]

    def none_hidden(count: int) -> np.ndarray:
        return np.zeros(count, dtype=bool)

    entities = {
        "thu-tuc": Entity(
            "thu-tuc",
            "MaTTHC",
            False,
            [p.code for p in procedures],
            np.array([[p.created_at, p.upgraded_at] for p in procedures], dtype=np.int64),
            one_by_one(lambda i, moment, version: procedure_record(procedures[i], moment, version, agencies)),
            none_hidden(len(procedures)),
        ),
        "don-vi": Entity(
            "don-vi",
            "MaDinhDanh",
            False,
            [a.code for a in agencies],
            np.array([[catalogue_time + i * 60, end] for i, end in enumerate(agency_ends)], dtype=np.int64),
            one_by_one(
                lambda i, moment, version: agency_record(agencies[i], moment, version, agency_ends[i])
            ),
            none_hidden(len(agencies)),
        ),
        "ngay-nghi": Entity(
            "ngay-nghi",
            "Ngay",
            False,
            [h.day.strftime("%Y%m%d") for h in calendar.holidays],
            np.zeros((len(calendar.holidays), 1), dtype=np.int64),
            one_by_one(lambda i, moment, version: holiday_record(calendar.holidays[i])),
            none_hidden(len(calendar.holidays)),
            years=np.array([h.day.year for h in calendar.holidays]),
        ),
        "ho-so": Entity(
            "ho-so",
            "MaHoSo",
            True,
            dossiers.keys,
            dossiers.events,
            lambda indices, moment, versions: dossier_records(
                dossiers, indices, moment, versions, procedures, agencies
            ),
            none_hidden(len(dossiers)),
        ),
        "phieu-xin-loi": Entity(
            "phieu-xin-loi",
            "Id",
            True,
            apologies.keys,
            apologies.events,
            one_by_one(lambda i, moment, version: apology_record(apologies, i, moment, version)),
            apologies.orphan,
        ),
        "danh-gia": Entity(
            "danh-gia",
            "MaHoSo",
            True,
            ratings.keys,
            ratings.events,
            one_by_one(lambda i, moment, version: rating_record(ratings, i, moment, version)),
            ratings.orphan,
        ),
        "pakn": Entity(
            "pakn",
            "id",
            True,
            feedback.keys,
            feedback.events,
            one_by_one(lambda i, moment, version: feedback_record(feedback, i, moment, version, agencies)),
            none_hidden(len(feedback)),
        ),
    }
    closed = np.flatnonzero(dossiers.events[:, COLUMN["ended"]] < NEVER)
    plan = plan_quirks(
        {name: len(entity.keys) for name, entity in entities.items()},
        {"ho-so": {"Q6": closed}},
        rates,
        stream("quirks"),
    )
    context = QuirkContext(
        old_agency_code={a.code: a.old_code for a in agencies},
        short_procedure_code={p.code: p.short_code for p in procedures},
        rates=rates,
    )
    return World(scale, year, seed, period, agencies, entities, plan, context)
