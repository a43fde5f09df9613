"""The simulated source systems as of a moment: what they serve, their ground truth and the quirk manifest."""

import csv
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import orjson

from simulators.clock import DAY, from_seconds, local_now, to_seconds
from simulators.configuration import load
from simulators.dvc.quirks import apply_quirks
from simulators.dvc.world import Entity, build_world
from simulators.ecabinet.source import build_ecabinet
from simulators.hr.departments import units_over_limit
from simulators.hr.folder import HrFolder
from simulators.hr.staff import generate_staff
from simulators.qlvb.requirements import manifest_rows
from simulators.qlvb.source import build_qlvb
from simulators.rates import resolve
from simulators.sources import JsonSource
from simulators.workdays import HolidayCalendar

ENTITIES = ("thu-tuc", "don-vi", "ho-so", "phieu-xin-loi", "danh-gia", "pakn", "ngay-nghi")
SOURCES = ("dvc", "qlvb", "ecabinet", "hr")
# Records rendered at once for the manifest.
MANIFEST_CHUNK = 20_000
# The columns of a deployment's agency table (sources.md §8: those of `don-vi`, §2.5).
AGENCY_TABLE_COLUMNS = (
    "MaDinhDanh",
    "MaDinhDanhCu",
    "TenDonVi",
    "LoaiDonVi",
    "MaDonViCha",
    "NgayHieuLuc",
    "NgayHetHieuLuc",
)
# Random streams of the sources added after DVC (DVC's own streams are numbered 1-7).
STREAMS = {
    "documents": 101,
    "quirks-qlvb": 102,
    "ecabinet": 103,
    "quirks-ecabinet": 104,
    "staff": 105,
    "requirements": 107,
}


class Simulation:
    """Deterministic from (scale, year, seed, as_of); see sources.md §1.11."""

    def __init__(
        self,
        scale: str = "small",
        year: int | None = None,
        seed: int = 0,
        as_of: datetime | None = None,
        quirk_rates: dict[str, float] | None = None,
    ):
        year = year if year is not None else local_now().year
        self.scale, self.year, self.seed = scale, year, seed
        self._world = build_world(scale, year, seed, quirk_rates)
        rates = resolve(quirk_rates)
        agencies, period = self._world.agencies, self._world.period
        preset = load("scales")[scale]
        calendar = HolidayCalendar(range(year - 1, year + 2))

        def stream(name: str) -> np.random.Generator:
            return np.random.default_rng([seed, STREAMS[name]])

        qlvb, self._documents, self._edxml = build_qlvb(
            agencies,
            preset,
            year,
            period,
            calendar,
            rates,
            seed,
            {
                "documents": stream("documents"),
                "quirks": stream("quirks-qlvb"),
                "requirements": stream("requirements"),
            },
        )
        ecabinet, self._filter_days = build_ecabinet(
            agencies, preset, year, period, calendar, rates, stream("ecabinet"), stream("quirks-ecabinet")
        )
        self._sources: dict[str, JsonSource] = {qlvb.name: qlvb, ecabinet.name: ecabinet}
        staff = generate_staff(agencies, preset, year, rates, stream("staff"))
        self._hr = HrFolder(staff, agencies, rates, seed, year)
        for source in self._sources.values():
            self._world.entities.update(source.entities)
        self.folders: dict[str, Path] = {}
        self.period_start = from_seconds(self._world.period[0])
        self.period_end = from_seconds(self._world.period[1])
        self._as_of = to_seconds(min(as_of or local_now(), self.period_end))
        self._lock = threading.RLock()
        # Versions set after generation: by advance() (the clock when a change became visible) or by the
        # page_shift fault; -1 where the record's own latest event is its version.
        self._moved = {
            name: np.full(len(e.keys), -1, dtype=np.int64) for name, e in self._world.entities.items()
        }
        self._views: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def as_of(self) -> datetime:
        return from_seconds(self._as_of)

    @property
    def as_of_seconds(self) -> int:
        return self._as_of

    def entity(self, name: str) -> Entity:
        return self._world.entities[name]

    def view(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The records served now, in the contract's order (G1), and their versions (int64 seconds)."""
        with self._lock:
            if name not in self._views:
                entity = self.entity(name)
                versions = np.where(
                    self._moved[name] >= 0, self._moved[name], self._latest_events(entity, self._as_of)
                )
                visible = np.flatnonzero(entity.events[:, 0] <= self._as_of)
                if entity.incremental:
                    order = visible[np.lexsort((entity.key_rank[visible], versions[visible]))]
                else:
                    order = visible[np.argsort(entity.key_rank[visible], kind="stable")]
                self._views[name] = (order, versions[order])
            return self._views[name]

    def render(
        self, name: str, indices: list[int], versions: list[int], with_quirks: bool = True
    ) -> list[dict]:
        """Records as served (quirks applied) or as a perfect system would serve them."""
        entity = self.entity(name)
        records = entity.render(indices, self._as_of, versions)
        if with_quirks:
            if entity.source == "dvc":
                planned = self._world.plan.for_records(name, indices)
                for index, record in zip(indices, records, strict=True):
                    if index in planned:
                        apply_quirks(name, record, planned[index], self._world.context)
            else:
                source = self._sources[entity.source]
                planned = source.plan.for_records(name, indices)
                for index, record in zip(indices, records, strict=True):
                    if index in planned:
                        source.apply(name, record, planned[index])
        return records

    def incoming_documents(self) -> np.ndarray:
        """Per `documents` record: True for a `den` entry."""
        return self._documents.registers.entries.incoming

    def filter_days(self, entity: str) -> np.ndarray | None:
        """Per record of an E-CABINET list, the time whose local date `tuNgay`/`denNgay` filter on."""
        return self._filter_days.get(entity)

    def edxml_of(self, index: int) -> bytes | None:
        """The edXML package the API serves for a `documents` record, or None when it has none."""
        return self._documents.package(index, self._as_of)

    def truth(self, entity: str) -> list[dict]:
        """Records as a perfect system would serve them now; `documents` adds those that exist only as
        edXML files, as §3.7 loads them (`id` null)."""
        order, versions = self.view(entity)
        shown = ~self.entity(entity).hidden[order]
        records = self.render(entity, order[shown].tolist(), versions[shown].tolist(), with_quirks=False)
        if entity == "documents":
            records += self._edxml.file_only_truth(self._as_of)
        return records

    def manifest(self, sources: tuple[str, ...] = ("dvc",)) -> list[dict]:
        """Quirk manifest entries of the given sources (default DVC only, as the first round's callers
        expect); `write_manifest` writes every source."""
        return list(self.iter_manifest(sources))

    def iter_manifest(self, sources: tuple[str, ...]) -> Iterator[dict]:
        """The manifest entries one by one, rendering the touched records a chunk at a time: at `large`
        scale a list of every touched dossier would take gigabytes."""
        if "dvc" in sources:
            yield from self._dvc_manifest()
        for name in sources:
            if name in self._sources:
                yield from self._json_manifest(self._sources[name])
        if "qlvb" in sources:
            yield from self._edxml.manifest(self._as_of)
        if "hr" in sources:
            yield from self._hr.manifest(self._as_of)

    def _served_chunks(self, name: str, touched: np.ndarray) -> Iterator[tuple[list[int], list[dict]]]:
        """(indices, clean records) of the served records among `touched` (a mask), chunk by chunk."""
        order, versions = self.view(name)
        served = touched[order]
        indices, served_versions = order[served], versions[served]
        for start in range(0, len(indices), MANIFEST_CHUNK):
            chunk = indices[start : start + MANIFEST_CHUNK].tolist()
            chunk_versions = served_versions[start : start + MANIFEST_CHUNK].tolist()
            yield chunk, self.render(name, chunk, chunk_versions, with_quirks=False)

    def _json_manifest(self, source: JsonSource) -> Iterator[dict]:
        for name in source.entities:
            touched = np.zeros(len(self.entity(name).keys), dtype=bool)
            touched[source.touched(name)] = True
            for indices, clean in self._served_chunks(name, touched):
                planned = source.plan.for_records(name, indices)
                for index, record in zip(indices, clean, strict=True):
                    key = source.natural_key[name](record)
                    altered = source.marks(name, record) + source.apply(name, record, planned.get(index, []))
                    for field, quirk in altered:
                        yield _entry(name, key, field, quirk, source.name)

    def _dvc_manifest(self) -> Iterator[dict]:
        for name in ENTITIES:
            entity = self.entity(name)
            touched = np.zeros(len(entity.keys), dtype=bool)
            touched[self._world.plan.planned(name)] = True
            touched |= entity.hidden
            for indices, clean in self._served_chunks(name, touched):
                planned = self._world.plan.for_records(name, indices)
                for index, record in zip(indices, clean, strict=True):
                    key = record[entity.key_field]
                    if entity.hidden[index]:
                        yield _entry(name, key, "MaHoSo", "Q12")
                    quirks = planned.get(index, [])
                    for field, quirk in apply_quirks(name, record, quirks, self._world.context):
                        yield _entry(name, key, field, quirk)

    def write_manifest(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            for entry in self.iter_manifest(SOURCES):
                handle.write(orjson.dumps(entry) + b"\n")

    def docreq_manifest(self) -> list[dict]:
        """Ground truth of the required documents (metrics.md §12): one row per department, requirement and
        item (`inspection_coverage`: per division) with the planned outcome, plus one `decoy` row per document
        that must never count; `document_id` is the `DocumentId` the API serves for the sender's entry."""
        registers = self._documents.registers
        first = registers.required_first
        views = self._documents.views(np.arange(first, first + len(registers.required.documents)))
        return list(manifest_rows(registers.required, [self._documents.document_id(v) for v in views]))

    def hr_manifest(self) -> list[dict]:
        """Ground truth of metrics.md §8.1 (§12): the units over their default deputy limit in each
        agency's latest HR export present now, from its clean `CanBo` rows."""
        latest = self._hr.latest(self._as_of)
        return [
            row for code, sheets in sorted(latest.items()) for row in units_over_limit(code, sheets["CanBo"])
        ]

    def write_ground_truth(self, folder: str | Path) -> dict[str, Path]:
        """Writes `docreq_manifest.jsonl` and `hr_manifest.jsonl` into the folder (beside the quirk
        manifest) and returns their paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {}
        for name, rows in (
            ("docreq_manifest.jsonl", self.docreq_manifest()),
            ("hr_manifest.jsonl", self.hr_manifest()),
        ):
            paths[name] = folder / name
            paths[name].write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
        return paths

    def write_agency_table(self, path: str | Path) -> Path:
        """Writes the simulated province's agency table (sources.md §8), with the columns of `don-vi` that a
        deployment's agency table has, for the pipeline's configuration (`PARINDEX_AGENCY_TABLE`)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(AGENCY_TABLE_COLUMNS)
            for agency in self._world.agencies:
                valid_to = f"{agency.valid_to:%Y%m%d%H%M%S}" if agency.valid_to else ""
                row = (agency.code, agency.old_code, agency.name, agency.unit_type, agency.parent or "")
                writer.writerow((*row, "", valid_to))
        return path

    def write_files(self, hr_dir: str | Path, edxml_dir: str | Path, faults: float = 0.0) -> None:
        """Writes the edXML packages and HR exports present as of now, atomically, plus the file faults
        of sources.md §6 when `faults` > 0; files already there are left alone. A SimulatorServer started
        afterwards names both folders in its `env`."""
        self.folders["edxml"] = Path(edxml_dir).resolve()
        self.folders["hr"] = Path(hr_dir).resolve()
        self._edxml.write(self.folders["edxml"], self._as_of, faults)
        self._hr.write(self.folders["hr"], self._as_of, faults)

    def hr_truth(self) -> list[dict]:
        """The clean content of every HR export present now: per file `file`, `agency` (MaDinhDanh),
        `month` (YYYYMM) and the rows of each sheet as {field: value} with the contract's field names
        (dates as `datetime.date`). Q15 rows show the truth (`Chuyển công tác`), and MucXepLoai its code."""
        return self._hr.truth(self._as_of)

    def advance(self, days: float = 1) -> None:
        """Moves as_of forward; records that change on the way get the wall clock as their version."""
        with self._lock:
            target = min(self._as_of + int(days * DAY), to_seconds(self.period_end))
            clock = to_seconds(local_now())
            for name, entity in self._world.entities.items():
                before = self._latest_events(entity, self._as_of)
                after = self._latest_events(entity, target)
                changed = after != before
                self._moved[name][changed] = np.maximum(after[changed], clock)
            self._as_of = target
            self._views.clear()

    def shift(self, name: str, indices: np.ndarray, version: int) -> None:
        """Gives records a new version without changing them (the page_shift fault, sources.md §6)."""
        with self._lock:
            self._moved[name][indices] = version
            self._views.pop(name, None)

    @staticmethod
    def _latest_events(entity: Entity, moment: int) -> np.ndarray:
        return np.where(entity.events <= moment, entity.events, -1).max(axis=1)


def _entry(entity: str, key: str, field: str, quirk: str, source: str = "dvc") -> dict:
    return {"source": source, "entity": entity, "key": key, "field": field, "quirk": quirk}
