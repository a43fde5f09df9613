"""A hand-worked fixture for `template-so@2026.1` and `qd766@2022`, year 2026.

Every expected score below is worked out by hand in the comment beside it, from the metric rows here and the
rules of contracts/metrics.md §5 (step: first band reached; linear_capped: min(m, m × v / target); half-up
to 2 decimals at the leaf).

Agencies:
- A `H35.02` (so-ban-nganh): data from every source; a manual-input file with three entries.
- B `H35.03` (so-ban-nganh): DVC data but no dossier (denominators 0), no HR rows at all, E-CABINET
  undefined, a late plan.
- C `H35.04` and D `H35.05` (so-ban-nganh): no data from any source (all metric rows null).
- X `H35.40` (xa-phuong): DVC data; not covered by the template, scored by qd766@2022.
"""

from datetime import date, datetime
from decimal import Decimal

from scoring.scorecard import Agency

# The contract's DVC codes (metrics.md §1), listed once on the tests' side.
from tests.e2e.dvc_oracle import DVC_METRICS

YEAR = 2026
START, END = date(2026, 1, 1), date(2026, 12, 31)
AS_OF = datetime(2026, 11, 20, 8, 30)

A = Agency("H35.02", "Sở Nội vụ", "so-ban-nganh")
B = Agency("H35.03", "Sở Tư pháp", "so-ban-nganh")
C = Agency("H35.04", "Sở Y tế", "so-ban-nganh")
D = Agency("H35.05", "Sở Tài chính", "so-ban-nganh")
X = Agency("H35.40", "Ủy ban nhân dân phường Tân Phong", "xa-phuong")
AGENCIES = [A, B, C, D, X]


def _row(agency: Agency, metric: str, numerator, denominator, value):
    return {
        "agency_code": agency.code,
        "metric_code": metric,
        "period_start": START,
        "period_end": END,
        "numerator": numerator,
        "denominator": denominator,
        "value": None if value is None else Decimal(value),
    }


METRIC_ROWS = [
    # ---- A: every source ----
    _row(A, "dvc.received", 400, 1, "400"),
    _row(A, "dvc.on_time_rate", 93, 100, "0.9300"),
    _row(A, "dvc.no_due_date", 0, 1, "0"),
    _row(A, "dvc.apology_rate", 4, 7, "0.5714"),
    _row(A, "dvc.online_rate", 151, 400, "0.3775"),
    _row(A, "dvc.online_payment_rate", 1, 3, "0.3333"),
    _row(A, "dvc.digitised_rate", 335, 400, "0.8375"),
    _row(A, "dvc.e_result_rate", 1, 2, "0.5000"),
    _row(A, "dvc.satisfaction_rate", 360, 400, "0.8000"),
    _row(A, "dvc.pakn_on_time_rate", 5, 5, "1.0000"),
    _row(A, "qlvb.plan_on_time", 1, 1, "1.0000"),
    _row(A, "qlvb.e_document_rate", 190, 200, "0.9500"),
    _row(A, "qlvb.signed_rate", 120, 120, "1.0000"),
    _row(A, "qlvb.handling_on_time_rate", 79, 100, "0.7900"),
    _row(A, "ecabinet.paperless_rate", 2, 3, "0.6667"),
    _row(A, "hr.within_quota", 1, 1, "1.0000"),
    _row(A, "hr.training_rate", 9, 40, "0.2250"),
    _row(A, "hr.discipline_cases", 2, 1, "2.0000"),
    # ---- B: PAKN only on DVC, no dossier; QLVB; no HR row; E-CABINET undefined ----
    _row(B, "dvc.received", 0, 1, "0"),
    _row(B, "dvc.on_time_rate", 0, 0, None),
    _row(B, "dvc.no_due_date", 0, 1, "0"),
    _row(B, "dvc.apology_rate", 0, 0, None),
    _row(B, "dvc.online_rate", 0, 0, None),
    _row(B, "dvc.online_payment_rate", 0, 0, None),
    _row(B, "dvc.digitised_rate", 0, 0, None),
    _row(B, "dvc.e_result_rate", 0, 0, None),
    _row(B, "dvc.satisfaction_rate", 0, 0, None),
    _row(B, "dvc.pakn_on_time_rate", 0, 0, None),
    _row(B, "qlvb.plan_on_time", 0, 1, "0"),
    _row(B, "qlvb.e_document_rate", 8999, 10000, "0.8999"),
    _row(B, "qlvb.signed_rate", 9, 10, "0.9000"),
    _row(B, "qlvb.handling_on_time_rate", 19, 20, "0.9500"),
    _row(B, "ecabinet.paperless_rate", None, None, None),
    # ---- C and D: no data of DVC (the only source with rows for them) ----
    *(_row(agency, metric, None, None, None) for agency in (C, D) for metric in DVC_METRICS),
    # ---- X: DVC only ----
    _row(X, "dvc.received", 400, 1, "400"),
    _row(X, "dvc.on_time_rate", 93, 100, "0.9300"),
    _row(X, "dvc.no_due_date", 0, 1, "0"),
    _row(X, "dvc.apology_rate", 4, 7, "0.5714"),
    _row(X, "dvc.online_rate", 151, 400, "0.3775"),
    _row(X, "dvc.online_payment_rate", 1, 3, "0.3333"),
    _row(X, "dvc.digitised_rate", 335, 400, "0.8375"),
    _row(X, "dvc.e_result_rate", 1, 2, "0.5000"),
    _row(X, "dvc.satisfaction_rate", 320, 400, "0.8000"),
    _row(X, "dvc.pakn_on_time_rate", 5, 5, "1.0000"),
]


def _document(agency, number, notation, issued, subject, in_numerator):
    return {
        "agency_code": agency.code,
        "metric_code": "qlvb.plan_on_time",
        "period_start": START,
        "period_end": END,
        "code_number": number,
        "code_notation": notation,
        "promulgation_date": issued,
        "subject": subject,
        "in_numerator": in_numerator,
    }


DOCUMENT_ROWS = [
    # A: two matching plans; the earliest (20/12/2025) is the evidence. The 10/12 draft was recalled-free but
    # does not match (not in the numerator), so it is not cited although it is earlier.
    _document(
        A, "1888", "KH-SNV", date(2025, 12, 30), "Kế hoạch cải cách hành chính năm 2026 (bổ sung)", True
    ),
    _document(A, "1500", "KH-SNV", date(2025, 12, 20), "Kế hoạch cải cách hành chính năm 2026", True),
    _document(A, "1400", "KH-SNV", date(2025, 12, 10), "Kế hoạch chuyển đổi số năm 2026", False),
    # B: its plan came out in January of Y, after the deadline: a candidate, not in the numerator.
    _document(B, "12", "KH-STP", date(2026, 1, 15), "Kế hoạch cải cách hành chính năm 2026", False),
]

A_PLAN_EVIDENCE = "1500/KH-SNV; 20/12/2025; Kế hoạch cải cách hành chính năm 2026"

MANUAL_CSV_A = (
    "criterion_code,score,evidence,note\n"
    "1.2.1,1,45/KH-SNV; 15/01/2026; Kế hoạch kiểm tra CCHC năm 2026,\n"
    '3.1,"2,5",,Đã rà soát 12 TTHC; chưa có quyết định công bố\n'
    "8.1,12.75,Kết quả điều tra xã hội học năm 2026,\n"
    "1.3,,,\n"  # no score: not an entry, 1.3 stays missing
)

D_ = Decimal
# Leaf scores of A under template-so@2026.1 (None: missing).
A_LEAVES = {
    "1.1": (D_("1.00"), "computed"),  # binary, v = 1 → m = 1
    "1.2.1": (D_("1.00"), "manual"),  # manual entry 1
    "1.2.2": (None, "missing"),
    "1.3": (None, "missing"),  # the row has no score
    "1.4": (None, "missing"),
    "1.5": (None, "missing"),
    "2.1.1": (None, "missing"),
    "2.1.2": (None, "missing"),
    "2.2": (None, "missing"),
    "2.3": (None, "missing"),
    "3.1": (D_("2.50"), "manual"),  # "2,5" with a decimal comma
    "3.2": (None, "missing"),
    "3.3": (D_("2.00"), "computed"),  # step: 0.93 < 1.00, < 0.95, ≥ 0.90 → 2
    "3.4": (D_("0.00"), "computed"),  # all_or_nothing: 0.5714 ≠ 1 → 0
    "3.5": (D_("2.27"), "computed"),  # 3 × 0.3775 / 0.50 = 2.265 → half-up 2.27 (not banker's 2.26)
    "3.6": (D_("1.33"), "computed"),  # 2 × 0.3333 / 0.50 = 1.3332 → 1.33
    "3.7": (D_("2.00"), "computed"),  # 2 × 0.8375 / 0.80 = 2.09375 → capped at m = 2
    "3.8": (D_("1.00"), "computed"),  # all_or_nothing: 1.0000 → 1
    "4.1": (None, "missing"),
    "4.2": (None, "missing"),
    "4.3": (D_("1.00"), "computed"),  # binary, v = 1 → 1
    "4.4": (None, "missing"),
    "5.1": (None, "missing"),
    "5.2": (None, "missing"),
    "5.3": (D_("0.90"), "computed"),  # 2 × 0.2250 / 0.50 = 0.90
    "5.4": (None, "missing"),
    "5.5": (D_("0.00"), "computed"),  # zero_is_pass, v = 2 cases → 0
    "6.1": (None, "missing"),
    "6.2": (None, "missing"),
    "6.3": (None, "missing"),
    "7.1": (D_("1.00"), "computed"),  # step: 0.95 < 1.00, ≥ 0.90 → 1
    "7.2": (D_("2.00"), "computed"),  # step: 1.00 ≥ 1.00 → 2
    "7.3": (D_("0.00"), "computed"),  # step: 0.79 < 0.95, < 0.80 → 0
    "7.4": (D_("0.67"), "computed"),  # 1 × 0.6667 / 1.00 = 0.6667 → 0.67
    "7.5": (None, "missing"),
    "7.6": (None, "missing"),
    "8.1": (D_("12.75"), "manual"),
    "8.2": (None, "missing"),
}
# Parents of A: (max, score, status); a missing leaf keeps its maximum, adds no score.
A_PARENTS = {
    "1.2": (D_(2), D_("1.00"), "missing"),  # 1.2.1 + 1.2.2
    "1": (D_(9), D_("2.00"), "missing"),  # 1.1 1.00 + 1.2 1.00
    "2": (D_(8), D_("0"), "missing"),
    "3": (D_(20), D_("11.10"), "missing"),  # 2.50 + 2.00 + 0 + 2.27 + 1.33 + 2.00 + 1.00
    "4": (D_(7), D_("1.00"), "missing"),
    "5": (D_(9), D_("0.90"), "missing"),
    "6": (D_(6), D_("0"), "missing"),
    "7": (D_(11), D_("3.67"), "missing"),  # 1.00 + 2.00 + 0 + 0.67
    "8": (D_(30), D_("12.75"), "missing"),
    "TONG": (D_(100), D_("31.42"), "missing"),  # 2 + 0 + 11.10 + 1 + 0.90 + 0 + 3.67 + 12.75
}
A_INDEX = D_("0.3142")  # 31.42 / 100

# B under template-so@2026.1: the leaves whose outcome differs from "missing".
B_LEAVES = {
    "1.1": (D_("0.00"), "computed"),  # binary, v = 0 → 0
    "3.3": (None, "not_applicable"),  # T(P) empty, when_no_cases not_applicable
    "3.4": (None, "not_applicable"),  # full, but only when T(P) has cases: it has none
    "3.5": (None, "not_applicable"),
    "3.6": (None, "not_applicable"),
    "3.7": (None, "not_applicable"),
    "3.8": (D_("1.00"), "computed"),  # no PAKN case: when_no_cases full → m = 1
    "4.3": (None, "missing"),  # no HR row at all
    "5.3": (None, "missing"),
    "5.5": (None, "missing"),
    "7.1": (D_("0.00"), "computed"),  # step: 0.8999 < 0.90 → 0
    "7.2": (D_("1.00"), "computed"),  # step: 0.90 ≥ 0.90 → 1
    "7.3": (D_("2.00"), "computed"),  # step: 0.95 ≥ 0.95 → 2
    "7.4": (None, "missing"),  # E-CABINET undefined
}
B_PARENTS = {
    "3": (D_(7), D_("1.00"), "missing"),  # 3.1 (3) + 3.2 (3) missing + 3.8 (1); 3.3-3.7 leave the maximum
    "7": (D_(11), D_("3.00"), "missing"),
    "TONG": (D_(87), D_("4.00"), "missing"),  # 100 − 13 not applicable; 0 + 0 + 1 + 0 + 0 + 0 + 3 + 0
}
B_INDEX = D_("0.0460")  # 4 / 87 = 0.045977 → 0.0460

# X under qd766@2022.
X_LEAVES = {
    "1.1": (None, "missing"),  # manual, no file
    "2.1": (D_("18.60"), "computed"),  # 20 × 0.93 / 1.00
    "3.1": (D_("8.31"), "computed"),  # 11 × 0.3775 / 0.50 = 8.305 → half-up 8.31
    "3.2": (D_("3.67"), "computed"),  # 11 × 0.3333 / 1.00 = 3.6663 → 3.67
    "4.1": (D_("11.00"), "computed"),  # 11 × 0.8375 / 0.80 = 11.515625 → capped 11
    "4.2": (D_("5.50"), "computed"),  # 11 × 0.5 / 1.00
    "5.1": (D_("8.00"), "computed"),  # 9 × 0.80 / 0.90 = 8
    "5.2": (D_("9.00"), "computed"),  # 9 × 1 / 1
}
X_TOTAL = (D_(100), D_("64.08"), "missing")  # 18.60 + 8.31 + 3.67 + 11 + 5.50 + 8 + 9
X_INDEX = D_("0.6408")

# The explanation columns that scoring/scorecard.py adds (metrics.md §10, another change): the workbook only
# shows them, so the fixture carries one worked by hand. A's 7.1: k/n = 190/200, v = 0.95, bands
# [(1.00, 2), (0.90, 1)], s = 1, s⁺ = 2; z = ⌈(19999·200 − 20000·190) ÷ 20000⌉ = ⌈9.99⌉ = 10;
# x (T = 9000) = ⌊3,800,000 ÷ 17999⌋ + 1 − 200 = 211 + 1 − 200 = 12 (190/212 = 0.8962; 190/211 = 0.9005).
A_7_1_EXPLANATION = (
    "Đạt 95,00% (190/200 văn bản điện tử); được 1,00/2,00 điểm (mức ≥ 90,00%). Mức 2,00 điểm cần ≥ "
    "100,00%: thiếu 10 văn bản điện tử. Thêm 12 văn bản giấy sẽ còn 0,00 điểm."
)
EXPLANATIONS = {(A.code, "template-so@2026.1", "7.1"): (A_7_1_EXPLANATION, 12, None, 10)}


def with_explanations(rows):
    """The rows with `explanation`, `risk_down`, `gain_up`, `fix_up` as scorecard.py will carry them."""
    out = []
    for row in rows:
        found = EXPLANATIONS.get((row["agency_code"], row["catalogue_id"], row["criterion_code"]))
        explanation, risk_down, gain_up, fix_up = found or (None, None, None, None)
        out.append(
            {**row, "explanation": explanation, "risk_down": risk_down, "gain_up": gain_up, "fix_up": fix_up}
        )
    return out
