"""The benchmark's two baselines, each run by bench/benchmark.py in a process of its own so that neither its
imports nor its memory count in the pipeline's peak RSS:

    python bench/baselines.py dlt BASE_URL DUCKDB_FILE MAX_PAGES RESULT_JSON   (DVC credentials in env)
    python bench/baselines.py ndjson NDJSON_FILE DUCKDB_FILE RESULT_JSON

`dlt`: dlt's `rest_api` source with its defaults loading DVC `ho-so` into a DuckDB file (the tool a data team
would otherwise pick). `ndjson`: DuckDB reading a newline-delimited JSON dump of the same dossiers from local
disk (the practical limit). Each writes {records, seconds, records_per_s, cpu_s, cpu_per_record_s,
peak_rss_bytes, ...} to RESULT_JSON; `cpu_s` is the CPU (user + system) of this process and of the children
it waited for while the load ran, measured like the pipeline's extraction in bench/benchmark.py.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path


def cpu_s() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


# Its largest page size, as the pipeline's connector and the download-only pass use (sources.md §2.3).
PAGE_SIZE = 1000


def dlt_rest_api(base_url: str, database: Path, max_pages: int) -> dict:
    """Loads up to `max_pages` pages of `ho-so` with dlt's defaults (append, its normaliser, which unnests
    the dossier's arrays into child tables) and the DVC API's auth and paging."""
    # Telemetry off and dlt's state in the benchmark's folder, never in the user's home.
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    import dlt
    from dlt.sources.helpers.rest_client.auth import OAuth2ClientCredentials
    from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator
    from dlt.sources.rest_api import rest_api_source

    source = rest_api_source(
        {
            "client": {
                "base_url": f"{base_url}/dvc/api/v1/",
                "auth": OAuth2ClientCredentials(
                    access_token_url=f"{base_url}/dvc/oauth2/token",
                    client_id=os.environ["PARINDEX_DVC_CLIENT_ID"],
                    client_secret=os.environ["PARINDEX_DVC_CLIENT_SECRET"],
                ),
                # The envelope's `total` counts records, while this paginator's total_path expects a page
                # count, so it stops at the first empty page (past the end) or after the page cap.
                "paginator": PageNumberPaginator(
                    base_page=1, page_param="page", total_path=None, maximum_page=max_pages + 1
                ),
            },
            "resources": [
                {
                    "name": "ho_so",
                    "endpoint": {"path": "ho-so", "params": {"pageSize": PAGE_SIZE}, "data_selector": "data"},
                }
            ],
        }
    )
    pipeline = dlt.pipeline(
        pipeline_name="bench_dvc",
        destination=dlt.destinations.duckdb(str(database)),
        dataset_name="dvc",
        pipelines_dir=str(database.parent / "dlt_pipelines"),
    )
    started, cpu = time.perf_counter(), cpu_s()
    pipeline.run(source)
    seconds, cpu = time.perf_counter() - started, cpu_s() - cpu
    with pipeline.sql_client() as client:
        records = client.execute_sql("select count(*) from ho_so")[0][0]
        child_tables = [
            row[0]
            for row in client.execute_sql(
                "select table_name from information_schema.tables "
                "where table_schema = %s and table_name like 'ho_so\\_\\_%%' escape '\\'",
                client.dataset_name,
            )
        ]
    return {
        "records": records,
        "seconds": seconds,
        "records_per_s": records / seconds,
        "cpu_s": cpu,
        "cpu_per_record_s": cpu / records,
        "max_pages": max_pages,
        "dlt_version": dlt.__version__,
        "child_tables": sorted(child_tables),
    }


def duckdb_ndjson(ndjson: Path, database: Path) -> dict:
    """DuckDB's own reader over the dump into a table of a fresh file: every value kept, types inferred."""
    import duckdb

    connection = duckdb.connect(str(database))
    started, cpu = time.perf_counter(), cpu_s()
    sample_size = "default"
    try:
        connection.execute(
            "create table ho_so as select * from read_json(?, format = 'newline_delimited')", [str(ndjson)]
        )
    except duckdb.Error:
        # The types inferred from the default sample can fail on a quirky value further on; inferring them
        # from every record is what a user would do next, and its time counts.
        sample_size = -1
        connection.execute(
            "create or replace table ho_so as select * from "
            "read_json(?, format = 'newline_delimited', sample_size = -1)",
            [str(ndjson)],
        )
    seconds, cpu = time.perf_counter() - started, cpu_s() - cpu
    records = connection.execute("select count(*) from ho_so").fetchone()[0]
    connection.close()
    return {
        "records": records,
        "seconds": seconds,
        "records_per_s": records / seconds,
        "cpu_s": cpu,
        "cpu_per_record_s": cpu / records,
        "file_bytes": ndjson.stat().st_size,
        "sample_size": sample_size,
        "duckdb_version": duckdb.__version__,
    }


def main(argv: list[str]) -> int:
    kind, *args = argv
    if kind == "dlt":
        base_url, database, max_pages, result = args
        outcome = dlt_rest_api(base_url, Path(database), int(max_pages))
    elif kind == "ndjson":
        ndjson, database, result = args
        outcome = duckdb_ndjson(Path(ndjson), Path(database))
    else:
        raise SystemExit(f"unknown baseline {kind!r}")
    outcome["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    Path(result).write_text(json.dumps(outcome, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
