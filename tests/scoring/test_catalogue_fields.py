"""The fields of a catalogue and of its nodes, read by pydantic models (issue 11), fail with the sentences of
the hand-written checks they replaced: each expected message below is that code's wording, and the two were
compared on these files and more when the models came in."""

import pytest

from scoring.catalogue import CatalogueError, load_catalogue

HEAD = "id: test@1\nname: Thử\nunit_types: [so-ban-nganh]\n"
LEAF = (
    "{code: '1.1', name: Tiêu chí, max_points: 2, metric: dvc.online_rate, rule: linear_capped, "
    "parameters: {target: 0.5}}"
)


def _areas(*children: str, extra: str = "") -> str:
    nodes = "".join(f"      - {child}\n" for child in children)
    return f"areas:\n  - code: '1'\n    name: Lĩnh vực\n{extra}    children:\n{nodes}"


def _leaf_with(extra: str) -> str:
    return LEAF[:-1] + ", " + extra + "}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "catalogue: the file must hold a mapping"),
        (HEAD + "colour: red\n" + _areas(LEAF), "catalogue: unknown field(s) colour"),
        ("id: 5\nname: x\nunit_types: [a]\n" + _areas(LEAF), "catalogue: id must be non-empty text"),
        (
            "id: test\nname: x\nunit_types: [a]\n" + _areas(LEAF),
            "catalogue: id must be name@version, not 'test'",
        ),
        ("id: t@1\nunit_types: [a]\n" + _areas(LEAF), "catalogue: name must be non-empty text"),
        (
            "id: t@1\nname: x\nunit_types: [1]\n" + _areas(LEAF),
            "catalogue: unit_types must be a non-empty list of LoaiDonVi values",
        ),
        (
            HEAD + "requires_data_from: [abc]\n" + _areas(LEAF),
            "catalogue: requires_data_from must list sources among dvc, qlvb, ecabinet, hr",
        ),
        (HEAD + "areas: x\n", "catalogue: areas must be a non-empty list"),
        (HEAD + _areas(_leaf_with("colour: red, size: 2")), "node 1.1: unknown field(s) colour, size"),
        (HEAD + _areas(LEAF, extra="    metric: dvc.online_rate\n"), "node 1: unknown field(s) metric"),
        (HEAD + _areas(LEAF.replace("name: Tiêu chí", "name: ' '")), "node 1.1: name must be non-empty text"),
        (HEAD + _areas(_leaf_with("placeholder: yes please")), "node 1.1: placeholder must be true or false"),
        (HEAD + _areas(LEAF.replace("max_points: 2, ", "")), "node 1.1: a leaf needs max_points"),
        (
            HEAD + _areas(LEAF.replace("max_points: 2", "max_points: true")),
            "node 1.1: max_points must be a number, not True",
        ),
        (
            HEAD + _areas(LEAF.replace("max_points: 2", "max_points: .inf")),
            "node 1.1: max_points must be a finite number, not inf",
        ),
        (
            HEAD + _areas(LEAF, extra="    max_points: null\n"),
            "node 1: max_points must be a number, not None",
        ),
        (
            HEAD + "areas:\n  - {code: '1', name: L, children: []}\n",
            "node 1: children must be a non-empty list",
        ),
        (
            HEAD + _areas(_leaf_with("not_applicable_for: xa-phuong")),
            "node 1.1: not_applicable_for must be a list of unit types",
        ),
    ],
)
def test_a_wrong_field_is_named_as_before(tmp_path, text, message):
    path = tmp_path / "test@1.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert str(error.value) == f"{path}: {message}"


def test_the_fields_a_catalogue_may_leave_out_take_their_defaults(tmp_path):
    path = tmp_path / "test@1.yaml"
    path.write_text(HEAD + "template: true\n" + _areas(_leaf_with("not_applicable_for: [xa-phuong]")))
    catalogue = load_catalogue(path)
    leaf = catalogue.node("1.1")
    assert (catalogue.is_template, catalogue.legal_basis, catalogue.requires_data_from) == (
        True,
        "",
        frozenset(),
    )
    assert (leaf.placeholder, leaf.not_applicable_for) == (False, frozenset({"xa-phuong"}))
