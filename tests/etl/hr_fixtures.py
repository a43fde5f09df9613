"""Small HR workbooks written with openpyxl, laid out as sources.md §5.2 describes (title rows, merged cells,
per-agency column order, a footer), for the connector's unit tests."""

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from etl.hr.layout import DISCIPLINE, QUOTA, RATING, STAFF, TRAINING

KEY = b"test-key"

STAFF_HEADERS = [
    "STT",
    "Họ và tên",
    "Số hiệu CBCCVC",
    "Số định danh\ncá nhân",  # a line break inside the header cell (Q14)
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Ngày vào Đảng",
    "Quê quán",
    "Số điện thoại",
    "Loại nhân sự",
    "Mã ngạch",
    "Ngày về đơn vị",
    "Trạng thái",
    "Ngày thay đổi trạng thái",
]

# Three people: a civil servant (an Excel date cell, an 11-digit numeric ID that lost its leading zero, a
# numeric rank code), a viên chức (text dates), and a civil servant who moved out this month.
STAFF_ROWS = [
    [
        1,
        "Nguyễn Văn An",
        "CB001",
        12345678901,
        datetime(1986, 3, 5),
        "Nam",
        "Kinh",
        "Không",
        datetime(2010, 5, 1),
        "Lai Châu",
        "0912345678",
        "Công chức",
        1.003,
        datetime(2015, 1, 2),
        "Đang làm việc",
        None,
    ],
    [
        2,
        "Trần Thị Bình",
        "CB002",
        "001234567890",
        "05/03/1990",
        "Nữ",
        "Thái",
        "Không",
        None,
        "Phong Thổ",
        "0987654321",
        "Viên chức",
        "CDNN-III",
        "1/7/2018",
        "ĐANG LÀM VIỆC",
        None,
    ],
    [
        3,
        "Lò Văn Cường",
        "CB003",
        "001234567891",
        "12/12/1980",
        "Nam",
        "Mông",
        "Không",
        None,
        "Sìn Hồ",
        "0911111111",
        "Công chức",
        "01.002",
        "01/01/2012",
        "Chuyển công tác",
        "15/03/2025",
    ],
]

QUOTA_HEADERS = [
    "STT",
    "Năm",
    "Biên chế công chức được giao",
    "Biên chế công chức có mặt",
    "Số quyết định giao",
]
QUOTA_ROWS = [[1, 2025.0, 2, 2, "12/QĐ-UBND"], [2, 2024, 3, 3, None]]

TRAINING_HEADERS = [
    "STT",
    "Số hiệu CBCCVC",
    "Họ và tên",
    "Tên khóa đào tạo, bồi dưỡng",
    "Loại hình",
    "Nội dung",
    "Từ ngày",
    "Đến ngày",
    "Kết quả",
]
TRAINING_ROWS = [
    [
        1,
        "CB001",
        "Nguyễn Văn An",
        "Bồi dưỡng QLNN",
        "Bồi dưỡng",
        "Quản lý nhà nước",
        "01/02/2025",
        "28/02/2025",
        "Hoàn thành",
    ],
]

DISCIPLINE_HEADERS = [
    "STT",
    "Số hiệu CBCCVC",
    "Họ và tên",
    "Hình thức kỷ luật",
    "Số quyết định",
    "Ngày quyết định",
    "Hành vi vi phạm",
]
DISCIPLINE_ROWS = [
    [1, "CB003", "Lò Văn Cường", "Khiển trách", "15/QĐ-VPUBND", "10/02/2025", "Vi phạm giờ giấc"],
]

RATING_HEADERS = ["STT", "Số hiệu CBCCVC", "Họ và tên", "Năm đánh giá", "Mức xếp loại"]
RATING_ROWS = [[1, "CB001", "Nguyễn Văn An", 2024, "Hoàn thành tốt nhiệm vụ"]]

RATING_DECISION_HEADERS = [*RATING_HEADERS, "Số quyết định", "Ngày quyết định"]

FOOTER = [["Người lập biểu"], [None, "Lai Châu, ngày 31 tháng 3 năm 2025"]]


def _sheet(workbook, name, headers, rows, title_rows=2, footer=True):
    sheet = workbook.create_sheet(name)
    for index in range(title_rows):
        sheet.append([f"TIÊU ĐỀ {index + 1}"])
        sheet.merge_cells(start_row=index + 1, start_column=1, end_row=index + 1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if footer:
        sheet.append([])
        for line in FOOTER:
            sheet.append(line)
    return sheet


def write_export(
    path: Path,
    staff=None,
    staff_headers=None,
    skip_sheet: str | None = None,
    quota=None,
    training=None,
    discipline=None,
    rating=None,
) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = [
        (STAFF.name, staff_headers or STAFF_HEADERS, STAFF_ROWS if staff is None else staff),
        (QUOTA.name, QUOTA_HEADERS, QUOTA_ROWS if quota is None else quota),
        (TRAINING.name, TRAINING_HEADERS, TRAINING_ROWS if training is None else training),
        (DISCIPLINE.name, DISCIPLINE_HEADERS, DISCIPLINE_ROWS if discipline is None else discipline),
        (RATING.name, RATING_HEADERS, RATING_ROWS)
        if rating is None
        else (RATING.name, RATING_DECISION_HEADERS, rating),
    ]
    for number, (name, headers, rows) in enumerate(sheets):
        if name != skip_sheet:
            _sheet(workbook, name, headers, rows, title_rows=1 + number % 3)
    workbook.save(path)
    return path


def staff_row(number, cbccvc, person_id, staff_type, joined, status="Đang làm việc", changed=None):
    """A CanBo row in the column order of `STAFF_HEADERS` (name, phone and home town filled in, so that
    tests can check they never reach the warehouse)."""
    return [
        number,
        f"Người Thứ {number}",
        cbccvc,
        person_id,
        "01/01/1985",
        "Nam",
        "Kinh",
        "Không",
        None,
        "Lai Châu",
        f"09000000{number:02d}",
        staff_type,
        None,
        joined,
        status,
        changed,
    ]


def training_row(number, cbccvc, course, start, end, result):
    return [number, cbccvc, f"Người Thứ {number}", course, "Bồi dưỡng", "Tin học", start, end, result]


def discipline_row(number, cbccvc, decision, day):
    return [number, cbccvc, f"Người Thứ {number}", "Cảnh cáo", decision, day, "Vi phạm quy chế"]


def quota_row(year, quota):
    return [1, year, quota, quota, None]


def rating_row(number, cbccvc, year, code, decision=None, day=None):
    """A DanhGia row in the column order of `RATING_DECISION_HEADERS`."""
    return [number, cbccvc, f"Người Thứ {number}", year, code, decision, day]
