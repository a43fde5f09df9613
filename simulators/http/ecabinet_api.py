"""The E-CABINET endpoints (sources.md §4) and their faults (§6), independent of the HTTP transport."""

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs

import numpy as np

from simulators.clock import DAY, local_now, to_seconds
from simulators.http.auth import SourceSecrets
from simulators.http.faults import ECABINET_DETAIL_FAULTS, ECABINET_LIST_FAULTS, FaultInjector
from simulators.http.ratelimit import RateLimiter
from simulators.http.reply import Reply
from simulators.isotime import iso, lower_bound, parse_iso, upper_bound
from simulators.simulation import Simulation

PREFIX = "/ecabinet/api/"
LISTS = ("cuoc-hop", "phieu-lay-y-kien", "nhiem-vu")
DETAIL_ONLY = ("chuongTrinh", "taiLieu", "thanhPhan")
DRIFT_FIELDS = ({"nguoiTao": "TV-000002"}, {"_ext": {"v": 2}}, {"phienBan": 3})
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
MESSAGES = {
    401: "Thông tin đăng nhập không hợp lệ",
    404: "Không tìm thấy tài nguyên",
    429: "Vượt quá giới hạn truy cập",
    500: "Lỗi hệ thống",
    503: "Hệ thống tạm thời không phục vụ",
}


def spring_error(status: int, path: str, message: str | None = None, **headers: str) -> Reply:
    body = {
        "timestamp": iso(to_seconds(local_now()), milliseconds=True),
        "status": status,
        "error": REASONS[status],
        "message": message or MESSAGES[status],
        "path": path,
    }
    return Reply(status, body, headers)


class BadRequest(Exception):
    pass


@dataclass(frozen=True)
class ListRequest:
    lower: int | None
    upper: int | None
    first_day: int | None  # tuNgay, seconds of the day
    last_day: int | None  # denNgay
    offset: int
    limit: int


class EcabinetApi:
    def __init__(
        self,
        simulation: Simulation,
        secrets_: SourceSecrets,
        faults: FaultInjector,
        limiter: RateLimiter | None,
    ):
        self.simulation = simulation
        self.secrets = secrets_
        self.faults = faults
        self.limiter = limiter
        self._index_of: dict[str, int] | None = None

    def route(self, client: str, path: str, query: str, authorization: str | None) -> Reply:
        user = self._user(authorization)
        if user is None:
            return spring_error(401, path, **{"WWW-Authenticate": 'Basic realm="ecabinet"'})
        if self.limiter and (wait := self.limiter.retry_after(user)) is not None:
            return spring_error(429, path, **{"Retry-After": str(wait)})
        name = path.removeprefix(PREFIX)
        if name in LISTS:
            return self._list(client, name, path, query)
        if name.startswith("cuoc-hop/") and name.count("/") == 1:
            return self._detail(client, name.split("/", 1)[1], path)
        return spring_error(404, path)

    def _user(self, authorization: str | None) -> str | None:
        scheme, _, encoded = (authorization or "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, _, password = (
                base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            return None
        return user if self.secrets.ecabinet_allows(user, password) else None

    def _list(self, client: str, name: str, path: str, query: str) -> Reply:
        try:
            request = _parse(query, name != "nhiem-vu")
        except BadRequest as error:
            return spring_error(400, path, str(error))
        order, versions, low, high = self._window(name, request)
        kinds = ECABINET_LIST_FAULTS
        if request.offset > 0 and low + request.offset - 1 < high:
            kinds += ("duplicate_rows",)
        if high > low and (request.lower or 0) <= self.simulation.as_of_seconds:
            kinds += ("page_shift",)
        fault = self.faults.draw((client, "GET", path, query), kinds)
        if fault == "page_shift":
            moved = self.faults.sample(order[low:high].tolist(), self.faults.integer(1, 5))
            self.simulation.shift(name, np.array(moved), to_seconds(local_now()))
            order, versions, low, high = self._window(name, request)
        start = low + request.offset
        stop = min(start + request.limit, high)
        indices = order[start:stop].tolist() if start < high else []
        page_versions = versions[start:stop].tolist() if start < high else []
        if fault == "duplicate_rows":
            repeated = self.faults.integer(1, min(3, request.offset, start - low))
            indices = order[start - repeated : start].tolist() + indices
            page_versions = versions[start - repeated : start].tolist() + page_versions
        items = self.simulation.render(name, indices, page_versions)
        if name == "cuoc-hop":
            items = [{k: v for k, v in item.items() if k not in DETAIL_ONLY} for item in items]
        if fault == "schema_drift":
            extra = DRIFT_FIELDS[self.faults.integer(0, len(DRIFT_FIELDS) - 1)]
            items = [{**item, **extra} for item in items]
        body = {"items": items, "offset": request.offset, "limit": request.limit, "total": high - low}
        return self._fault_reply(fault, Reply(200, body), path)

    def _detail(self, client: str, key: str, path: str) -> Reply:
        index = self._index().get(key)
        entity = self.simulation.entity("cuoc-hop")
        if index is None or entity.events[index, 0] > self.simulation.as_of_seconds:
            return spring_error(404, path, f"Không tìm thấy cuộc họp {key}")
        fault = self.faults.draw((client, "GET", path, ""), ECABINET_DETAIL_FAULTS)
        if fault == "detail_missing":
            return spring_error(404, path, f"Không tìm thấy cuộc họp {key}")
        order, versions = self.simulation.view("cuoc-hop")
        version = int(versions[int(np.flatnonzero(order == index)[0])])
        record = self.simulation.render("cuoc-hop", [index], [version])[0]
        return self._fault_reply(fault, Reply(200, record), path)

    def _index(self) -> dict[str, int]:
        if self._index_of is None:
            keys = self.simulation.entity("cuoc-hop").keys
            self._index_of = {key: position for position, key in enumerate(keys)}
        return self._index_of

    def _window(self, name: str, request: ListRequest) -> tuple[np.ndarray, np.ndarray, int, int]:
        order, versions = self.simulation.view(name)
        days = self.simulation.filter_days(name)
        if days is not None and (request.first_day is not None or request.last_day is not None):
            local_day = days[order] - days[order] % DAY
            keep = np.ones(len(order), dtype=bool)
            if request.first_day is not None:
                keep &= local_day >= request.first_day
            if request.last_day is not None:
                keep &= local_day <= request.last_day
            order, versions = order[keep], versions[keep]
        low = int(np.searchsorted(versions, request.lower, "left")) if request.lower is not None else 0
        high = (
            int(np.searchsorted(versions, request.upper, "right"))
            if request.upper is not None
            else len(order)
        )
        return order, versions, low, max(low, high)

    def _fault_reply(self, fault: str | None, reply: Reply, path: str) -> Reply:
        if fault == "http_5xx":
            status = (500, 503)[self.faults.integer(0, 1)]
            headers = {"Retry-After": str(self.faults.integer(1, 5))} if status == 503 else {}
            return spring_error(status, path, **headers)
        if fault == "rate_limit":
            return spring_error(429, path, **{"Retry-After": str(self.faults.integer(1, 5))})
        if fault in ("timeout", "conn_reset", "truncated_body"):
            reply.transport = fault
        return reply


def _parse(query: str, filters_days: bool) -> ListRequest:
    params = {key: values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}
    offset = _integer(params.get("offset", "0"), "offset", 0, 10**9)
    limit = _integer(params.get("limit", "50"), "limit", 1, 200)
    lower = upper = first_day = last_day = None
    if "updatedSince" in params:
        lower = lower_bound(_moment(params["updatedSince"], "updatedSince"))
    if "updatedUntil" in params:
        upper = upper_bound(_moment(params["updatedUntil"], "updatedUntil"))
    if filters_days:
        first_day = _day(params, "tuNgay")
        last_day = _day(params, "denNgay")
        if first_day is not None and last_day is not None and first_day > last_day:
            raise BadRequest("Tham số tuNgay lớn hơn denNgay")
    return ListRequest(lower, upper, first_day, last_day, offset, limit)


def _integer(text: str, name: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\d{1,10}", text.strip()) or not low <= int(text) <= high:
        raise BadRequest(f"Tham số {name} phải là số nguyên trong khoảng {low}..{high}")
    return int(text)


def _moment(text: str, name: str) -> float:
    try:
        return parse_iso(text, require_offset=False)
    except ValueError:
        raise BadRequest(f"Tham số {name} không hợp lệ") from None


def _day(params: dict[str, str], name: str) -> int | None:
    if name not in params:
        return None
    text = params[name].strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"Tham số {name} không đúng định dạng yyyy-MM-dd") from None
    return (day - date(1970, 1, 1)).days * DAY
