"""Loading catalogues: the shipped ones as metrics.md §6 defines them, and errors that name the file, the node
and what is wrong."""

from decimal import Decimal

import pytest

from scoring import rules
from scoring.catalogue import (
    MAX_CATALOGUE_BYTES,
    MAX_YAML_DEPTH,
    CatalogueError,
    load_catalogue,
    resolve_catalogue,
    selected_catalogues,
)
from tests import hostile_files
from tests.e2e.dvc_oracle import DVC_METRICS

# metrics.md §6, the computed leaves of template-so@2026.1: code → (metric, max, rule, parameters, no cases)
TEMPLATE_COMPUTED = {
    "1.1": ("qlvb.plan_on_time", 1, "binary", {}, "missing"),
    "3.3": (
        "dvc.on_time_rate",
        4,
        "step",
        {"bands": ((Decimal("1.00"), 4), (Decimal("0.95"), 3), (Decimal("0.90"), 2), (Decimal("0.80"), 1))},
        "not_applicable",
    ),
    "3.4": ("dvc.apology_rate", 2, "all_or_nothing", {}, "full"),
    "3.5": ("dvc.online_rate", 3, "linear_capped", {"target": Decimal("0.50")}, "not_applicable"),
    "3.6": ("dvc.online_payment_rate", 2, "linear_capped", {"target": Decimal("0.50")}, "not_applicable"),
    "3.7": ("dvc.digitised_rate", 2, "linear_capped", {"target": Decimal("0.80")}, "not_applicable"),
    "3.8": ("dvc.pakn_on_time_rate", 1, "all_or_nothing", {}, "full"),
    "4.3": ("hr.within_quota", 1, "binary", {}, "missing"),
    "5.3": ("hr.training_rate", 2, "linear_capped", {"target": Decimal("0.50")}, "not_applicable"),
    "5.5": ("hr.discipline_cases", 1, "binary", {"zero_is_pass": True}, "missing"),
    "7.1": (
        "qlvb.e_document_rate",
        2,
        "step",
        {"bands": ((Decimal(1), 2), (Decimal("0.9"), 1))},
        "not_applicable",
    ),
    "7.2": (
        "qlvb.signed_rate",
        2,
        "step",
        {"bands": ((Decimal(1), 2), (Decimal("0.9"), 1))},
        "not_applicable",
    ),
    "7.3": (
        "qlvb.handling_on_time_rate",
        2,
        "step",
        {"bands": ((Decimal("0.95"), 2), (Decimal("0.80"), 1))},
        "not_applicable",
    ),
    "7.4": ("ecabinet.paperless_rate", 1, "linear_capped", {"target": Decimal(1)}, "not_applicable"),
}


def test_template_computed_leaves_are_those_of_the_contract(template):
    computed = {leaf.code: leaf for leaf in template.leaves() if not leaf.is_manual}
    assert set(computed) == set(TEMPLATE_COMPUTED)
    for code, (metric, maximum, rule, parameters, no_cases) in TEMPLATE_COMPUTED.items():
        leaf = computed[code]
        assert (leaf.metric, leaf.max_points, leaf.rule.name, leaf.when_no_cases) == (
            metric,
            maximum,
            rule,
            no_cases,
        )
        for name, value in parameters.items():
            assert getattr(leaf.rule, name) == value, code
    assert computed["3.4"].full_requires_cases_of == "dvc.on_time_rate"
    assert computed["1.1"].evidence == "document"


def test_template_has_the_eight_areas_with_placeholder_points(template):
    assert [a.code for a in template.areas] == [str(i) for i in range(1, 9)]
    assert [a.max_points for a in template.areas] == [9, 8, 20, 7, 9, 6, 11, 30]  # domain/par_index.md §2
    assert template.max_points == 100 and template.is_template
    assert template.unit_types == {"so-ban-nganh"}
    assert all(leaf.placeholder for leaf in template.leaves() if leaf.is_manual)
    assert not any(leaf.not_applicable_for for leaf in template.leaves())


def test_qd766_groups(qd766):
    assert [a.max_points for a in qd766.areas] == [18, 20, 22, 22, 18]
    assert qd766.requires_data_from == {"dvc"}
    assert qd766.node("1.1").is_manual
    # Every DVC metric of the contract but the two counts and the apology rate.
    bound = set(DVC_METRICS) - {"dvc.received", "dvc.no_due_date", "dvc.apology_rate"}
    assert {leaf.metric for leaf in qd766.leaves() if leaf.metric} == bound


def test_selection_by_path_or_id(template):
    assert [c.id for c in selected_catalogues("template-so@2026.1")] == ["template-so@2026.1"]
    assert [c.id for c in selected_catalogues(f"qd766@2022, {template.path}")] == [
        "qd766@2022",
        "template-so@2026.1",
    ]
    with pytest.raises(CatalogueError, match="given twice"):
        selected_catalogues("qd766@2022,qd766@2022")
    with pytest.raises(CatalogueError, match="neither a catalogue file nor a shipped catalogue"):
        resolve_catalogue("province@2027")


LEAF = (
    "{code: '1.1', name: Tiêu chí, max_points: 2, metric: dvc.online_rate, rule: linear_capped, "
    "parameters: {target: 0.5}}"
)


def _leaf_with(extra: str) -> str:
    return LEAF[:-1] + ", " + extra + "}"


def assert_load_fails(path, message: str):
    """Loading fails with an error that starts with the file's path and contains `message`."""
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def _catalogue(tmp_path, areas: str, header: str = "id: test@1\nname: Thử\nunit_types: [so-ban-nganh]\n"):
    path = tmp_path / "test@1.yaml"
    path.write_text(header + "areas:\n" + areas, encoding="utf-8")
    return path


def _area(*children: str, max_points: str = "") -> str:
    lines = ["  - code: '1'", "    name: Lĩnh vực"]
    if max_points:
        lines.append(f"    max_points: {max_points}")
    lines.append("    children:")
    lines += [f"      - {child}" for child in children]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("areas", "message"),
    [
        (
            _area(LEAF.replace("dvc.online_rate", "dvc.online_ratio")),
            "node 1.1: unknown metric 'dvc.online_ratio'",
        ),
        (_area(LEAF, max_points="3"), "node 1: max_points 3 but its children's maxima add up to 2"),
        (
            _area(
                "{code: '1.1', name: T, max_points: 4, metric: dvc.on_time_rate, rule: step, "
                "parameters: {bands: [[0.9, 2], [0.95, 3]]}}"
            ),
            "node 1.1: bands out of order: threshold 0.95 of band 2 is not below 0.9",
        ),
        (
            _area(
                "{code: '1.1', name: T, max_points: 4, metric: dvc.on_time_rate, rule: step, "
                "parameters: {bands: [[1, 5]]}}"
            ),
            "node 1.1: band 1 gives 5 points, outside 0..max_points 4",
        ),
        (_area(LEAF.replace("linear_capped", "sigmoid")), "node 1.1: unknown rule 'sigmoid'"),
        (_area(LEAF.replace("target: 0.5", "target: 0")), "node 1.1: target must be positive"),
        (
            _area(LEAF.replace("target: 0.5", "")),
            "node 1.1: rule linear_capped needs the parameter(s) target",
        ),
        (
            _area(LEAF.replace("target: 0.5", "goal: 0.5")),
            "node 1.1: rule linear_capped takes no parameter(s) goal",
        ),
        (_area(LEAF.replace("'1.1'", "'2.1'")), "node 2.1: code must be 1.N"),
        (_area(LEAF, LEAF), "node 1.1: code used twice"),
        (_area(_leaf_with("when_no_cases: always")), "node 1.1: when_no_cases must be one of"),
        (
            _area("{code: '1.1', name: T, max_points: 2, rule: manual, metric: dvc.online_rate}"),
            "node 1.1: a manual leaf takes no metric",
        ),
        (
            _area(_leaf_with("period: {start: Y-02-30, end: Y-12-31}")),
            "node 1.1: period start 'Y-02-30' is not a date",
        ),
        (_area(LEAF.replace("max_points: 2", "max_points: two")), "node 1.1: max_points must be a number"),
    ],
)
def test_errors_name_the_file_the_node_and_what_is_wrong(tmp_path, areas, message):
    assert_load_fails(_catalogue(tmp_path, areas), message)


def test_catalogue_level_errors(tmp_path):
    path = _catalogue(tmp_path, _area(LEAF), header="id: test@1\nname: Thử\nunit_types: []\n")
    with pytest.raises(CatalogueError, match="unit_types must be a non-empty list"):
        load_catalogue(path)
    path = _catalogue(tmp_path, _area(LEAF), header="id: test\nname: Thử\nunit_types: [xa-phuong]\n")
    with pytest.raises(CatalogueError, match="id must be name@version"):
        load_catalogue(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # A few hundred bytes that stand for 10⁹ strings: refused at the first alias, before any expansion.
        (hostile_files.catalogue_billion_laughs(), "line 2: YAML alias *a0 is not allowed in a catalogue"),
        (hostile_files.catalogue_merge_key(), "line 7: YAML alias *base is not allowed in a catalogue"),
        (hostile_files.catalogue_deep(), f"line 2: nested deeper than {MAX_YAML_DEPTH} levels"),
    ],
)
def test_yaml_that_expands_or_nests_without_bound_is_refused(tmp_path, text, message):
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert str(error.value).startswith(f"{path}: {message}")


def test_an_oversized_catalogue_is_not_parsed(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("#" * (MAX_CATALOGUE_BYTES + 1))
    with pytest.raises(CatalogueError, match=f"larger than {MAX_CATALOGUE_BYTES} bytes"):
        load_catalogue(path)


# ---- §9.6 load checks of the new rules ----

EXTERNAL_AREA = (
    "  - {code: '2', name: Điều tra xã hội học, children: ["
    "{code: '2.1', name: Khảo sát người dân, max_points: 15, rule: external}, "
    "{code: '2.2', name: Khảo sát công chức, max_points: 15, rule: external}]}\n"
)
PRO_RATA_LEAF = (
    "{code: '1.1', name: Tinh giản, max_points: 2, metric: hr.civil_servant_reduction, rule: linear_capped, "
    "parameters: {pro_rata: {total: 0.05, from: 2025, to: 2031}}}"
)


@pytest.mark.parametrize(
    ("areas", "message"),
    [
        (
            _area("{code: '1.1', name: T, max_points: 15, rule: external, metric: dvc.online_rate}"),
            "node 1.1: an external leaf takes no metric",
        ),
        (
            _area("{code: '1.1', name: T, max_points: 15, rule: external, parameters: {target: 1}}"),
            "node 1.1: an external leaf takes no parameters",
        ),
        (
            _area(LEAF.replace("'1.1'", "'1.2'"), "{code: '1.1', name: T, max_points: 15, rule: external}"),
            "node 1: an area is wholly external or has no external leaf: 1.1 external, 1.2 not",
        ),
        (
            _area(PRO_RATA_LEAF.replace("pro_rata:", "target: 0.5, pro_rata:")),
            "node 1.1: rule linear_capped takes target or pro_rata, not both: pro_rata excludes target",
        ),
        (
            _area(PRO_RATA_LEAF.replace("from: 2025", "from: 2031")),
            "node 1.1: pro_rata from 2031 must be before to 2031",
        ),
        (
            _area(PRO_RATA_LEAF.replace("total: 0.05", "total: -1")),
            "node 1.1: pro_rata total must be positive",
        ),
        (
            _area(PRO_RATA_LEAF.replace("from: 2025, ", "")),
            "node 1.1: pro_rata must be {total: 0.05, from: 2025, to: 2031}",
        ),
        (
            _area(
                "{code: '1.1', name: T, max_points: 2, metric: dvc.on_time_rate, rule: deadline, "
                "parameters: {bands: [[0, 1], [30, 0.5]]}}"
            ),
            "node 1.1: rule deadline reads the items of a qlvb.<id>_on_time metric, not dvc.on_time_rate",
        ),
        (
            _area(
                "{code: '1.1', name: T, max_points: 2, metric: qlvb.plan_on_time, rule: deadline, "
                "parameters: {bands: [[0, 1], [30, 0.5], [20, 0.2]]}}"
            ),
            "node 1.1: bands out of order: 20 days of band 3 not after 30",
        ),
        (
            _area(
                "{code: '1.1', name: T, max_points: 2, metric: qlvb.plan_on_time, rule: deadline, "
                "parameters: {bands: [[0, 0.5], [30, 1]]}}"
            ),
            "node 1.1: bands out of order: share 1 of band 2 must be > 0 and ≤ the band before",
        ),
        (
            _area(
                "{code: '1.1', name: T, max_points: 2, metric: qlvb.plan_on_time, rule: deadline, "
                "parameters: {bands: [[5, 1]]}}"
            ),
            "node 1.1: band 1 must start at 0 days late, not 5",
        ),
        (
            _area(
                "{code: '1.1', name: T, max_points: 2, metric: qlvb.plan_on_time, rule: deadline, "
                "parameters: {bands: [[0, 1]], days: weekdays}}"
            ),
            "node 1.1: days must be one of calendar, working, not 'weekdays'",
        ),
        (
            _area(
                "{code: '1.1', name: T, max_points: 2, metric: qlvb.plan_on_time, rule: deadline, "
                "parameters: {bands: [[0, 1]], days: working}}"
            ),
            "node 1.1: days: working needs the working-day calendar in scoring, not wired yet",
        ),
        (
            _area(
                "{code: '1.1', name: T, max_points: 1, metric: qlvb.plan_on_time, rule: binary, "
                "when_no_cases: full}"
            ),
            "node 1.1: qlvb.plan_on_time takes no when_no_cases",
        ),
        (
            _area(LEAF.replace("linear_capped", "proportional")),
            "node 1.1: rule proportional takes no parameter(s) target",
        ),
    ],
)
def test_load_checks_of_the_new_rules(tmp_path, areas, message):
    assert_load_fails(_catalogue(tmp_path, areas), message)


def test_new_rules_load(tmp_path):
    areas = _area(
        PRO_RATA_LEAF,
        "{code: '1.2', name: T, max_points: 20, metric: dvc.on_time_rate, rule: proportional, "
        "when_no_cases: zero}",
    )
    catalogue = load_catalogue(_catalogue(tmp_path, areas + EXTERNAL_AREA))
    reduction, progress = catalogue.node("1.1"), catalogue.node("1.2")
    assert reduction.rule.pro_rata == rules.ProRata(Decimal("0.05"), 2025, 2031)
    assert reduction.rule.target is None
    assert (progress.rule.name, progress.when_no_cases) == ("proportional", "zero")
    assert catalogue.node("2.1").is_external and catalogue.node("2").max_points == 30


def test_fallback_is_manual_and_only_on_computed_leaves(tmp_path):
    assert load_catalogue(_catalogue(tmp_path, _area(_leaf_with("fallback: manual")))).node(
        "1.1"
    ).fallback == ("manual")
    for leaf, message in (
        (_leaf_with("fallback: zero"), "node 1.1: fallback must be one of manual, not 'zero'"),
        (
            "{code: '1.1', name: T, max_points: 2, rule: manual, fallback: manual}",
            "a manual leaf takes no fallback",
        ),
    ):
        with pytest.raises(CatalogueError, match=message):
            load_catalogue(_catalogue(tmp_path, _area(leaf)))
