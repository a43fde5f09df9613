"""The catalogue key `metric_parameters` (metrics.md §7.1, §8, §9.7): parameters of how a metric is
computed, keyed by metric code and global to a run.

Each parameter has a default (§9.7) and a parser that raises `ParameterError` with what is wrong; the
catalogue loader turns it into `FILE: metric_parameters CODE: what is wrong`. Several loaded catalogues may
declare the same metric only with the same values (`merge`). The warehouse reads the values as flat rows
(`rows`): a run writes them before the metrics are computed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from scoring.year_days import NotADay, NotAYearDay, YearDay, parse_year_day


class ParameterError(ValueError):
    """What is wrong with one parameter (without the file, which the caller names)."""


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ParameterError(f"must be a whole number ≥ 0, not {value!r}")
    return value


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise ParameterError(f"must be a year, not {value!r}")
    return value


def _day(value: object) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(f"must be a date yyyy-mm-dd, not {value!r}") from None


def _year_day(value: object) -> YearDay:
    try:
        return parse_year_day(value)
    except NotAYearDay:
        raise ParameterError(f"must look like Y-MM-DD, Y-1-MM-DD or Y+1-MM-DD, not {value!r}") from None
    except NotADay:
        raise ParameterError(f"{value!r} is not a day of the year") from None


def _mapping(key: Callable[[object], str], item: Callable[[object], Any]):
    def parse(value: object) -> dict:
        if not isinstance(value, Mapping):
            raise ParameterError("must be a mapping")
        parsed = {}
        for raw_key, raw_item in value.items():
            name = key(raw_key)
            if name in parsed:
                raise ParameterError(f"names {name!r} twice")
            try:
                parsed[name] = item(raw_item)
            except ParameterError as error:
                raise ParameterError(f"{raw_key}: {error}") from None
        return parsed

    return parse


def _agency_code(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"agency code must be non-empty text, not {value!r}")
    return value.strip()


def _unit_prefix(value: object) -> str:
    """A prefix of a division's name, cleaned as the names are (an enumeration, sources.md §1.4) and
    case-folded, since names are compared with str.casefold (§8.1)."""
    cleaned = " ".join(unicodedata.normalize("NFC", value).split()) if isinstance(value, str) else ""
    if not cleaned:
        raise ParameterError(f"a name prefix must be non-empty text, not {value!r}")
    return cleaned.casefold()


def _division_bands(value: object) -> tuple[tuple[int, int], ...]:
    """[[n, limit], …] with n descending and the last n 0, so that every division has a limit."""
    if not isinstance(value, list) or not value:
        raise ParameterError("must be a non-empty list of [civil servants at least, deputies at most]")
    bands: list[tuple[int, int]] = []
    for i, band in enumerate(value, start=1):
        if not isinstance(band, list) or len(band) != 2:
            raise ParameterError(f"band {i} must be [civil servants at least, deputies at most]")
        threshold, limit = _count(band[0]), _count(band[1])
        if bands and not threshold < bands[-1][0]:
            raise ParameterError(f"bands out of order: {threshold} of band {i} is not below {bands[-1][0]}")
        bands.append((threshold, limit))
    if bands[-1][0] != 0:
        raise ParameterError("the last band must start at 0 civil servants")
    return tuple(bands)


@dataclass(frozen=True)
class Parameter:
    default: object
    parse: Callable[[object], Any]


# metrics.md §9.7 (defaults of template-so@2026.2); §8.1, §8.2 and §4 say what each one means.
_BASELINE = {"baseline_year": Parameter(2025, _year)}
PARAMETERS: dict[str, dict[str, Parameter]] = {
    "hr.leaders_within_limit": {
        "agency_deputies": Parameter(3, _count),
        "agency_deputies_by_agency": Parameter({}, _mapping(_agency_code, _count)),
        "exempt_until": Parameter({}, _mapping(_agency_code, _day)),
        "division_bands": Parameter([[15, 3], [10, 2], [0, 1]], _division_bands),
        "fixed_limits": Parameter({"trung tâm": 2, "chi cục": 2}, _mapping(_unit_prefix, _count)),
    },
    "hr.rating_on_time_rate": {"rating_deadline": Parameter("Y-12-14", _year_day)},
    "hr.civil_servant_reduction": _BASELINE,
    "hr.public_employee_reduction": _BASELINE,
}

MetricParameters = dict[str, dict[str, Any]]  # metric code → parameter name → parsed value


def parse_declared(raw: object) -> MetricParameters:
    """The `metric_parameters` of one catalogue as declared, parsed; raises `ParameterError` whose message
    starts with the metric code."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ParameterError("metric_parameters must be a mapping of metric code to parameters")
    declared: MetricParameters = {}
    for code, values in raw.items():
        known = PARAMETERS.get(code)
        if known is None:
            raise ParameterError(f"{code}: takes no parameters (known: {', '.join(sorted(PARAMETERS))})")
        if not isinstance(values, Mapping):
            raise ParameterError(f"{code}: parameters must be a mapping")
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(f"{code}: unknown parameter(s) {', '.join(map(str, unknown))}")
        parsed = {}
        for name, value in values.items():
            try:
                parsed[name] = known[name].parse(value)
            except ParameterError as error:
                raise ParameterError(f"{code}: {name} {error}") from None
        declared[code] = parsed
    return declared


def effective(code: str, declared: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every parameter of a metric: the declared values over the defaults."""
    values = {name: p.parse(p.default) for name, p in PARAMETERS[code].items()}
    values.update(declared or {})
    return values


def baseline_year(parameters: MetricParameters, code: str) -> int:
    return effective(code, parameters.get(code))["baseline_year"]


def merge(declarations: list[tuple[str, MetricParameters]]) -> MetricParameters:
    """One set from the catalogues of a run, given as (file, declared); a metric declared by two files with
    different values raises `ParameterError` naming both files."""
    merged: MetricParameters = {}
    origin: dict[str, str] = {}
    for path, declared in declarations:
        for code, values in declared.items():
            if code in merged and effective(code, merged[code]) != effective(code, values):
                raise ParameterError(
                    f"{path}: metric_parameters {code}: declared differently in {origin[code]}"
                )
            merged.setdefault(code, values)
            origin.setdefault(code, path)
    return merged


def _items(value: object, year: int) -> list[tuple[str, str]]:
    """(item_key, value) rows of one parameter: a mapping one row per key; a tuple of pairs (parsed bands)
    one row per pair; a list one row per element keyed by its position, a nested list joined by `|`; a
    single value one row with an empty key."""
    if isinstance(value, Mapping):
        return [(str(key), _text(item, year)) for key, item in value.items()]
    if isinstance(value, tuple):
        return [(_text(key, year), _text(item, year)) for key, item in value]
    if isinstance(value, list):
        return [(str(i), _text(item, year)) for i, item in enumerate(value)]
    return [("", _text(value, year))]


def _text(value: object, year: int) -> str:
    if isinstance(value, list | tuple):
        return "|".join(_text(item, year) for item in value)
    if isinstance(value, YearDay):
        return value.on(year).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def rows(parameters: MetricParameters, year: int) -> list[dict[str, object]]:
    """Every parameter of every metric (defaults included) for year Y as rows `metric_code, name,
    item_key, value`, values as text (dates ISO, `Y-12-14` resolved for Y)."""
    return [
        {"year": year, "metric_code": code, "name": name, "item_key": key, "value": text}
        for code in sorted(PARAMETERS)
        for name, value in effective(code, parameters.get(code)).items()
        for key, text in _items(value, year)
    ]
