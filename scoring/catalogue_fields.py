"""The fields of a catalogue file and of its nodes, as pydantic models: which fields exist, which are
required, and the type of each. What spans several fields or nodes (codes, sums of maxima, a rule's
parameters, bands, periods) stays in scoring.catalogue, which builds the tree.

A new key of the file is a new field here, with a model of its own when it has structure. Errors keep the
catalogue's wording (`FILE: node CODE: what is wrong`): `read` turns pydantic's first error into the
sentence of the field, or into the message of a validator that says more."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from scoring.metrics import SOURCES


def number(value: object, field: str) -> Decimal:
    """A finite decimal from a YAML number or numeric text (never a boolean), as the rules compute."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"{field} must be a number, not {value!r}")
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{field} must be a number, not {value!r}") from None
    if not parsed.is_finite():
        raise ValueError(f"{field} must be a finite number, not {value!r}")
    return parsed


def _field_number(value: object, info: ValidationInfo) -> Decimal:
    return number(value, info.field_name)


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Number = Annotated[Decimal, BeforeValidator(_field_number)]


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    # What an error of a field says when pydantic's own words would be about types: missing, wrong type.
    messages: ClassVar[dict[str, str]] = {}

    @classmethod
    def read(cls, raw: object) -> Self:
        """The fields of `raw`, or a `ValueError` with the one sentence that says what is wrong first."""
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            raise ValueError(cls._first_problem(error)) from None

    @classmethod
    def _first_problem(cls, error: ValidationError) -> str:
        problems = error.errors()
        unknown = sorted(str(p["loc"][0]) for p in problems if p["type"] == "extra_forbidden")
        if unknown:
            return f"unknown field(s) {', '.join(unknown)}"
        order = list(cls.model_fields)
        first = min(problems, key=lambda p: order.index(p["loc"][0]) if p["loc"] else -1)
        if first["type"] == "value_error":
            return str(first["ctx"]["error"])
        return cls.messages[first["loc"][0]] if first["loc"] else cls.messages[""]


class CatalogueFields(_Fields):
    """The top of a catalogue file."""

    messages: ClassVar[dict[str, str]] = {
        "": "the file must hold a mapping",
        "id": "id must be non-empty text",
        "unit_types": "unit_types must be a non-empty list of LoaiDonVi values",
        "requires_data_from": f"requires_data_from must list sources among {', '.join(SOURCES)}",
        "areas": "areas must be a non-empty list",
        "name": "name must be non-empty text",
    }

    id: Text
    unit_types: list[str] = Field(min_length=1)
    requires_data_from: list[str] = []
    areas: list[Any] = Field(min_length=1)  # nodes: scoring.catalogue reads them with the models below
    name: Text
    template: Any = False
    legal_basis: Any = None
    # Read by scoring.requirements, whose messages name the requirement or the metric.
    document_requirements: Any = None
    metric_parameters: Any = None

    @field_validator("id")
    @classmethod
    def _versioned(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError(f"id must be name@version, not {value!r}")
        return value

    @field_validator("requires_data_from")
    @classmethod
    def _known_sources(cls, value: list[str]) -> list[str]:
        if any(source not in SOURCES for source in value):
            raise ValueError(cls.messages["requires_data_from"])
        return value


_NODE_MESSAGES = {
    "name": "name must be non-empty text",
    "placeholder": "placeholder must be true or false",
}


class ParentFields(_Fields):
    """A node with children (lĩnh vực, tiêu chí); its code is checked against its parent's by the tree."""

    messages: ClassVar[dict[str, str]] = {
        **_NODE_MESSAGES,
        "children": "children must be a non-empty list",
    }

    code: Any
    name: Text
    # When given, the sum of the children's (checked by the tree); given empty, it is no number.
    max_points: Annotated[Decimal | None, BeforeValidator(_field_number)] = None
    placeholder: bool = False
    children: list[Any] = Field(min_length=1)


class LeafFields(_Fields):
    """A scored node. The rule, its parameters and the fields that bind it to a metric depend on one
    another: the tree checks them together."""

    messages: ClassVar[dict[str, str]] = {
        **_NODE_MESSAGES,
        "max_points": "a leaf needs max_points",
        "not_applicable_for": "not_applicable_for must be a list of unit types",
    }

    code: Any
    name: Text
    max_points: Number
    placeholder: bool = False
    rule: Any
    parameters: Any = None
    metric: Any = None
    when_no_cases: Any = None
    full_requires_cases_of: Any = None
    period: Any = None
    evidence: Any = None
    not_applicable_for: list[str] = []
    fallback: Any = None
