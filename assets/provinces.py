"""Provinces as data (issue 16): the deployment file of `PARINDEX_PROVINCES_FILE`, validated on load, and the
settings of one province's run derived from its entry.

A province run is today's run with that province's settings: the entry is turned into the `PARINDEX_*`
variables of interface.md §1 (`province_variables`), which the CLI applies to its own process and the Dagster
definitions turn into the province's resources. Secrets stay in the environment: the file names the
variables that hold them, never the values. Without a file there is one province and today's behaviour."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from assets.preflight import UsageError
from parindex_facts.defaults import EXPORT_DIR
from warehouse.consolidated import PROVINCE_CODE

PROVINCES_FILE_VARIABLE = "PARINDEX_PROVINCES_FILE"
# The run tag naming the province of a run (schedules, sensors, `parindex run --province`).
PROVINCE_TAG = "parindex/province"
# Where a province's DuckDB warehouse lives when the central warehouse is not PostgreSQL.
DUCKDB_PROVINCE_URL = "duckdb:///data/provinces/{code}/warehouse.duckdb"

# The secret variables of today's single-province run (interface.md §1) that a province maps to its own.
SECRET_VARIABLES = (
    "PARINDEX_DVC_CLIENT_ID",
    "PARINDEX_DVC_CLIENT_SECRET",
    "PARINDEX_QLVB_API_KEY",
    "PARINDEX_ECABINET_USER",
    "PARINDEX_ECABINET_PASSWORD",
    "PARINDEX_PSEUDONYM_KEY",
)
# The entry's `sources` keys and the variables they set. A source absent from the entry is not extracted,
# whatever the environment says: a province never reads another's systems.
SOURCE_VARIABLES = {
    "dvc_url": "PARINDEX_DVC_URL",
    "qlvb_url": "PARINDEX_QLVB_URL",
    "ecabinet_url": "PARINDEX_ECABINET_URL",
    "hr_dir": "PARINDEX_HR_DIR",
    "edxml_dir": "PARINDEX_EDXML_DIR",
}

ProvinceCode = Annotated[str, StringConstraints(pattern=f"^{PROVINCE_CODE.pattern}$")]
VariableName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class ProvincesFileError(UsageError):
    """The provinces file is missing or invalid; the message names the file, the province and the field."""


class Sources(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dvc_url: str | None = None
    qlvb_url: str | None = None
    ecabinet_url: str | None = None
    hr_dir: str | None = None
    edxml_dir: str | None = None


class Province(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: ProvinceCode
    name: str = Field(min_length=1)
    # Same columns as etl/reference/agencies.csv; None: the built-in table.
    agencies: str | None = None
    # Comma-separated catalogue ids or paths; None: PARINDEX_CATALOGUE's default.
    catalogue: str | None = None
    # The agency that operates E-CABINET (PARINDEX_ECABINET_OWNER); None: the deployment file's, H35.01,
    # which only the built-in province has.
    ecabinet_owner: str | None = None
    sources: Sources = Sources()
    secrets: dict[str, VariableName] = {}

    @field_validator("secrets")
    @classmethod
    def _known_secrets(cls, secrets: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(secrets) - set(SECRET_VARIABLES))
        if unknown:
            raise ValueError(f"unknown secret {', '.join(unknown)}; known: {', '.join(SECRET_VARIABLES)}")
        return secrets


class ProvincesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    warehouse_url_variable: VariableName = "PARINDEX_WAREHOUSE_URL"
    provinces: list[Province] = Field(min_length=1)

    @field_validator("provinces")
    @classmethod
    def _unique_codes(cls, provinces: list[Province]) -> list[Province]:
        codes = [p.code for p in provinces]
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            raise ValueError(f"province code {', '.join(twice)} appears more than once")
        return provinces

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.provinces]

    def province(self, code: str) -> Province:
        for province in self.provinces:
            if province.code == code:
                return province
        raise ProvincesFileError(
            f"--province {code}: no such province in {PROVINCES_FILE_VARIABLE} "
            f"(its provinces: {', '.join(self.codes)})"
        )


def _where(error: dict, raw: object) -> str:
    """`provinces[2] (H35).secrets` for an error's location, naming the province by its code."""
    location = list(error["loc"])
    parts = []
    for index, step in enumerate(location):
        if isinstance(step, int) and index > 0 and location[index - 1] == "provinces":
            code = None
            entries = raw.get("provinces") if isinstance(raw, dict) else None
            if isinstance(entries, list) and step < len(entries) and isinstance(entries[step], dict):
                code = entries[step].get("code")
            parts[-1] += f"[{step}]" + (f" ({code})" if code else "")
        else:
            parts.append(str(step))
    return ".".join(parts)


def load_provinces(path: str | Path) -> ProvincesFile:
    """The validated file at `path`; `ProvincesFileError` names the file, the province and the field."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ProvincesFileError(f"{PROVINCES_FILE_VARIABLE}: cannot read {path}: {error}") from None
    try:
        return ProvincesFile.model_validate(raw)
    except ValidationError as error:
        lines = [f"{_where(e, raw) or 'file'}: {e['msg']}" for e in error.errors()]
        raise ProvincesFileError(f"{PROVINCES_FILE_VARIABLE} {path}: " + "; ".join(lines)) from None


def configured_provinces() -> ProvincesFile | None:
    """The file of `PARINDEX_PROVINCES_FILE`, or None (one province: today's behaviour)."""
    path = os.environ.get(PROVINCES_FILE_VARIABLE, "").strip()
    return load_provinces(path) if path else None


def central_warehouse_url(deployment: ProvincesFile, environ: Mapping[str, str]) -> str | None:
    """The central warehouse: the URL in the variable the file names (`warehouse_url_variable`), or None."""
    return environ.get(deployment.warehouse_url_variable) or None


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and url.startswith("postgresql")


def province_warehouse_url(central_url: str | None, code: str) -> str:
    """A province's own warehouse (a rerun can never touch another province's rows): the database
    `<central db>_<code>` on the central PostgreSQL server, else its own DuckDB file."""
    if is_postgres_url(central_url):
        url = sa.make_url(central_url)
        return url.set(database=f"{url.database}_{code.lower()}").render_as_string(hide_password=False)
    return DUCKDB_PROVINCE_URL.format(code=code)


@dataclass(frozen=True)
class ProvinceSettings:
    """The `PARINDEX_*` settings of one province's run. `values` are the plain settings (None: unset, e.g. a
    source its entry does not name); `secrets` maps each secret variable of today's run to the variable that
    holds the province's value, read only when a run needs it."""

    code: str
    # Not in the repr: the warehouse URL may carry the central server's password.
    values: dict[str, str | None] = field(repr=False)
    secrets: dict[str, str] = field(default_factory=dict)
    # The central PostgreSQL warehouse the province's marts are published into at the end of its run; None
    # when the central warehouse is not PostgreSQL (DuckDB: each province is on its own, nothing central).
    # Captured here, from the environment before the province's variables are applied: the file's
    # `warehouse_url_variable` may be PARINDEX_WAREHOUSE_URL itself, which a province's run sets to its own.
    central_url: str | None = field(default=None, repr=False)

    def require_secrets(self, environ: Mapping[str, str]) -> None:
        """A secret variable the entry names that is not set is an error naming the province and it."""
        for variable, source in self.secrets.items():
            if source not in environ:
                raise ProvincesFileError(
                    f"province {self.code}: the variable {source} is not set (it holds {variable} of "
                    f"{self.code} in {PROVINCES_FILE_VARIABLE})"
                )

    def environment(self, environ: Mapping[str, str]) -> dict[str, str | None]:
        """The variables of a single-province run of this province: its values and its secrets' values."""
        self.require_secrets(environ)
        return {**self.values, **{name: environ[source] for name, source in self.secrets.items()}}


def province_settings(
    deployment: ProvincesFile, code: str, environ: Mapping[str, str] | None = None
) -> ProvinceSettings:
    """Province `code`'s settings, derived from its entry and the central warehouse URL."""
    environ = os.environ if environ is None else environ
    province = deployment.province(code)
    values: dict[str, str | None] = {
        variable: getattr(province.sources, key) for key, variable in SOURCE_VARIABLES.items()
    }
    central_url = central_warehouse_url(deployment, environ)
    values["PARINDEX_WAREHOUSE_URL"] = province_warehouse_url(central_url, code)
    # Each province's files in a folder of its own: the exports of two provinces never overwrite each other.
    values["PARINDEX_EXPORT_DIR"] = str(Path(environ.get("PARINDEX_EXPORT_DIR") or EXPORT_DIR) / code)
    # Absent from the entry: unset, so the built-in default applies (the spec), never a value of the
    # environment meant for a single province.
    values["PARINDEX_AGENCY_TABLE"] = province.agencies
    values["PARINDEX_CATALOGUE"] = province.catalogue
    values["PARINDEX_ECABINET_OWNER"] = province.ecabinet_owner
    return ProvinceSettings(
        code, values, dict(province.secrets), central_url if is_postgres_url(central_url) else None
    )


def chosen_province(deployment: ProvincesFile | None, code: str | None) -> ProvinceSettings | None:
    """The settings of the command's `--province code`; None for today's single province (no file, no
    option). With a file the option is required, without one it is refused: a command never guesses which
    province's warehouse it reads or writes."""
    if code is None and deployment is not None:
        raise ProvincesFileError(
            f"{PROVINCES_FILE_VARIABLE} lists the provinces {', '.join(deployment.codes)}: name the one "
            "with --province CODE"
        )
    if code is None:
        return None
    if deployment is None:
        raise ProvincesFileError(
            f"--province {code}: {PROVINCES_FILE_VARIABLE} is not set (the provinces file)"
        )
    return province_settings(deployment, code)


# The values each `applied_environment` in force replaced, outermost first.
_SAVED: list[dict[str, str | None]] = []


@contextmanager
def applied_environment(variables: Mapping[str, str | None]) -> Iterator[None]:
    """This process's environment with a province's variables (a `parindex run --province` process runs that
    one province: the settings read below `assets/` see them as in a single-province run), unsetting those
    it does not have; restored afterwards."""
    saved = {name: os.environ.get(name) for name in variables}
    _SAVED.append(saved)
    _set_environment(variables)
    try:
        yield
    finally:
        _set_environment(saved)
        _SAVED.remove(saved)


def own_environment() -> dict[str, str]:
    """This process's environment without the province variables applied in it: a step's resources are set
    up one inside the other, each applying its province's, and the next must not take the province's
    PARINDEX_WAREHOUSE_URL for the central warehouse."""
    environ = dict(os.environ)
    for saved in reversed(_SAVED):  # the outermost application's saved values last: the process's own
        for name, value in saved.items():
            if value is None:
                environ.pop(name, None)
            else:
                environ[name] = value
    return environ


def _set_environment(variables: Mapping[str, str | None]) -> None:
    for name, value in variables.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
