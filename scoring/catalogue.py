"""Criteria catalogues: YAML files, validated on load (issue 4).

A catalogue is the tree lĩnh vực → tiêu chí → tiêu chí thành phần. A node with `children` is a parent (its
`max_points`, when given, must equal the sum of its children's); a node with a `rule` is a scored leaf.
Every error names the file, the node code and what is wrong. Replacing a catalogue is a data change only.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from scoring import metric_parameters, requirements, rules
from scoring.catalogue_fields import CatalogueFields, LeafFields, ParentFields, number
from scoring.metrics import KNOWN_METRICS, is_document_requirement_metric

CATALOGUE_DIR = Path(__file__).with_name("catalogues")
CATALOGUE_VARIABLE = "PARINDEX_CATALOGUE"
MAX_CATALOGUE_BYTES = 1_000_000
# Deeper than any catalogue (catalogue → areas → node → children → … → bands → band) and shallow enough for
# PyYAML's recursive composer.
MAX_YAML_DEPTH = 32

LEVELS = ("linh_vuc", "tieu_chi", "tieu_chi_thanh_phan")
EVIDENCE_KINDS = ("drilldown", "document")
_PERIOD_DAY = re.compile(r"^Y(?:-(\d))?-(\d\d)-(\d\d)$")
_RULE_PARAMETERS = {
    rules.BINARY: {"zero_is_pass"},
    rules.STEP: {"bands"},
    rules.LINEAR_CAPPED: {"target", "pro_rata"},
    rules.ALL_OR_NOTHING: set(),
    rules.PROPORTIONAL: set(),
    rules.DEADLINE: {"bands", "days"},
    rules.MANUAL: set(),
    rules.EXTERNAL: set(),
}
_REQUIRED_PARAMETERS = {rules.STEP: {"bands"}, rules.DEADLINE: {"bands"}}
_DAYS = (rules.CALENDAR_DAYS, rules.WORKING_DAYS)
_PRO_RATA_KEYS = {"total", "from", "to"}
# Fields that bind a leaf to a metric or shape how it is computed: a manual or external leaf takes none.
_COMPUTATION_FIELDS = ("metric", "when_no_cases", "full_requires_cases_of", "evidence", "period", "fallback")
FALLBACKS = (rules.MANUAL,)


class CatalogueError(ValueError):
    """A catalogue file is invalid; the message names the file, the node and what is wrong."""


@dataclass(frozen=True)
class PeriodSpec:
    """A leaf's own window, as days relative to the assessment year Y ("Y-1-12-15" is 15/12 of Y-1)."""

    start: tuple[int, int, int]  # (years before Y, month, day)
    end: tuple[int, int, int]

    def dates(self, year: int) -> tuple[date, date]:
        (back_s, month_s, day_s), (back_e, month_e, day_e) = self.start, self.end
        return date(year - back_s, month_s, day_s), date(year - back_e, month_e, day_e)


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    level: str
    parent_code: str | None
    max_points: Decimal
    children: tuple[Node, ...] = ()
    rule: rules.Rule | None = None
    metric: str | None = None
    when_no_cases: str = rules.MISSING
    full_requires_cases_of: str | None = None
    period: PeriodSpec | None = None
    evidence: str | None = None
    placeholder: bool = False
    not_applicable_for: frozenset[str] = frozenset()
    fallback: str | None = None  # `manual`: a manual-input row scores the leaf when it would be missing

    @property
    def is_leaf(self) -> bool:
        return self.rule is not None

    @property
    def is_manual(self) -> bool:
        return self.rule is not None and self.rule.name == rules.MANUAL

    @property
    def is_external(self) -> bool:
        return self.rule is not None and self.rule.name == rules.EXTERNAL

    @property
    def takes_manual_input(self) -> bool:
        """A manual leaf, or a computed one with `fallback: manual` (metrics.md §9.6)."""
        return self.is_manual or self.fallback == rules.MANUAL

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Catalogue:
    id: str
    name: str
    path: Path
    unit_types: frozenset[str]
    areas: tuple[Node, ...]
    is_template: bool = False
    legal_basis: str = ""
    requires_data_from: frozenset[str] = frozenset()
    requirements: tuple[requirements.Requirement, ...] = ()  # document_requirements (metrics.md §7.1)
    inspection: requirements.InspectionParameters | None = None  # metric_parameters of §7.7, if given
    # The other metric_parameters (metrics.md §8, §9.7) as declared; the defaults fill the rest
    metric_parameters: metric_parameters.MetricParameters = dataclasses.field(default_factory=dict)

    def nodes(self) -> Iterator[Node]:
        """Every node, depth first, in catalogue order."""
        for area in self.areas:
            yield from area.walk()

    def leaves(self) -> Iterator[Node]:
        return (node for node in self.nodes() if node.is_leaf)

    def node(self, code: str) -> Node | None:
        return next((n for n in self.nodes() if n.code == code), None)

    def applies_to(self, unit_type: str | None) -> bool:
        return unit_type in self.unit_types

    @property
    def max_points(self) -> Decimal:
        return sum((area.max_points for area in self.areas), Decimal(0))


class _Refused(Exception):
    """A YAML construct a catalogue may not use, at a line of the file."""

    def __init__(self, line: int, what: str):
        super().__init__(what)
        self.line = line
        self.what = what


class _CatalogueLoader(yaml.SafeLoader):
    """Safe YAML without aliases and without deep nesting. An alias (`*name`, or a `<<: *name` merge)
    repeats a node by reference, so that a file of a few hundred bytes can stand for a tree of billions of
    nodes (the YAML "billion laughs") that validation and error messages would walk; a catalogue writes every
    node out. Deep nesting would exhaust the composer's recursion."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            what = f"YAML alias *{event.anchor} is not allowed in a catalogue: write the node out"
            raise _Refused(line, what)
        if self._depth >= MAX_YAML_DEPTH:
            raise _Refused(line, f"nested deeper than {MAX_YAML_DEPTH} levels")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _parse_yaml(path: Path, text: str) -> object:
    loader = _CatalogueLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as refused:
        raise CatalogueError(f"{path}: line {refused.line}: {refused.what}") from None
    finally:
        loader.dispose()


class _Reader:
    """Builds the tree of one file, raising `CatalogueError`s that name the file and the node."""

    def __init__(self, path: Path):
        self.path = path
        # Metric codes of the file's document requirements (metrics.md §7.4), known once they are read.
        self.declared_metrics: frozenset[str] = frozenset()

    def fail(self, where: str, what: str) -> CatalogueError:
        return CatalogueError(f"{self.path}: {where}: {what}")

    def decimal(self, where: str, field: str, value: object) -> Decimal:
        try:
            return number(value, field)
        except ValueError as error:
            raise self.fail(where, str(error)) from None

    def fields(self, model, raw: object, where: str):
        """`raw` read by one of the models of scoring.catalogue_fields."""
        try:
            return model.read(raw)
        except ValueError as error:
            raise self.fail(where, str(error)) from None

    def node(self, raw: object, depth: int, parent_code: str | None, index: int) -> Node:
        where = f"node {index + 1} under {parent_code}" if parent_code else f"area {index + 1}"
        if not isinstance(raw, Mapping):
            raise self.fail(where, "a node must be a mapping")
        code = str(raw.get("code", "")).strip()
        if not code:
            raise self.fail(where, "node without a code")
        where = f"node {code}"
        expected_prefix = f"{parent_code}." if parent_code else ""
        tail = code.removeprefix(expected_prefix)
        if not code.startswith(expected_prefix) or not tail.isdigit():
            expected = f"{parent_code}.N" if parent_code else "a number"
            raise self.fail(where, f"code must be {expected} (its parent is {parent_code or 'the root'})")
        if depth >= len(LEVELS):
            raise self.fail(where, f"too deep: the levels are {', '.join(LEVELS)}")
        has_children, has_rule = "children" in raw, "rule" in raw
        if has_children == has_rule:
            raise self.fail(
                where, "a node has either children (a parent) or a rule (a leaf), not both or none"
            )
        fields = self.fields(ParentFields if has_children else LeafFields, raw, where)
        common = dict(
            code=code,
            name=fields.name,
            level=LEVELS[depth],
            parent_code=parent_code,
            placeholder=fields.placeholder,
        )
        if has_children:
            return self.parent(fields, depth, where, common)
        return self.leaf(raw, fields, where, common)

    def parent(self, fields: ParentFields, depth: int, where: str, common: dict) -> Node:
        children = tuple(
            self.node(child, depth + 1, common["code"], i) for i, child in enumerate(fields.children)
        )
        self.unique(children, where)
        total = sum((child.max_points for child in children), Decimal(0))
        if fields.max_points is not None:
            declared = fields.max_points
            if declared != total:
                sums = " + ".join(f"{c.code}: {c.max_points}" for c in children)
                raise self.fail(
                    where, f"max_points {declared} but its children's maxima add up to {total} ({sums})"
                )
        return Node(max_points=total, children=children, **common)

    def unique(self, nodes: tuple[Node, ...], where: str) -> None:
        seen: set[str] = set()
        for node in nodes:
            if node.code in seen:
                raise self.fail(f"node {node.code}", f"code used twice under {where}")
            seen.add(node.code)

    def leaf(self, raw: Mapping, fields: LeafFields, where: str, common: dict) -> Node:
        maximum = fields.max_points
        if maximum <= 0:
            raise self.fail(where, f"max_points must be positive, not {maximum}")
        rule_name = raw["rule"]
        if rule_name not in rules.RULES:
            raise self.fail(where, f"unknown rule {rule_name!r} (known: {', '.join(rules.RULES)})")
        if rule_name == rules.EXTERNAL and "parameters" in raw:
            raise self.fail(where, "an external leaf takes no parameters")
        rule = self.rule(rule_name, raw.get("parameters") or {}, maximum, where)
        metric = raw.get("metric")
        evidence = raw.get("evidence")
        if rule_name in (rules.MANUAL, rules.EXTERNAL):
            for field in _COMPUTATION_FIELDS:
                if field in raw:
                    kind = "a manual" if rule_name == rules.MANUAL else "an external"
                    raise self.fail(where, f"{kind} leaf takes no {field}")
        else:
            self.metric_code(where, "metric", metric)
            if rule_name == rules.DEADLINE and not (
                is_document_requirement_metric(metric) and metric.endswith("_on_time")
            ):
                raise self.fail(
                    where, f"rule deadline reads the items of a qlvb.<id>_on_time metric, not {metric}"
                )
            evidence = evidence or "drilldown"
            if evidence not in EVIDENCE_KINDS:
                raise self.fail(where, f"unknown evidence {evidence!r} (known: {', '.join(EVIDENCE_KINDS)})")
        when_no_cases = raw.get("when_no_cases", rules.MISSING)
        if when_no_cases not in rules.NO_CASES_SETTINGS:
            raise self.fail(
                where,
                f"when_no_cases must be one of {', '.join(rules.NO_CASES_SETTINGS)}, not {when_no_cases!r}",
            )
        if "when_no_cases" in raw and is_document_requirement_metric(metric):
            raise self.fail(where, f"{metric} takes no when_no_cases: its empty cases follow metrics.md §7.4")
        full_requires = raw.get("full_requires_cases_of")
        if full_requires is not None:
            if when_no_cases != rules.FULL:
                raise self.fail(where, "full_requires_cases_of goes with when_no_cases: full only")
            self.metric_code(where, "full_requires_cases_of", full_requires)
        fallback = raw.get("fallback")
        if fallback is not None and fallback not in FALLBACKS:
            raise self.fail(where, f"fallback must be one of {', '.join(FALLBACKS)}, not {fallback!r}")
        return Node(
            max_points=maximum,
            rule=rule,
            metric=metric,
            when_no_cases=when_no_cases,
            full_requires_cases_of=full_requires,
            period=self.period(raw.get("period"), where),
            evidence=evidence,
            not_applicable_for=frozenset(fields.not_applicable_for),
            fallback=fallback,
            **common,
        )

    def metric_code(self, where: str, field: str, value: object) -> None:
        if value not in KNOWN_METRICS and value not in self.declared_metrics:
            raise self.fail(where, f"unknown metric {value!r} in {field} (see contracts/metrics.md)")

    def rule(self, name: str, parameters: object, maximum: Decimal, where: str) -> rules.Rule:
        if not isinstance(parameters, Mapping):
            raise self.fail(where, "parameters must be a mapping")
        unknown = sorted(set(parameters) - _RULE_PARAMETERS[name])
        if unknown:
            raise self.fail(where, f"rule {name} takes no parameter(s) {', '.join(unknown)}")
        missing = sorted(_REQUIRED_PARAMETERS.get(name, set()) - set(parameters))
        if missing:
            raise self.fail(where, f"rule {name} needs the parameter(s) {', '.join(missing)}")
        if name == rules.LINEAR_CAPPED and not {"target", "pro_rata"} & set(parameters):
            raise self.fail(where, "rule linear_capped needs the parameter(s) target or pro_rata")
        if name == rules.LINEAR_CAPPED and {"target", "pro_rata"} <= set(parameters):
            raise self.fail(
                where, "rule linear_capped takes target or pro_rata, not both: pro_rata excludes target"
            )
        if name == rules.BINARY:
            zero_is_pass = parameters.get("zero_is_pass", False)
            if not isinstance(zero_is_pass, bool):
                raise self.fail(where, "zero_is_pass must be true or false")
            return rules.Rule(name, zero_is_pass=zero_is_pass)
        if name == rules.STEP:
            return rules.Rule(name, bands=self.bands(parameters["bands"], maximum, where))
        if name == rules.DEADLINE:
            days = parameters.get("days", rules.CALENDAR_DAYS)
            if days not in _DAYS:
                raise self.fail(where, f"days must be one of {', '.join(_DAYS)}, not {days!r}")
            if days == rules.WORKING_DAYS:
                # Refused at load rather than failing the scoring of every agency later.
                raise self.fail(
                    where, "days: working needs the working-day calendar in scoring, not wired yet"
                )
            return rules.Rule(name, deadline_bands=self.deadline_bands(parameters["bands"], where), days=days)
        if name == rules.LINEAR_CAPPED and "pro_rata" in parameters:
            return rules.Rule(name, pro_rata=self.pro_rata(parameters["pro_rata"], where))
        if name == rules.LINEAR_CAPPED:
            target = self.decimal(where, "target", parameters["target"])
            if target <= 0:
                raise self.fail(where, f"target must be positive, not {target}")
            return rules.Rule(name, target=target)
        return rules.Rule(name)

    def pro_rata(self, raw: object, where: str) -> rules.ProRata:
        """`{total: R, from: B, to: E}` (metrics.md §9.3): 0 < R, B < E, both years."""
        if not isinstance(raw, Mapping) or set(raw) != _PRO_RATA_KEYS:
            raise self.fail(where, "pro_rata must be {total: 0.05, from: 2025, to: 2031}")
        total = self.decimal(where, "pro_rata total", raw["total"])
        if total <= 0:
            raise self.fail(where, f"pro_rata total must be positive, not {total}")
        years = []
        for field in ("from", "to"):
            year = raw[field]
            if isinstance(year, bool) or not isinstance(year, int):
                raise self.fail(where, f"pro_rata {field} must be a year, not {year!r}")
            years.append(year)
        if not years[0] < years[1]:
            raise self.fail(where, f"pro_rata from {years[0]} must be before to {years[1]}")
        return rules.ProRata(total, years[0], years[1])

    def bands(self, raw: object, maximum: Decimal, where: str) -> tuple[tuple[Decimal, Decimal], ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(where, "bands must be a non-empty list of [threshold, points]")
        bands = []
        for i, band in enumerate(raw, start=1):
            if not isinstance(band, list) or len(band) != 2:
                raise self.fail(where, f"band {i} must be [threshold, points]")
            threshold = self.decimal(where, f"band {i} threshold", band[0])
            points = self.decimal(where, f"band {i} points", band[1])
            if not Decimal(0) <= points <= maximum:
                raise self.fail(where, f"band {i} gives {points} points, outside 0..max_points {maximum}")
            if bands and not threshold < bands[-1][0]:
                raise self.fail(
                    where,
                    f"bands out of order: threshold {threshold} of band {i} is not below {bands[-1][0]}",
                )
            if bands and points > bands[-1][1]:
                raise self.fail(
                    where, f"bands out of order: band {i} gives more points than a higher threshold"
                )
            bands.append((threshold, points))
        return tuple(bands)

    def deadline_bands(self, raw: object, where: str) -> tuple[tuple[int, Decimal], ...]:
        """`[[d1, f1], [d2, f2], …]` with d1 = 0 < d2 < … and 1 ≥ f1 ≥ f2 ≥ … > 0 (metrics.md §9.2)."""
        if not isinstance(raw, list) or not raw:
            raise self.fail(where, "bands must be a non-empty list of [days late, share of the points]")
        bands: list[tuple[int, Decimal]] = []
        for i, band in enumerate(raw, start=1):
            if not isinstance(band, list) or len(band) != 2:
                raise self.fail(where, f"band {i} must be [days late, share of the points]")
            days, share = band[0], self.decimal(where, f"band {i} share", band[1])
            if isinstance(days, bool) or not isinstance(days, int):
                raise self.fail(where, f"band {i} days must be a whole number, not {days!r}")
            if i == 1 and days != 0:
                raise self.fail(where, f"band 1 must start at 0 days late, not {days}")
            if bands and not days > bands[-1][0]:
                raise self.fail(
                    where, f"bands out of order: {days} days of band {i} not after {bands[-1][0]}"
                )
            if not Decimal(0) < share <= (bands[-1][1] if bands else Decimal(1)):
                raise self.fail(
                    where, f"bands out of order: share {share} of band {i} must be > 0 and ≤ the band before"
                )
            bands.append((days, share))
        return tuple(bands)

    def period(self, raw: object, where: str) -> PeriodSpec | None:
        if raw is None:
            return None
        if not isinstance(raw, Mapping) or set(raw) != {"start", "end"}:
            raise self.fail(where, 'period must be {start: "Y-1-12-15", end: "Y-12-14"}')
        days = []
        for field in ("start", "end"):
            match = _PERIOD_DAY.match(str(raw[field]))
            if not match:
                raise self.fail(
                    where, f"period {field} must look like Y-MM-DD or Y-1-MM-DD, not {raw[field]!r}"
                )
            back, month, day = int(match.group(1) or 0), int(match.group(2)), int(match.group(3))
            try:
                date(2000 - back, month, day)
            except ValueError:
                raise self.fail(where, f"period {field} {raw[field]!r} is not a date") from None
            days.append((back, month, day))
        spec = PeriodSpec(days[0], days[1])
        start, end = spec.dates(2001)
        if start > end:
            raise self.fail(where, "period starts after it ends")
        return spec

    def external_whole(self, area: Node) -> None:
        """An area is wholly external or has no external leaf (metrics.md §9.5)."""
        leaves = [node for node in area.walk() if node.is_leaf]
        external = [leaf.code for leaf in leaves if leaf.is_external]
        if external and len(external) != len(leaves):
            others = [leaf.code for leaf in leaves if not leaf.is_external]
            raise self.fail(
                f"node {area.code}",
                f"an area is wholly external or has no external leaf: {', '.join(external)} external, "
                f"{', '.join(others)} not",
            )

    def catalogue(self, raw: object) -> Catalogue:
        fields = self.fields(CatalogueFields, raw, "catalogue")
        try:
            declared = requirements.parse_requirements(self.path, fields.document_requirements)
        except requirements.RequirementError as error:
            raise CatalogueError(str(error)) from None
        parameters = fields.metric_parameters or {}
        if not isinstance(parameters, Mapping):
            raise self.fail("metric_parameters", "must be a mapping of metric codes to parameters")
        try:
            inspection = requirements.parse_inspection(
                self.path, parameters.get(requirements.INSPECTION_COVERAGE)
            )
        except requirements.RequirementError as error:
            raise CatalogueError(str(error)) from None
        try:
            others = {code: v for code, v in parameters.items() if code != requirements.INSPECTION_COVERAGE}
            declared_parameters = metric_parameters.parse_declared(others)
        except metric_parameters.ParameterError as error:
            raise self.fail("metric_parameters", str(error)) from None
        self.declared_metrics = frozenset(
            code
            for requirement in declared
            for code in (requirement.on_time_metric, requirement.issued_metric)
        )
        areas = tuple(self.node(area, 0, None, i) for i, area in enumerate(fields.areas))
        self.unique(areas, "the root")
        for area in areas:
            self.external_whole(area)
            self.pro_rata_baselines(area, declared_parameters)
        return Catalogue(
            id=fields.id,
            name=fields.name,
            path=self.path,
            unit_types=frozenset(fields.unit_types),
            areas=areas,
            is_template=bool(fields.template),
            legal_basis=str(fields.legal_basis or ""),
            requires_data_from=frozenset(fields.requires_data_from),
            requirements=declared,
            inspection=inspection,
            metric_parameters=declared_parameters,
        )

    def pro_rata_baselines(self, area: Node, parameters: metric_parameters.MetricParameters) -> None:
        """A pro-rata target counts from the end of its bound metric's baseline year (metrics.md §9.3)."""
        for leaf in area.walk():
            pro_rata = leaf.rule.pro_rata if leaf.rule else None
            if pro_rata is None or leaf.metric not in metric_parameters.PARAMETERS:
                continue
            baseline = metric_parameters.effective(leaf.metric, parameters.get(leaf.metric))
            if "baseline_year" in baseline and baseline["baseline_year"] != pro_rata.start:
                raise self.fail(
                    f"node {leaf.code}",
                    f"pro_rata from {pro_rata.start} differs from the baseline year "
                    f"{baseline['baseline_year']} of {leaf.metric} (metric_parameters)",
                )


def load_catalogue(path: Path | str) -> Catalogue:
    path = Path(path)
    if not path.is_file():
        raise CatalogueError(f"{path}: no such catalogue file")
    if path.stat().st_size > MAX_CATALOGUE_BYTES:
        raise CatalogueError(f"{path}: larger than {MAX_CATALOGUE_BYTES} bytes")
    try:
        return _load(path, path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise CatalogueError(f"{path}: not a readable YAML file: {error}") from None


@functools.lru_cache(maxsize=32)
def _load(path: Path, text: str) -> Catalogue:
    """A file's catalogue, parsed once per process for the same text: every step of a run reads the
    catalogues again (each is a fraction of a second of pure-Python YAML), and a Catalogue is immutable."""
    return _Reader(path).catalogue(_parse_yaml(path, text))


def shipped_ids() -> list[str]:
    return sorted(path.stem for path in CATALOGUE_DIR.glob("*.yaml"))


def resolve_catalogue(reference: str) -> Catalogue:
    """A catalogue by the id of a shipped one or by a file path."""
    reference = reference.strip()
    shipped = CATALOGUE_DIR / f"{reference}.yaml"
    if shipped.is_file():
        return load_catalogue(shipped)
    path = Path(reference)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_catalogue(path)
    raise CatalogueError(
        f"{CATALOGUE_VARIABLE}: {reference!r} is neither a catalogue file nor a shipped catalogue "
        f"({', '.join(shipped_ids())})"
    )


def selected_catalogues(setting: str) -> list[Catalogue]:
    """The catalogues of `setting` (`PARINDEX_CATALOGUE` as `assets/` read it): comma-separated paths or
    shipped ids.

    Several catalogues score side by side (for instance the template and qd766@2022); their ids must differ.
    """
    catalogues = [resolve_catalogue(part) for part in setting.split(",") if part.strip()]
    if not catalogues:
        raise CatalogueError(f"{CATALOGUE_VARIABLE} names no catalogue")
    ids = [c.id for c in catalogues]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogueError(f"{CATALOGUE_VARIABLE}: catalogue id(s) {', '.join(duplicates)} given twice")
    run_requirements(catalogues)
    run_inspection_parameters(catalogues)
    run_metric_parameters(catalogues)
    return catalogues


def run_metric_parameters(catalogues: list[Catalogue]) -> metric_parameters.MetricParameters:
    """The metric parameters of a run (but §7.7's, `run_inspection_parameters`): those every catalogue
    declares, which must agree (metrics.md §7.1)."""
    try:
        return metric_parameters.merge([(str(c.path), c.metric_parameters) for c in catalogues])
    except metric_parameters.ParameterError as error:
        raise CatalogueError(str(error)) from None


def run_requirements(catalogues: list[Catalogue]) -> tuple[requirements.Requirement, ...]:
    """The document requirements of a run: global across its catalogues (metrics.md §7.1)."""
    try:
        return requirements.merge_requirements([c.requirements for c in catalogues])
    except requirements.RequirementError as error:
        raise CatalogueError(str(error)) from None


def run_inspection_parameters(catalogues: list[Catalogue]) -> requirements.InspectionParameters | None:
    """`metric_parameters.qlvb.inspection_coverage` of a run: two catalogues giving it differently fail,
    naming both files (metrics.md §7.1); None when none gives it."""
    given = [c for c in catalogues if c.inspection is not None]
    for other in given[1:]:
        if other.inspection != given[0].inspection:
            raise CatalogueError(
                f"{other.path}: metric_parameters {requirements.INSPECTION_COVERAGE}: declared differently "
                f"in {given[0].path} and {other.path}"
            )
    return given[0].inspection if given else None
