"""Profile of `land_batch` as staging grows: is the cost of a batch flat (issue 15, target 2)?

    .venv/bin/python bench/landing_profile.py --batches 250            # 5 M dossiers, fresh DuckDB file
    .venv/bin/python bench/landing_profile.py --batches 20 --every 1   # quick, while iterating
    .venv/bin/python bench/landing_profile.py --batches 40 \
        --warehouse postgresql+psycopg://postgres@127.0.0.1:5432/pt_landing   # an EMPTY database

Lands synthetic `dvc`/`ho-so` batches of `--rows` dossiers one after another through `land_batch` into a
fresh warehouse (a temporary DuckDB file unless `--warehouse` names one), as the pipeline does over a year,
and prints for every `--every`-th batch the wall seconds and the process CPU seconds (every thread of
DuckDB included) of `land_batch` alone; generating the batch is not timed. Each batch after the first holds,
besides new dossiers:
- `--update-share` newer versions of dossiers of earlier batches (staging rows replaced),
- `--overlap-share` rows of the previous batch again, unchanged (the extraction's lookback overlap),
- `--conflicts` rows of the previous batch again with the same version but other content (quarantined as
  duplicate conflicts, which reads the loser's record from raw).
So staging grows by about `rows × (1 - update-share - overlap-share)` per batch. As in the pipeline, the
pending rows are merged into staging every `--merge-every` rows and after the last batch (0: after every
batch, as before issue 15's pending rows). The summary compares the batches from the second (the first with
the full mix) with the last ones, over as many batches as one merge is shared by (at least five): their mean,
or with a merge after every batch their median; and gives the peak RSS of this process. `--json` writes every
figure and the per-batch series.

The figures are those of this machine at the moment: on the shared two-core machine, compare CPU seconds
more than wall seconds, and runs made at the same time with each other.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from itertools import count
from pathlib import Path

import numpy as np
import pyarrow as pa
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warehouse import schema  # noqa: E402
from warehouse.engine import make_engine  # noqa: E402
from warehouse.landing import MERGE_EVERY_ROWS, land_batch, merge_pending  # noqa: E402
from warehouse.loading import arrow_schema  # noqa: E402

SOURCE, ENTITY = "dvc", "ho-so"
START = datetime(2025, 1, 1)
UNITS = 700  # receiving units, as many as a province has
_META = ("_batch_id", "_extracted_at")
_RAW_SCHEMA = pa.schema(
    [
        ("_locator", pa.string()),
        ("_key", pa.string()),
        ("_version", pa.timestamp("us")),
        ("_record", pa.string()),
        ("_drift_fields", pa.string()),
    ]
)


class Year:
    """Synthetic batches: batch b covers day b × 365 / batches; its new dossiers are numbered 0..n-1."""

    def __init__(self, batches: int, rows: int, update_share: float, overlap_share: float, conflicts: int):
        self.batches = batches
        self.rows = rows
        self.updates = round(rows * update_share)
        self.overlap = round(rows * overlap_share)
        self.conflicts = conflicts
        self.new = rows - self.updates - self.overlap - self.conflicts
        self.staging = schema.landing_target(SOURCE, ENTITY).staging
        self.rows_schema = arrow_schema(self.staging, exclude=_META)
        self.fetch_seq = count(1)
        self.random = np.random.default_rng(15)
        self.previous: tuple[pa.Table, pa.Table] | None = None

    def day(self, batch: int) -> datetime:
        return START + timedelta(days=batch * 365 / self.batches)

    def key(self, batch: int, number: np.ndarray) -> np.ndarray:
        """MaHoSo-shaped keys `{unit}-{yyMMdd}-{counter}`: unique per (batch, number)."""
        unit = (batch * 7919 + number * 104729) % UNITS
        day = self.day(batch).strftime("%y%m%d")
        return np.array(
            [f"H{u // 10:02d}.{u % 10:02d}-{day}-{n:05d}" for u, n in zip(unit, number, strict=True)]
        )

    def batch(self, batch: int) -> tuple[pa.Table, pa.Table]:
        """(raw, rows) of batch `batch`, with the previous batch's rows for the overlap and conflicts."""
        new = self.rows if batch == 0 else self.new
        keys = [self.key(batch, np.arange(new))]
        versions = [np.datetime64(self.day(batch)) + np.arange(new).astype("timedelta64[s]")]
        hashes = [self._hashes(new)]
        if batch > 0:
            earlier = self.random.integers(0, batch, self.updates)
            numbers = self.random.integers(0, self.new, self.updates)
            keys += [
                np.concatenate(
                    [self.key(int(b), np.array([n])) for b, n in zip(earlier, numbers, strict=True)]
                )
            ]
            versions += [np.datetime64(self.day(batch)) + np.arange(new, new + self.updates).astype("m8[s]")]
            hashes += [self._hashes(self.updates)]
        raw, rows = self._tables(np.concatenate(keys), np.concatenate(versions), np.concatenate(hashes))
        if batch > 0 and self.previous is not None:
            previous_raw, previous_rows = self.previous
            overlap = previous_rows.slice(0, self.overlap)
            rivals = previous_rows.slice(self.overlap, self.conflicts)
            rivals = rivals.set_column(
                rivals.schema.get_field_index("_content_hash"),
                "_content_hash",
                pa.array(self._hashes(len(rivals))),
            )
            rows = pa.concat_tables([rows, overlap, rivals])
            rival_raw = previous_raw.slice(self.overlap, self.conflicts)
            rival_raw = rival_raw.set_column(
                3, "_record", pa.array([f'{{"conflict": "{k}"}}' for k in rival_raw["_key"].to_pylist()])
            )
            raw = pa.concat_tables([raw, previous_raw.slice(0, self.overlap), rival_raw])
            rows = rows.set_column(
                rows.schema.get_field_index("_fetch_seq"), "_fetch_seq", self._fetch_seqs(rows.num_rows)
            )
        self.previous = (raw, rows)
        return raw, rows

    def _fetch_seqs(self, n: int) -> pa.Array:
        return pa.array([next(self.fetch_seq) for _ in range(n)], pa.int64())

    def _hashes(self, n: int) -> np.ndarray:
        return np.array([f"{value:064x}" for value in self.random.integers(0, 2**63, n)])

    def _tables(
        self, keys: np.ndarray, versions: np.ndarray, hashes: np.ndarray
    ) -> tuple[pa.Table, pa.Table]:
        n = len(keys)
        columns = {}
        for field in self.rows_schema:
            if field.name in ("_key", "dossier_code"):
                columns[field.name] = pa.array(keys)
            elif field.name in ("_version", "updated_at"):
                columns[field.name] = pa.array(versions.astype("datetime64[us]"))
            elif field.name == "_content_hash":
                columns[field.name] = pa.array(hashes)
            elif field.name == "_fetch_seq":
                columns[field.name] = self._fetch_seqs(n)
            elif pa.types.is_timestamp(field.type):
                offsets = self.random.integers(0, 30 * 86400, n).astype("timedelta64[s]")
                columns[field.name] = pa.array((versions - offsets).astype("datetime64[us]"))
            elif pa.types.is_string(field.type):
                vocabulary = np.array([f"{field.name}-{i}" for i in range(50)])
                columns[field.name] = pa.array(vocabulary[self.random.integers(0, 50, n)])
            elif pa.types.is_boolean(field.type):
                columns[field.name] = pa.array(self.random.integers(0, 2, n).astype(bool))
            elif pa.types.is_integer(field.type) or pa.types.is_floating(field.type):
                columns[field.name] = pa.array(self.random.integers(0, 10, n)).cast(field.type)
            else:
                raise TypeError(f"no synthetic values for {field.name}: {field.type}")
        rows = pa.table(columns, schema=self.rows_schema)
        # About the size of a received dossier after the privacy rules (sources.md §2.6).
        records = [
            f'{{"MaHoSo": "{k}", "MaTTHC": "1.001193.000.00.00.H35", "TenTTHC": "Đăng ký khai sinh", '
            f'"NgayCapNhat": "{v}", "TrichYeuHoSo": "{h}", "TaiLieuNop": [{{"MaThanhPhanHoSo": "TP-01", '
            f'"TenTepDinhKem": "giay_chung_sinh.pdf", "DuocSoHoa": "1", "DuocTaiSuDung": "0"}}], '
            f'"DanhSachGiayToKetQua": [{{"GiayToId": "{h[:32]}", "TenGiayTo": "Giấy khai sinh", '
            f'"DuongDanTepTinKetQua": "https://dvc.example/kq/{h[:16]}.pdf"}}], "padding": "{"x" * 400}"}}'
            for k, v, h in zip(keys, versions.astype(str), hashes, strict=True)
        ]
        raw = pa.table(
            {
                "_locator": pa.array([f"/api/v1/ho-so?page={i // 1000 + 1}#{i % 1000}" for i in range(n)]),
                "_key": pa.array(keys),
                "_version": pa.array(versions.astype("datetime64[us]")),
                "_record": pa.array(records),
                "_drift_fields": pa.nulls(n, pa.string()),
            },
            schema=_RAW_SCHEMA,
        )
        return raw, rows


def _empty_quarantine() -> pa.Table:
    return pa.table(
        {name: pa.array([], pa.string()) for name in ("source", "entity", "record_key")}
        | {"record_version": pa.array([], pa.timestamp("us"))}
        | {
            name: pa.array([], pa.string())
            for name in ("locator", "field", "reason_code", "detail", "record")
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batches", type=int, default=250)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--update-share", type=float, default=0.08)
    parser.add_argument("--overlap-share", type=float, default=0.02)
    parser.add_argument("--conflicts", type=int, default=5)
    parser.add_argument("--warehouse", help="SQLAlchemy URL of an empty warehouse (default: a fresh DuckDB)")
    parser.add_argument(
        "--duckdb-memory", help="DuckDB memory limit (default: the pipeline's for this machine)"
    )
    parser.add_argument(
        "--merge-every",
        type=int,
        default=MERGE_EVERY_ROWS,
        help="merge the pending rows into staging once they number this many, as the pipeline does "
        f"(default {MERGE_EVERY_ROWS:,}; 0: after every batch)",
    )
    parser.add_argument("--every", type=int, default=10, help="print every n-th batch")
    parser.add_argument("--json", type=Path, help="write the figures and the per-batch series here")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="landing-profile-") as folder:
        url = options.warehouse or f"duckdb:///{folder}/warehouse.duckdb"
        engine = make_engine(url, duckdb_memory=options.duckdb_memory)
        schema.ensure_schema(engine)
        year = Year(
            options.batches, options.rows, options.update_share, options.overlap_share, options.conflicts
        )
        quarantine = _empty_quarantine()
        series = []
        print("batch   rows  staged  quarantined  wall_s  cpu_s")
        for number in range(options.batches):
            raw, rows = year.batch(number)
            extracted_at = START + timedelta(hours=number)
            wall, cpu = time.perf_counter(), time.process_time()
            result = land_batch(
                engine,
                f"profile-ho-so-{number}",
                extracted_at,
                SOURCE,
                ENTITY,
                raw,
                rows,
                quarantine,
                merge_every=options.merge_every,
            )
            if number == options.batches - 1:  # the stream's end merges what is left
                merged = merge_pending(engine, SOURCE, ENTITY)
                result = result._replace(
                    staged_rows=result.staged_rows + merged.staged_rows,
                    quarantined_rows=result.quarantined_rows + merged.quarantined_rows,
                )
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            series.append(
                {"batch": number, "rows": rows.num_rows, **result._asdict(), "wall_s": wall, "cpu_s": cpu}
            )
            if number % options.every == 0 or number == options.batches - 1:
                print(
                    f"{number:5d} {rows.num_rows:6d} {result.staged_rows:7d} {result.quarantined_rows:12d}"
                    f" {wall:7.3f} {cpu:6.3f}",
                    flush=True,
                )
        with engine.connect() as conn:
            staging_rows = conn.execute(sa.select(sa.func.count()).select_from(year.staging)).scalar_one()
        engine.dispose()
        database_bytes = os.path.getsize(f"{folder}/warehouse.duckdb") if options.warehouse is None else None

    # A merge every `window` batches is paid by the batches before it: compare whole windows, by their mean
    # (with a merge after every batch, the median of five batches, steadier on a shared machine).
    window = max(5, -(-options.merge_every // options.rows))
    average = statistics.fmean if options.merge_every else statistics.median

    def per_batch(part: list[dict], key: str) -> float:
        return average(entry[key] for entry in part)

    first, last = series[1 : 1 + window], series[-window:]
    summary = {
        "batches": options.batches,
        "rows_per_batch": options.rows,
        "merge_every_rows": options.merge_every,
        "window_batches": window,
        "staging_rows": staging_rows,
        "wall_first_s": per_batch(first, "wall_s"),
        "wall_last_s": per_batch(last, "wall_s"),
        "cpu_first_s": per_batch(first, "cpu_s"),
        "cpu_last_s": per_batch(last, "cpu_s"),
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "database_bytes": database_bytes,
    }
    for kind in ("wall", "cpu"):
        summary[f"{kind}_ratio"] = summary[f"{kind}_last_s"] / summary[f"{kind}_first_s"]
    how = "mean" if options.merge_every else "median"
    print(f"staging rows {staging_rows}; {how} of batches 2-{window + 1} → {how} of the last {window}:")
    for kind in ("wall", "cpu"):
        first_s, last_s, ratio = (summary[f"{kind}_{part}"] for part in ("first_s", "last_s", "ratio"))
        print(f"  {kind:4s} {first_s:.3f} s → {last_s:.3f} s  (×{ratio:.2f})")
    total_wall, total_cpu = (sum(entry[key] for entry in series) for key in ("wall_s", "cpu_s"))
    print(
        f"total wall {total_wall:.1f} s, CPU {total_cpu:.1f} s;"
        f" peak RSS {summary['peak_rss_bytes'] / 2**20:.0f} MiB"
    )
    if options.json:
        options.json.write_text(
            json.dumps({"summary": summary, "series": series}, indent=1), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
