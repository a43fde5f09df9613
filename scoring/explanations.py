"""Explanations and points at risk of computed leaves (contracts/metrics.md §10, §13 reading 4).

For a leaf on a count metric (value = k/n), with f(k, n) its score from the counts by the leaf's rule:
`risk_down` is how many more failing cases lower the score, `gain_up` how many more passing cases lift it to
the next score, `fix_up` how many failing cases must be put right for that. They are found by binary search
over f itself, so every rule, including pro-rata targets, is covered by the definitions of §10.2: f is
monotone in the share of passing cases, which each search moves in one direction only.
Texts are Vietnamese, as officers read them; numbers use a decimal comma and a thousands dot (§10.1).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from scoring import rules
from scoring.metrics import is_document_requirement_metric

# gain_up beyond this many additional passing cases is undefined (metrics.md §10.2).
GAIN_UP_LIMIT = 1_000_000

_HUNDREDTH = Decimal("0.01")
_ONE = Decimal(1)
_ZERO = Decimal(0)

# {pass} and {fail} of metrics.md §10.5. `dvc.e_result_rate` (qd766@2022) takes the nouns of
# `dvc.e_result_paper_rate`: the same question asked of every completed dossier.
NOUNS: dict[str, tuple[str, str]] = {
    "dvc.on_time_rate": ("hồ sơ đúng hạn", "hồ sơ trễ hạn"),
    "dvc.progress_rate": ("hồ sơ đúng hạn", "hồ sơ trễ hạn"),
    "dvc.apology_rate": ("hồ sơ trễ hạn có phiếu xin lỗi", "hồ sơ trễ hạn chưa xin lỗi"),
    "dvc.online_rate": ("hồ sơ trực tuyến", "hồ sơ trực tiếp, bưu chính"),
    "dvc.online_payment_rate": ("hồ sơ thanh toán trực tuyến", "hồ sơ có phí chưa thanh toán trực tuyến"),
    "dvc.digitised_rate": ("hồ sơ số hóa", "hồ sơ chưa số hóa"),
    "dvc.digitised_complete_rate": ("hồ sơ số hóa", "hồ sơ chưa số hóa"),
    "dvc.e_result_rate": ("hồ sơ có kết quả điện tử", "hồ sơ chỉ có kết quả giấy"),
    "dvc.e_result_paper_rate": ("hồ sơ có kết quả điện tử", "hồ sơ chỉ có kết quả giấy"),
    "dvc.reuse_rate": ("hồ sơ tái sử dụng dữ liệu", "hồ sơ không tái sử dụng dữ liệu"),
    "dvc.national_store_rate": ("hồ sơ tái sử dụng dữ liệu", "hồ sơ không tái sử dụng dữ liệu"),
    "dvc.vneid_rate": ("hồ sơ xác thực VNeID", "hồ sơ chưa xác thực VNeID"),
    "dvc.pakn_on_time_rate": ("phản ánh, kiến nghị đạt yêu cầu", "phản ánh, kiến nghị không đạt"),
    "dvc.pakn_deadlines_rate": ("phản ánh, kiến nghị đạt yêu cầu", "phản ánh, kiến nghị không đạt"),
    "dvc.pakn_satisfaction_rate": ("phản ánh, kiến nghị đạt yêu cầu", "phản ánh, kiến nghị không đạt"),
    "dvc.online_procedure_rate": ("thủ tục đạt yêu cầu", "thủ tục chưa đạt"),
    "dvc.online_service_use_rate": ("thủ tục đạt yêu cầu", "thủ tục chưa đạt"),
    "dvc.fee_procedure_paid_online_rate": ("thủ tục đạt yêu cầu", "thủ tục chưa đạt"),
    "dvc.fee_procedure_online_rate": ("thủ tục đạt yêu cầu", "thủ tục chưa đạt"),
    "qlvb.e_document_rate": ("văn bản điện tử", "văn bản giấy"),
    "qlvb.signed_rate": ("văn bản ký số hợp lệ", "văn bản chưa ký số hợp lệ"),
    "qlvb.handling_on_time_rate": ("văn bản xử lý đúng hạn", "văn bản xử lý trễ hạn"),
    "qlvb.inspection_coverage": ("đơn vị được kiểm tra", "đơn vị chưa được kiểm tra"),
    "ecabinet.paperless_rate": ("cuộc họp không giấy", "cuộc họp có tài liệu giấy"),
    "hr.training_rate": ("người được đào tạo, bồi dưỡng", "người chưa được đào tạo, bồi dưỡng"),
    "hr.job_position_rate": ("người có vị trí việc làm", "người chưa có vị trí việc làm"),
    "hr.rating_on_time_rate": ("người được đánh giá đúng hạn", "người chưa được đánh giá đúng hạn"),
}

# Staff reductions against a baseline year (metrics.md §4, §8.2) and who they count.
REDUCTION_STAFF = {"hr.civil_servant_reduction": "công chức", "hr.public_employee_reduction": "viên chức"}
WITHIN_QUOTA = "hr.within_quota"
LEADERS = "hr.leaders_within_limit"
RATING_DECISIONS = ("hr.rating_on_time_rate", "hr.rating_good_rate")
DISCIPLINE_CASES = "hr.discipline_cases"
SATISFACTION = "dvc.satisfaction_rate"
COUNT_RULES = (rules.STEP, rules.ALL_OR_NOTHING, rules.LINEAR_CAPPED, rules.PROPORTIONAL)
# The late share subtracted in dvc.satisfaction_rate is late / |T(P)| of this metric (metrics.md §1).
LATE_SHARE_OF = "dvc.on_time_rate"
# Drill-down columns an explanation reads beyond the metric row: hr.within_quota's row carries 1 or 0 of 1,
# its view the civil servants and the quota behind it.
# hr.leaders_within_limit's row counts units, its view lists each unit with its deputies and limit.
DETAIL_COLUMNS = {
    WITHIN_QUOTA: ("civil_servants", "civil_servant_quota"),
    LEADERS: ("unit_label", "deputies", "deputy_limit", "is_exempt"),
    # Not for the text: the rating decisions behind the counted rows are the evidence (metrics.md §8.2).
    **{metric: ("decision_number", "decision_date", "in_numerator") for metric in RATING_DECISIONS},
}


class Explanation(NamedTuple):
    """The last four columns of a scorecard row; all None for leaves that are not computed."""

    explanation: str | None = None
    risk_down: int | None = None
    gain_up: int | None = None
    fix_up: int | None = None


NONE = Explanation()


# --- §10.1 formatting -----------------------------------------------------------------------------------


def _with_separators(number: Decimal, places: int) -> str:
    """Half-up to `places` decimals, thousands dot, decimal comma."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_count(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def format_points(points: Decimal) -> str:
    """`1,00`."""
    return _with_separators(points, 2)


def format_percent(share: Decimal) -> str:
    """A share as a percentage with 2 decimals: 0.9932 → `99,32%` (exact for a 4-decimal value)."""
    return _with_separators(share * 100, 2) + "%"


# --- §10.2 searches ---------------------------------------------------------------------------------------


def _first(holds: Callable[[int], bool], low: int, high: int) -> int | None:
    """The smallest i in [low, high] where `holds` is true, for a `holds` that stays true once it is; None
    when it never is."""
    if low > high or not holds(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle + 1
    return low


ScoreOf = Callable[[int, int], Decimal]  # f(k, n)


def count_score(rule: rules.Rule, m: Decimal, year: int) -> ScoreOf:
    """f(k, n) for n ≥ 1: the value rounded half-up to 4 decimals, then the rule, then 2 decimals."""
    return lambda k, n: rules.apply_rule(rule, rules.round_value(k, n), m, year)


def risk_down(f: ScoreOf, k: int, n: int, s: Decimal) -> int | None:
    """Smallest x ≥ 1 with f(k, n + x) < s; None when s = 0 or no x lowers it. Beyond n + x = 20000 k + 1
    the value rounds to 0, so no larger x can lower the score further."""
    if s <= 0:
        return None
    return _first(lambda x: f(k, n + x) < s, 1, max(1, 20000 * k + 1 - n))


def gain_up(f: ScoreOf, k: int, n: int, s: Decimal, m: Decimal, s_next: Decimal | None) -> int | None:
    """Smallest y in 1 … 1,000,000 with f(k + y, n + y) ≥ s⁺; None when s = m or there is no such y."""
    if s >= m or s_next is None:
        return None
    return _first(lambda y: f(k + y, n + y) >= s_next, 1, GAIN_UP_LIMIT)


def fix_up(f: ScoreOf, k: int, n: int, s: Decimal, m: Decimal, s_next: Decimal | None) -> int | None:
    """Smallest z in 1 … n − k with f(k + z, n) ≥ s⁺; None when s = m or there is no such z."""
    if s >= m or s_next is None:
        return None
    return _first(lambda z: f(k + z, n) >= s_next, 1, n - k)


class Next(NamedTuple):
    """s⁺, the next score, and t⁺, the value it needs."""

    score: Decimal
    threshold: Decimal


def full_threshold(rule: rules.Rule, year: int) -> Decimal:
    """The value that gives the maximum: τ of linear_capped (the pro-rata target of the year), the highest
    band of step, 1 otherwise."""
    if rule.name == rules.LINEAR_CAPPED:
        return rule.pro_rata.target(year) if rule.pro_rata else rule.target
    if rule.name == rules.STEP:
        return rule.bands[0][0]
    return _ONE


def _band_reached(rule: rules.Rule, v: Decimal) -> int | None:
    return next((i for i, (threshold, _) in enumerate(rule.bands) if v >= threshold), None)


def next_score(rule: rules.Rule, m: Decimal, v: Decimal | None, year: int) -> Next | None:
    """step: the nearest band above the one reached (the lowest band when none is) that gives more points
    than the band reached (two bands of equal points are one score); otherwise m at full value. None when
    no band above gives more."""
    if rule.name != rules.STEP:
        return Next(m, full_threshold(rule, year))
    reached = _band_reached(rule, v) if v is not None else None
    current = _ZERO if reached is None else min(rule.bands[reached][1], m)
    above = rule.bands if reached is None else rule.bands[:reached]
    for threshold, points in reversed(above):
        if min(points, m) > current:
            return Next(min(points, m), threshold)
    return None


# --- §10.4 texts --------------------------------------------------------------------------------------------


def _band_text(rule: rules.Rule, v: Decimal, year: int) -> str:
    if rule.name == rules.STEP:
        reached = _band_reached(rule, v)
        if reached is None:
            return f" (chưa đạt mức ≥ {format_percent(rule.bands[-1][0])})"
        return f" (mức ≥ {format_percent(rule.bands[reached][0])})"
    if rule.name == rules.LINEAR_CAPPED:
        return f" (đủ điểm từ {format_percent(full_threshold(rule, year))})"
    return ""


def explain_count(
    metric: str, rule: rules.Rule, m: Decimal, year: int, k: int, n: int, v: Decimal | None, s: Decimal
) -> Explanation:
    """A leaf on a count metric, value = k/n (metrics.md §10.2, §10.4). With n = 0 (a `full` or `zero` leaf)
    the numbers still follow §10.2 but there is no rate to state: the text is left to the leaf's note."""
    f = count_score(rule, m, year)
    target = next_score(rule, m, v, year)
    s_next = target.score if target else None
    x = risk_down(f, k, n, s)
    y = gain_up(f, k, n, s, m, s_next)
    z = fix_up(f, k, n, s, m, s_next)
    if n == 0 or v is None or metric not in NOUNS:
        return Explanation(None, x, y, z)
    passed, failed = NOUNS[metric]
    text = (
        f"Đạt {format_percent(v)} ({format_count(k)}/{format_count(n)} {passed}); "
        f"được {format_points(s)}/{format_points(m)} điểm{_band_text(rule, v, year)}."
    )
    if s < m and target is not None:
        # §10.4's "cần thêm {y}" (y without z) never applies to k/n: fixing all n − k failing cases gives
        # 100 %, more than any added passing case can, so a defined y implies a defined z.
        if z is not None:
            text += (
                f" Mức {format_points(target.score)} điểm cần ≥ {format_percent(target.threshold)}: "
                f"thiếu {format_count(z)} {passed}."
            )
        else:
            text += f" Chưa thể đạt mức {format_points(target.score)} điểm trong kỳ."
    if x is not None:
        text += f" Thêm {format_count(x)} {failed} sẽ còn {format_points(f(k, n + x))} điểm."
    return Explanation(text, x, y, z)


def explain_within_quota(civil_servants: int, quota: int, s: Decimal, m: Decimal) -> Explanation:
    """`hr.within_quota` (binary): c civil servants against a quota q (metrics.md §10.3)."""
    text = (
        f"Có {format_count(civil_servants)} công chức/{format_count(quota)} biên chế được giao; "
        f"được {format_points(s)}/{format_points(m)} điểm."
    )
    if civil_servants <= quota:
        x = quota - civil_servants + 1
        return Explanation(text + f" Thêm {format_count(x)} công chức sẽ vượt biên chế.", risk_down=x)
    z = civil_servants - quota
    return Explanation(text + f" Vượt {format_count(z)} người.", fix_up=z)


def explain_discipline(cases: int, s: Decimal, m: Decimal) -> Explanation:
    """`hr.discipline_cases` (binary, zero_is_pass): a decision is not undone, so there is no fix."""
    text = (
        f"{format_count(cases)} quyết định kỷ luật trong kỳ; được {format_points(s)}/{format_points(m)} điểm."
    )
    if cases == 0:
        return Explanation(text + f" Một quyết định kỷ luật sẽ mất {format_points(m)} điểm.", risk_down=1)
    return Explanation(text)


def explain_satisfaction(
    rule: rules.Rule, v: Decimal, late_share: Decimal, s: Decimal, m: Decimal, year: int
) -> Explanation:
    """`dvc.satisfaction_rate`: its value is not k/n, so no numbers (metrics.md §10.3)."""
    return Explanation(
        f"Đạt {format_percent(v)} (hồ sơ không bị phản ánh hay đánh giá không hài lòng, trừ tỷ lệ trễ hạn "
        f"{format_percent(late_share)}); được {format_points(s)}/{format_points(m)} điểm "
        f"(đủ điểm từ {format_percent(full_threshold(rule, year))})."
    )


def explain_reduction(
    metric: str, rule: rules.Rule, m: Decimal, year: int, baseline: int, reduced: int, s: Decimal
) -> Explanation:
    """A staff reduction on a pro-rata target: b at the end of the baseline year B, c = b − reduced now
    (metrics.md §10.3, §10.4). x: more staff that lower the score; z: further reductions to full points."""
    if rule.pro_rata is None or baseline == 0:
        return NONE
    now = baseline - reduced

    def f(staff: int) -> Decimal:
        return rules.apply_rule(rule, rules.round_value(baseline - staff, baseline), m, year)

    # At `baseline` staff or more nothing is reduced and the score is 0, the lowest.
    x = None if s <= 0 else _first(lambda more: f(now + more) < s, 1, max(1, baseline - now))
    z = None if s >= m else _first(lambda fewer: f(now - fewer) >= m, 1, now)
    text = (
        f"Giảm {format_count(reduced)}/{format_count(baseline)} {REDUCTION_STAFF[metric]} so với "
        f"31/12/{rule.pro_rata.start} ({format_percent(rules.round_value(reduced, baseline))}); "
        f"chỉ tiêu năm {year}: {format_percent(rule.pro_rata.target(year))}; "
        f"được {format_points(s)}/{format_points(m)} điểm."
    )
    if z is not None:
        text += f" Giảm thêm {format_count(z)} người để đủ điểm."
    if x is not None:
        text += f" Tăng thêm {format_count(x)} người sẽ còn {format_points(f(now + x))} điểm."
    return Explanation(text, risk_down=x, fix_up=z)


class LeaderUnit(NamedTuple):
    """A unit checked by hr.leaders_within_limit (metrics.md §8.1), as its drill-down row states it."""

    label: str  # the division, or the agency's Vietnamese name
    deputies: int
    limit: int
    exempt: bool = False  # within whatever its deputies (exempt_until)

    @property
    def excess(self) -> int:
        return 0 if self.exempt else max(0, self.deputies - self.limit)


def units_over_limit(units: tuple[LeaderUnit, ...]) -> list[LeaderUnit]:
    """Units over their limit, most over first, then by label in code-point order (metrics.md §13.5)."""
    return sorted((u for u in units if u.excess > 0), key=lambda u: (-u.excess, u.label))


def explain_leaders(units: tuple[LeaderUnit, ...], s: Decimal, m: Decimal) -> Explanation:
    """`hr.leaders_within_limit` (all_or_nothing over the units, metrics.md §10.3, §10.4, §13.5): when
    passing, x more deputies in the unit closest to its limit lose the points; when failing, z deputies too
    many in all."""
    within = sum(u.excess == 0 for u in units)
    text = (
        f"{format_count(within)}/{format_count(len(units))} đơn vị bố trí cấp phó đúng quy định; "
        f"được {format_points(s)}/{format_points(m)} điểm."
    )
    over = units_over_limit(units)
    if over:
        z = sum(u.excess for u in over)
        for u in over:
            text += f" {u.label}: {format_count(u.deputies)} cấp phó, tối đa {format_count(u.limit)};"
        return Explanation(text + f" Cần giảm {format_count(z)} cấp phó.", fix_up=z)
    bound = [u for u in units if not u.exempt]
    if s <= 0 or not bound:
        return Explanation(text)
    closest = min(bound, key=lambda u: (u.limit - u.deputies + 1, u.label))
    x = closest.limit - closest.deputies + 1
    text += f" Bổ nhiệm thêm {format_count(x)} cấp phó tại {closest.label} sẽ vượt quy định."
    return Explanation(text, risk_down=x)


class LeafFacts(NamedTuple):
    """What a computed leaf's explanation reads besides its own reading."""

    late_share: Decimal = _ZERO  # dvc.satisfaction_rate: late / |T(P)|, 0 when T(P) is empty
    quota: tuple[int, int] | None = None  # hr.within_quota: (civil servants, BienCheCongChucGiao)
    units: tuple[LeaderUnit, ...] = ()  # hr.leaders_within_limit: the units checked


NO_FACTS = LeafFacts()


def explain_leaf(
    metric: str,
    rule: rules.Rule,
    m: Decimal,
    year: int,
    reading: rules.MetricReading,
    s: Decimal,
    facts: LeafFacts = NO_FACTS,
) -> Explanation:
    """The explanation and numbers of a computed leaf on `metric` with score s; empty where metrics.md §10
    defines none yet (document requirements need their item rows, §7)."""
    if is_document_requirement_metric(metric):
        return NONE
    if metric == WITHIN_QUOTA:
        return explain_within_quota(*facts.quota, s, m) if facts.quota else NONE
    if metric == DISCIPLINE_CASES:
        return explain_discipline(reading.numerator, s, m)
    if metric == LEADERS:
        return explain_leaders(facts.units, s, m) if facts.units else NONE
    if metric == SATISFACTION:
        return (
            explain_satisfaction(rule, reading.value, facts.late_share, s, m, year)
            if reading.value is not None
            else NONE
        )
    if metric in REDUCTION_STAFF:
        return explain_reduction(metric, rule, m, year, reading.denominator, reading.numerator, s)
    if rule.name in COUNT_RULES:
        return explain_count(metric, rule, m, year, reading.numerator, reading.denominator, reading.value, s)
    return NONE


# --- §10.3/§10.4 for document requirements (§7): pure, over the item rows the warehouse will provide ------


class RequirementItem(NamedTuple):
    """One item of a document requirement as its drill-down row states it (metrics.md §7.3, §7.4)."""

    name: str
    status: str  # on_time, late, missing, pending or unverifiable
    deadline: date | None = None
    issued: date | None = None  # PromulgationDate of the deciding document
    days_late: int | None = None  # calendar days; ≤ 0 when on time
    coverage_start: date | None = None  # C, for an unverifiable item


WorkingDay = Callable[[date], bool] | None  # the §0 calendar, for `days: working`


def _format_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _lateness(deadline: date | None, issued: date, rule: rules.Rule, is_working_day: WorkingDay) -> int:
    """L of §9.2: calendar days, or working days in (deadline, issued]; 0 without a deadline."""
    if deadline is None:
        return 0
    if rule.days == rules.WORKING_DAYS:
        return rules.working_days_late(deadline, issued, is_working_day)
    return (issued - deadline).days


def _requirement_score(
    items: list[RequirementItem], rule: rules.Rule, m: Decimal, year: int, is_working_day: WorkingDay
) -> Decimal | None:
    """The leaf's score from its items (None when no item is on time, late or missing)."""
    if rule.name == rules.DEADLINE:
        return rules.deadline_score(
            [
                rules.DeadlineItem(
                    item.status,
                    _lateness(item.deadline, item.issued, rule, is_working_day) if item.issued else None,
                )
                for item in items
            ],
            m,
            rule,
        )
    decided = [item for item in items if item.status in (rules.ON_TIME, rules.LATE, rules.MISSING)]
    if not decided:
        return None
    on_time = sum(item.status == rules.ON_TIME for item in decided)
    return rules.apply_rule(rule, rules.round_value(on_time, len(decided)), m, year)


def explain_document_requirement(
    name: str,
    items: list[RequirementItem],
    rule: rules.Rule,
    m: Decimal,
    s: Decimal,
    year: int,
    today: date,
    is_working_day: WorkingDay = None,
) -> Explanation:
    """A leaf on `qlvb.<id>_on_time` (proportional, binary or deadline): items in catalogue order, `today`
    the local date of t. risk_down: pending items; with `deadline`, gain_up: missing items that would still
    earn credit if issued today (metrics.md §10.3). `is_working_day` is needed for `days: working`."""
    k = sum(item.status == rules.ON_TIME for item in items)
    n = sum(item.status in (rules.ON_TIME, rules.LATE, rules.MISSING) for item in items)
    pending = sum(item.status == rules.PENDING for item in items)
    deadline_rule = rule.name == rules.DEADLINE
    parts, earning = [], 0
    for item in items:
        if item.status == rules.ON_TIME:
            text = f"đúng hạn ({_format_date(item.issued)})"
        elif item.status == rules.LATE:
            late = (
                _lateness(item.deadline, item.issued, rule, is_working_day)
                if deadline_rule
                else item.days_late
            )
            text = f"trễ {format_count(late)} ngày ({_format_date(item.issued)}, "
            text += f"hạn {_format_date(item.deadline)})"
            if deadline_rule:
                text += f", được {format_percent(rules.deadline_credit(late, rule.deadline_bands))} số điểm"
        elif item.status == rules.MISSING:
            text = "chưa ban hành" + (f" (hạn {_format_date(item.deadline)})" if item.deadline else "")
            if deadline_rule:
                now = _lateness(item.deadline, today, rule, is_working_day)
                band = next(((days, share) for days, share in rule.deadline_bands if now <= days), None)
                credit = band[1] if band else _ZERO
                text += f"; ban hành ngày {_format_date(today)} được {format_percent(credit)} số điểm"
                if band:
                    earning += 1
                    text += f", còn {format_count(band[0] - now + 1)} ngày trước khi giảm mức"
        elif item.status == rules.PENDING:
            text = f"chưa đến hạn (hạn {_format_date(item.deadline)})"
        else:
            text = f"không kiểm chứng được (dữ liệu QLVB từ {_format_date(item.coverage_start)})"
        parts.append(f"{item.name}: {text}")
    explanation = (
        f"{name}: {format_count(k)}/{format_count(n)} văn bản ban hành đúng hạn; được {format_points(s)}/"
        f"{format_points(m)} điểm. {'; '.join(parts)}."
    )
    if pending:
        missed = [
            item._replace(status=rules.MISSING) if item.status == rules.PENDING else item for item in items
        ]
        at_risk = s - (_requirement_score(missed, rule, m, year, is_working_day) or _ZERO)
        explanation += (
            f" Nếu {format_count(pending)} văn bản chưa đến hạn không được ban hành đúng hạn, mất "
            f"{format_points(at_risk)} điểm."
        )
    gain = earning if deadline_rule and s < m else None  # §13 reading 4: empty at the maximum
    return Explanation(explanation, risk_down=pending, gain_up=gain)
