"""Dagster resources: the warehouse, the DVC source and the pipeline settings, configured from the
`PARINDEX_*` environment variables (interface.md §1). Secrets go through `EnvVar`, so Dagster shows the
variable's name, never its value."""

from __future__ import annotations

import functools
import grp
import inspect
import math
import os
from contextlib import closing
from datetime import date

from dagster import ConfigurableResource, EnvVar, Failure, InitResourceContext, ResourceDefinition, asset
from pydantic import PrivateAttr
from sqlalchemy.engine import Engine

from assets.partitions import DEFAULT_TIMEZONE, PROVINCE_DIMENSION
from assets.provinces import (
    PROVINCE_TAG,
    ProvinceSettings,
    ProvincesFile,
    applied_environment,
    own_environment,
    province_settings,
)
from etl.dvc.client import DvcClient
from etl.ecabinet.client import EcabinetClient
from etl.ecabinet.settings import EcabinetSettings
from etl.http import DEFAULT_DEADLINE_S, DEFAULT_MAX_BODY_BYTES
from etl.http import RetryPolicy as HttpRetryPolicy
from etl.qlvb.client import QlvbClient, QlvbSettings
from etl.settings import DvcSettings
from parindex_facts.defaults import EXPORT_DIR, HR_BASELINE_YEAR, WAREHOUSE_URL, extract_start
from warehouse.consolidated import publish_province
from warehouse.databases import ensure_database
from warehouse.engine import make_engine
from warehouse.memory import duckdb_memory_limit
from warehouse.schema import ensure_schema


class WarehouseResource(ConfigurableResource):
    """The warehouse every asset writes; the engine is created (and the schema brought up to date, once per
    run) on first use inside a step, never at import, and closed when the step ends (`releases_warehouse`)."""

    url: str = WAREHOUSE_URL
    # PARINDEX_DUCKDB_MEMORY_LIMIT (None: the machine's default) and PARINDEX_TIMEZONE, passed to the engine.
    duckdb_memory: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    # With a provinces file and a central PostgreSQL warehouse: the central URL and the run's province, whose
    # marts the read-copy step publishes there (`publish_central`). None: nothing central (one province, or
    # provinces on DuckDB).
    central_url: str | None = None
    province: str | None = None
    _engine: Engine | None = PrivateAttr(default=None)
    _schema_ready: bool = PrivateAttr(default=False)

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url, duckdb_memory_limit(self.duckdb_memory), self.timezone)
            if not self._schema_ready:
                ensure_schema(self._engine)
                self._schema_ready = True
        return self._engine

    def publish_central(self) -> dict[str, int] | None:
        """Publishes the province's marts into the central warehouse (the rows per relation); None when
        there is nothing central."""
        if self.central_url is None or self.province is None:
            return None
        central = make_engine(self.central_url, duckdb_memory_limit(self.duckdb_memory), self.timezone)
        try:
            return publish_province(self.engine(), central, self.province)
        finally:
            central.dispose()

    def release(self) -> None:
        """Closes the connections, so that the DuckDB file is free for whichever step gets the pool next."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def teardown_after_execution(self, context) -> None:
        self.release()


def releases_warehouse(compute):
    """Decorates the body of a step that takes the `warehouse` resource: the step's connections are closed
    when its body ends. The resource lives as long as the run (the in-process executor sets resources up
    once per run) but the `warehouse` pool orders steps: a run keeping the DuckDB file open between its
    steps made the step of another run that got the pool fail on the file lock (issue 10)."""
    if inspect.isgeneratorfunction(compute):

        @functools.wraps(compute)
        def step_events(*args, **kwargs):
            try:
                yield from compute(*args, **kwargs)
            finally:
                kwargs["warehouse"].release()

        return step_events

    @functools.wraps(compute)
    def step(*args, **kwargs):
        try:
            return compute(*args, **kwargs)
        finally:
            kwargs["warehouse"].release()

    return step


# The Dagster pool of every step that opens the warehouse; its limit is set per instance (README, "Pool.").
WAREHOUSE_POOL = "warehouse"


def warehouse_asset(**spec):
    """`@asset(**spec)` for a step that writes the warehouse: owned by the data team, ordered with the other
    writers by the `warehouse` pool (a DuckDB file has one writer) and releasing its connections when its
    body ends (`releases_warehouse`)."""

    def decorate(compute):
        return asset(owners=["team:data"], pool=WAREHOUSE_POOL, **spec)(releases_warehouse(compute))

    return decorate


class HttpSource(ConfigurableResource):
    """What every HTTP source shares: the retry policy and timeouts of sources.md §1.7, configurable so
    that tests run with short delays."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    max_attempts: int = 5
    backoff_initial_s: float = 1.0
    backoff_cap_s: float = 30.0
    # sources.md §1.7 bounds Retry-After to 1–30 s; tests cap it lower.
    max_retry_after_s: float = 30.0
    # One attempt from connecting to the body's last byte, and the largest body read (etl/http.py says
    # how the defaults follow from the contract's page sizes).
    deadline_s: float = DEFAULT_DEADLINE_S
    max_body_mb: float = DEFAULT_MAX_BODY_BYTES / 2**20

    def retry_policy(self) -> HttpRetryPolicy:
        return HttpRetryPolicy(
            max_attempts=self.max_attempts,
            base_delay=self.backoff_initial_s,
            max_delay=self.backoff_cap_s,
            connect_timeout=self.connect_timeout_s,
            read_timeout=self.read_timeout_s,
            max_retry_after=self.max_retry_after_s,
            deadline=self.deadline_s,
            max_body_bytes=int(self.max_body_mb * 2**20),
        )


class DvcSource(HttpSource):
    """The one-stop / public-service system. Unconfigured (no URL): its assets skip with a warning."""

    base_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    lag_s: float = 0.0

    @property
    def configured(self) -> bool:
        return bool(self.base_url)

    def client(self, timezone: str) -> closing[DvcClient]:
        """A client for one step, closed when the step is done with it (`with dvc.client(tz) as client`)."""
        return closing(
            DvcClient(
                DvcSettings(self.base_url, self.client_id or "", self.client_secret or "", timezone),
                self.retry_policy(),
            )
        )


class HrSource(ConfigurableResource):
    """The folder of HR Excel exports. Unconfigured (no folder): its assets skip with a warning."""

    folder: str | None = None
    # metrics.md §4: the December export of this year is the staffing baseline (a parameter, default 2025).
    baseline_year: int = HR_BASELINE_YEAR
    # Workbooks parsed in this many spawned processes (openpyxl's parsing is most of the cost); 1 reads in
    # the run's own process, which needs no `if __name__ == "__main__"` guard from whatever launched it.
    reader_processes: int = 1

    @property
    def configured(self) -> bool:
        return bool(self.folder)


class QlvbSource(HttpSource):
    """The e-office system (documents API) and the folder of edXML packages; either may be unconfigured (no
    URL, no folder), and then its assets skip with a warning."""

    base_url: str | None = None
    api_key: str | None = None
    edxml_dir: str | None = None
    page_limit: int = 500

    @property
    def api_configured(self) -> bool:
        return bool(self.base_url)

    @property
    def folder_configured(self) -> bool:
        return bool(self.edxml_dir)

    def client(self, timezone: str) -> closing[QlvbClient]:
        """A client of the documents API for one step, closed when the step is done with it."""
        settings = QlvbSettings(self.base_url, self.api_key or "", timezone)
        return closing(QlvbClient(settings, self.retry_policy()))


class EcabinetSource(HttpSource):
    """The paperless-meeting system. Unconfigured (no URL): its assets skip with a warning. `owner` is
    `PARINDEX_ECABINET_OWNER`; unset, the deployment file's `ecabinet_owner` applies."""

    base_url: str | None = None
    user: str | None = None
    password: str | None = None
    owner: str | None = None
    lag_s: float = 0.0
    detail_workers: int = 4

    @property
    def configured(self) -> bool:
        return bool(self.base_url)

    def client(self, timezone: str, owner: str) -> closing[EcabinetClient]:
        """A client for one step reading `owner`'s data, closed when the step is done with it."""
        settings = EcabinetSettings(
            self.base_url or "", self.user or "", self.password or "", owner, timezone
        )
        return closing(EcabinetClient(settings, self.retry_policy()))


class MissingConfiguration(Exception):
    """A required setting is absent; the message names the variable."""


class PipelineSettings(ConfigurableResource):
    pseudonym_key: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    extract_start: str | None = None
    export_dir: str = EXPORT_DIR
    agency_table: str | None = None
    full_refresh: bool = False
    export_agencies: list[str] | None = None
    # The group that may read the DuckDB read copy (mode 0640); None: the group the file is created with.
    analyst_group: str | None = None

    def require_pseudonym_key(self) -> bytes:
        if not self.pseudonym_key:
            raise MissingConfiguration(
                "PARINDEX_PSEUDONYM_KEY is not set: personal identifiers cannot be pseudonymised"
            )
        return self.pseudonym_key.encode("utf-8")

    def first_extract_start(self, year: int, source: str | None = None) -> date:
        """sources.md §1.8: the first incremental extraction starts at `PARINDEX_EXTRACT_START`, by default
        1 December of the year before the assessment year; for QLVB 1 July of the year before, so that plans
        issued in the autumn are seen (interface.md §1, metrics.md §7.5)."""
        if self.extract_start:
            return date.fromisoformat(self.extract_start)
        return extract_start(year, source)


def _setting(name: str, secret: bool = False, province: ProvinceSettings | None = None):
    """The value for a resource field: `EnvVar` for secrets (resolved at run time), the plain value for
    ordinary settings, None when unset. A province's entry wins over the environment: its own values, and
    for its secrets the variables it names."""
    if province is not None:
        if secret and name in province.secrets:
            return EnvVar(province.secrets[name])
        if name in province.values:
            return province.values[name]
    if name not in os.environ:
        return None
    return EnvVar(name) if secret else os.environ[name]


def _year_env(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    if value and not value.isdigit():
        raise MissingConfiguration(f"{name} must be a year, e.g. 2025")
    return int(value) if value else None


def _count_env(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    if value and not (value.isdigit() and int(value) > 0):
        raise MissingConfiguration(f"{name} must be a whole number of at least 1, e.g. 2")
    return int(value) if value else None


def _positive_env(name: str, example: str) -> float | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not 0 < number < math.inf:  # NaN fails the comparison too
        raise MissingConfiguration(f"{name} must be a positive number, e.g. {example}")
    return number


def _http_limits() -> dict[str, float]:
    """The transport bounds every HTTP source shares."""
    return _set(
        deadline_s=_positive_env("PARINDEX_HTTP_DEADLINE_S", "120"),
        max_body_mb=_positive_env("PARINDEX_HTTP_MAX_BODY_MB", "64"),
    )


def _group_env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    if value:
        try:
            grp.getgrnam(value)
        except KeyError:
            raise MissingConfiguration(f"{name}: there is no group {value!r} on this machine") from None
    return value or None


def _set(**fields):
    return {k: v for k, v in fields.items() if v is not None}


def build_resources(
    full_refresh: bool = False,
    export_agencies: list[str] | None = None,
    province: ProvinceSettings | None = None,
) -> dict[str, ConfigurableResource]:
    """The resources of the environment's `PARINDEX_*` variables (with `province`, of that province's
    entry), with the options of one `parindex run`. The options are given here, at construction: Dagster
    builds a resource from the fields it was constructed with, so a copy changed afterwards
    (`model_copy(update=...)`) reaches no asset."""
    http_limits = _http_limits()
    _env = functools.partial(_setting, province=province)
    return {
        "warehouse": WarehouseResource(
            **_set(
                url=_env("PARINDEX_WAREHOUSE_URL", secret=True),
                duckdb_memory=_env("PARINDEX_DUCKDB_MEMORY_LIMIT"),
                timezone=_env("PARINDEX_TIMEZONE"),
                central_url=province and province.central_url,
                province=province and province.code,
            )
        ),
        "dvc": DvcSource(
            **_set(
                base_url=_env("PARINDEX_DVC_URL"),
                client_id=_env("PARINDEX_DVC_CLIENT_ID", secret=True),
                client_secret=_env("PARINDEX_DVC_CLIENT_SECRET", secret=True),
            ),
            **http_limits,
        ),
        "qlvb": QlvbSource(
            **_set(
                base_url=_env("PARINDEX_QLVB_URL"),
                api_key=_env("PARINDEX_QLVB_API_KEY", secret=True),
                edxml_dir=_env("PARINDEX_EDXML_DIR"),
            ),
            **http_limits,
        ),
        "ecabinet": EcabinetSource(
            **_set(
                base_url=_env("PARINDEX_ECABINET_URL"),
                user=_env("PARINDEX_ECABINET_USER", secret=True),
                password=_env("PARINDEX_ECABINET_PASSWORD", secret=True),
                owner=_env("PARINDEX_ECABINET_OWNER"),
            ),
            **http_limits,
        ),
        "hr": HrSource(
            **_set(
                folder=_env("PARINDEX_HR_DIR"),
                baseline_year=_year_env("PARINDEX_HR_BASELINE_YEAR"),
                reader_processes=_count_env("PARINDEX_HR_READER_PROCESSES"),
            )
        ),
        "settings": PipelineSettings(
            **_set(
                pseudonym_key=_env("PARINDEX_PSEUDONYM_KEY", secret=True),
                timezone=_env("PARINDEX_TIMEZONE"),
                extract_start=_env("PARINDEX_EXTRACT_START"),
                export_dir=_env("PARINDEX_EXPORT_DIR"),
                agency_table=_env("PARINDEX_AGENCY_TABLE"),
                analyst_group=_group_env("PARINDEX_ANALYST_GROUP"),
                full_refresh=full_refresh,
                export_agencies=export_agencies,
            )
        ),
    }


def run_province(tags: dict[str, str]) -> str | None:
    """The province of a run: its `parindex/province` tag, else its partition's province (a backfill)."""
    return tags.get(PROVINCE_TAG) or tags.get(f"dagster/partition/{PROVINCE_DIMENSION}")


def province_resources(deployment: ProvincesFile) -> dict[str, ResourceDefinition]:
    """The resources of a provinces deployment: each key resolves, when a step starts, to the resource of
    the run's province, so that a run reads that province's sources and writes its warehouse only. A
    province's secret variables are checked then too, not at load: one province's missing variable stops
    that province's runs, not the code location."""
    keys = list(build_resources())

    def per_run(key: str) -> ResourceDefinition:
        def initialise(context: InitResourceContext):
            code = run_province(dict(context.run.tags)) if context.run else None
            if code not in deployment.codes:
                raise Failure(
                    f"this run names no province of PARINDEX_PROVINCES_FILE ({code!r}); launch it for a "
                    f"partition (province × year) or with the tag {PROVINCE_TAG}"
                )
            environ = own_environment()
            province = province_settings(deployment, code, environ)
            variables = province.environment(environ)
            if key == "warehouse":
                ensure_database(province.values["PARINDEX_WAREHOUSE_URL"])
            resource = build_resources(province=province)[key]
            # The settings read below the resources (catalogues, manual inputs, place name) are the
            # province's too while its step runs, as in `parindex run --province`: a step runs in a process
            # of its run (or of a worker) that runs one step at a time.
            with applied_environment(variables), resource.process_config_and_initialize_cm() as value:
                yield value

        return ResourceDefinition(
            resource_fn=initialise, description=f"`{key}` of the run's province (PARINDEX_PROVINCES_FILE)"
        )

    return {key: per_run(key) for key in keys}
