"""Process CPU per DVC dossier of extraction's own work and of landing, over simulated `ho-so` pages.

    .venv/bin/python -m bench.normalise_profile [--scale small] [--copies 7] [--repeat 3] [--profile]

The pages come from the simulator in-process (rendered with its quirks, serialised as the API serves them),
so the figures hold no HTTP: "normalise" is what the extractor does to a page it has received (JSON parse,
privacy, normalisation into Arrow), "normalise+land" adds `land_batch` of 20,000-dossier batches into a
fresh DuckDB warehouse, merged into staging as the pipeline merges them. CPU is `time.process_time()` (every
thread of this process) over the dossiers. `--copies K` serves the pages K times, each copy under other
dossier codes, so that `small` fills whole 20,000-dossier batches.

CPU time on a machine shared with other work varies by ±20 % between runs (caches, steal time): compare
versions in alternating runs, or by instruction counts, which do not vary: `valgrind --tool=cachegrind
--cache-sim=no` over `--repeat 1` and `--repeat 3` runs, the difference divided by 2 passes × the dossiers.
"""

import argparse
import cProfile
import pstats
import tempfile
import time
from datetime import datetime
from pathlib import Path

import orjson
import pyarrow as pa

from etl.agency_codes import AgencyResolver, load_agency_config
from etl.code_mappings import CodeMappings
from etl.collector import paused_collection
from etl.dvc.context import DvcContext, ProcedureCodes
from etl.dvc.extract import DvcExtractor
from etl.windows import Page, _Verifier
from simulators import Simulation
from warehouse.engine import make_engine
from warehouse.landing import MERGE_EVERY_ROWS, land_batch, merge_pending
from warehouse.schema import ensure_schema

PAGE_SIZE = 1000
BATCH = 20_000
ENTITY = "ho-so"


def served_pages(simulation: Simulation, entity: str, copies: int = 1) -> list[bytes]:
    """The entity's records as the API serves them, one JSON envelope per page; copy k of a dossier has
    its code prefixed with k."""
    order, versions = simulation.view(entity)
    pages = []
    for copy in range(copies):
        for start in range(0, len(order), PAGE_SIZE):
            records = simulation.render(
                entity,
                order[start : start + PAGE_SIZE].tolist(),
                versions[start : start + PAGE_SIZE].tolist(),
            )
            for record in records:
                if copy and isinstance(record.get("MaHoSo"), str):
                    record["MaHoSo"] = f"{copy}-{record['MaHoSo']}"
            pages.append(orjson.dumps({"error_code": "0", "total": len(order) * copies, "data": records}))
    return pages


def context_of(simulation: Simulation) -> DvcContext:
    catalogue = [orjson.loads(page)["data"] for page in served_pages(simulation, "thu-tuc")]
    units = [orjson.loads(page)["data"] for page in served_pages(simulation, "don-vi")]
    agencies = AgencyResolver.from_rows(load_agency_config()).extended(r for page in units for r in page)
    return DvcContext(
        b"profile-key",
        agencies,
        ProcedureCodes.from_rows(r for page in catalogue for r in page),
        CodeMappings.load("dvc"),
    )


def normalise_pages(extractor: DvcExtractor, pages: list[bytes]) -> list[tuple[pa.Table, ...]]:
    """What the extractor does to each received page: parse, verify (keys), privacy, normalisation."""
    spec = extractor._spec(ENTITY, extractor._page_processor(ENTITY))
    verifier = None
    out = []
    for number, body in enumerate(pages):
        with paused_collection():  # as the client parses (etl/http.py)
            envelope = orjson.loads(body)
        verifier = verifier or _Verifier(spec, envelope["total"])
        items = [(f"page{number}#{index}", record) for index, record in enumerate(envelope["data"])]
        out.append(spec.process(verifier.fresh(Page(envelope["total"], items))))
    return out


def batches(tables: list[tuple[pa.Table, ...]]) -> list[tuple[pa.Table, ...]]:
    per_batch = max(1, BATCH // PAGE_SIZE)
    return [
        tuple(pa.concat_tables(group) for group in zip(*tables[start : start + per_batch], strict=True))
        for start in range(0, len(tables), per_batch)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--copies", type=int, default=1, help="serve the pages this many times")
    parser.add_argument("--repeat", type=int, default=3, help="normalise the pages this many times")
    parser.add_argument("--profile", action="store_true", help="print the top functions of normalisation")
    options = parser.parse_args(argv)

    started = time.process_time()
    simulation = Simulation(scale=options.scale, year=options.year, seed=0)
    pages = served_pages(simulation, ENTITY, options.copies)
    context = context_of(simulation)
    dossiers = sum(len(orjson.loads(page)["data"]) for page in pages)
    print(f"{dossiers:,} {ENTITY} records in {len(pages)} pages ({time.process_time() - started:.1f} s CPU)")

    extractor = DvcExtractor(client=None, context=context, page_size=PAGE_SIZE)
    normalise_pages(extractor, pages)  # warm-up: caches of the converters, imports
    cpu = []
    for _ in range(options.repeat):
        before = time.process_time()
        tables = normalise_pages(extractor, pages)
        cpu.append(time.process_time() - before)
    best = min(cpu)
    print(f"normalise: {best / dossiers * 1e6:.1f} µs CPU per dossier (best of {options.repeat})")
    if options.profile:
        profiler = cProfile.Profile()
        profiler.runcall(normalise_pages, extractor, pages)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"duckdb:///{Path(folder) / 'warehouse.duckdb'}")
        ensure_schema(engine)
        before = time.process_time()
        tables = normalise_pages(extractor, pages)
        normalised = time.process_time() - before
        for number, (raw, rows, quarantine) in enumerate(batches(tables)):
            land_batch(
                engine,
                f"profile-{number}",
                datetime(2026, 1, 1),
                "dvc",
                ENTITY,
                raw,
                rows,
                quarantine,
                merge_every=MERGE_EVERY_ROWS,
            )
        merge_pending(engine, "dvc", ENTITY)  # as at the end of the pipeline's stream
        total = time.process_time() - before
        engine.dispose()
    print(
        f"normalise+land: {total / dossiers * 1e6:.1f} µs CPU per dossier "
        f"(normalise {normalised / dossiers * 1e6:.1f}, land {(total - normalised) / dossiers * 1e6:.1f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
