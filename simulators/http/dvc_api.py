"""The DVC endpoints (sources.md §2.1–2.3) and their faults (§6), independent of the HTTP transport."""

import math
import re
from dataclasses import dataclass
from urllib.parse import parse_qs

import numpy as np

from simulators.clock import local_now, parse_wire, to_seconds
from simulators.http.auth import TokenStore
from simulators.http.faults import DVC_LIST_FAULTS, TOKEN_FAULTS, FaultInjector
from simulators.http.ratelimit import RateLimiter
from simulators.http.reply import Reply
from simulators.simulation import Simulation

RESOURCES = ("thu-tuc", "don-vi", "ho-so", "phieu-xin-loi", "danh-gia", "pakn", "ngay-nghi")
DRIFT_FIELDS = ({"MaHoSoLienThong": ""}, {"_ext": {"v": 2}}, {"PhienBanDongBo": "2.1"})
TIMESTAMP = re.compile(r"\d{14}")
MESSAGES = {
    401: "Token không hợp lệ hoặc đã hết hạn",
    404: "Không tìm thấy tài nguyên",
    429: "Vượt quá giới hạn truy cập",
    500: "Lỗi hệ thống",
}


class BadRequest(Exception):
    pass


def dvc_error(status: int, message: str | None = None, **headers: str) -> Reply:
    return Reply(
        status,
        {"error_code": str(status), "message": message or MESSAGES.get(status, MESSAGES[500])},
        headers,
    )


def oauth_error(status: int, error: str, description: str, **headers: str) -> Reply:
    return Reply(status, {"error": error, "error_description": description}, headers)


class DvcApi:
    def __init__(
        self,
        simulation: Simulation,
        tokens: TokenStore,
        faults: FaultInjector,
        api_limiter: RateLimiter | None,
        token_limiter: RateLimiter | None,
    ):
        self.simulation = simulation
        self.tokens = tokens
        self.faults = faults
        self.api_limiter = api_limiter
        self.token_limiter = token_limiter

    def token(self, client_address: str, form_body: bytes) -> Reply:
        form = {name: values[0] for name, values in parse_qs(form_body.decode("utf-8", "replace")).items()}
        client = form.get("client_id") or client_address
        if self.token_limiter and (wait := self.token_limiter.retry_after(client)) is not None:
            return oauth_error(
                429, "temporarily_unavailable", "Vượt quá giới hạn truy cập", **{"Retry-After": str(wait)}
            )
        grant_type = form.get("grant_type")
        if not grant_type:
            return oauth_error(400, "invalid_request", "Thiếu tham số grant_type")
        if grant_type != "client_credentials":
            return oauth_error(400, "unsupported_grant_type", "Chỉ hỗ trợ client_credentials")
        if not form.get("client_id") or not form.get("client_secret"):
            return oauth_error(400, "invalid_request", "Thiếu client_id hoặc client_secret")
        if not self.tokens.authenticate(form["client_id"], form["client_secret"]):
            return oauth_error(401, "invalid_client", "Ứng dụng không hợp lệ")
        reply = Reply(
            200,
            {
                "access_token": self.tokens.issue(client),
                "token_type": "Bearer",
                "expires_in": int(self.tokens.ttl_s),
            },
            {"Cache-Control": "no-store"},
        )
        fault = self.faults.draw((client, "POST", "/dvc/oauth2/token", ""), TOKEN_FAULTS)
        if fault == "http_5xx":
            status = (500, 503)[self.faults.integer(0, 1)]
            error = "temporarily_unavailable" if status == 503 else "server_error"
            return oauth_error(status, error, "Lỗi hệ thống", **self._retry_after(status))
        if fault == "rate_limit":
            return oauth_error(
                429, "temporarily_unavailable", "Vượt quá giới hạn truy cập", **self._retry_after(429)
            )
        reply.transport = fault
        return reply

    def resource(self, client_address: str, name: str, query: str, authorization: str | None) -> Reply:
        if name not in RESOURCES:
            return dvc_error(404)
        scheme, _, token = (authorization or "").partition(" ")
        client = self.tokens.client_of(token.strip()) if scheme.lower() == "bearer" else None
        if client is None:
            return dvc_error(401, **{"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if self.api_limiter and (wait := self.api_limiter.retry_after(client)) is not None:
            return dvc_error(429, **{"Retry-After": str(wait)})
        try:
            request = _parse(name, query, self.simulation.entity(name).incremental)
        except BadRequest as error:
            return dvc_error(400, str(error))
        page, page_size = request.page, request.page_size
        order, versions, low, high = self._window(name, request)
        kinds = DVC_LIST_FAULTS
        if page >= 2 and low + (page - 2) * page_size < high:
            kinds += ("duplicate_rows",)
        if (
            self.simulation.entity(name).incremental
            and high > low
            and (request.lower or 0) <= self.simulation.as_of_seconds
        ):
            kinds += ("page_shift",)
        fault = self.faults.draw((client, "GET", f"/dvc/api/v1/{name}", query), kinds)
        if fault == "page_shift":
            moved = self.faults.sample(order[low:high].tolist(), self.faults.integer(1, 5))
            self.simulation.shift(name, np.array(moved), to_seconds(local_now()))
            order, versions, low, high = self._window(name, request)
        start = low + (page - 1) * page_size
        stop = min(start + page_size, high)
        indices = order[start:stop].tolist() if start < high else []
        page_versions = versions[start:stop].tolist() if start < high else []
        if fault == "duplicate_rows":
            previous = max(low, start - page_size)
            repeated = self.faults.integer(1, min(3, start - previous))
            indices = order[start - repeated : start].tolist() + indices
            page_versions = versions[start - repeated : start].tolist() + page_versions
        data = self.simulation.render(name, indices, page_versions)
        if fault == "schema_drift":
            extra = DRIFT_FIELDS[self.faults.integer(0, len(DRIFT_FIELDS) - 1)]
            data = [{**record, **extra} for record in data]
        reply = Reply(
            200,
            {
                "error_code": "0",
                "message": "Thành công",
                "page": page,
                "pageSize": page_size,
                "total": high - low,
                "data": data,
            },
        )
        return self._fault_reply(fault, reply)

    def _window(self, name: str, request: "ListRequest") -> tuple[np.ndarray, np.ndarray, int, int]:
        """The served order and versions, and the bounds of the requested window within them."""
        order, versions = self.simulation.view(name)
        entity = self.simulation.entity(name)
        if entity.years is not None and request.year is not None:
            keep = entity.years[order] == request.year
            order, versions = order[keep], versions[keep]
        if not entity.incremental:
            return order, versions, 0, len(order)
        low = int(np.searchsorted(versions, request.lower, "left")) if request.lower is not None else 0
        high = (
            int(np.searchsorted(versions, request.upper, "right"))
            if request.upper is not None
            else len(order)
        )
        return order, versions, low, max(low, high)

    def _fault_reply(self, fault: str | None, reply: Reply) -> Reply:
        if fault == "http_5xx":
            status = (500, 502, 503, 504)[self.faults.integer(0, 3)]
            return dvc_error(status, **self._retry_after(status))
        if fault == "soft_error":
            return Reply(200, {"error_code": "500", "message": MESSAGES[500]})
        if fault == "rate_limit":
            return dvc_error(429, **self._retry_after(429))
        if fault == "token_expiry":
            return dvc_error(401, **{"WWW-Authenticate": 'Bearer error="invalid_token"'})
        if fault in ("timeout", "conn_reset", "truncated_body"):
            reply.transport = fault
        return reply

    def _retry_after(self, status: int) -> dict[str, str]:
        return {"Retry-After": str(self.faults.integer(1, 5))} if status in (429, 503) else {}


@dataclass(frozen=True)
class ListRequest:
    lower: int | None  # tuNgay, seconds
    upper: int | None  # denNgay, seconds
    page_size: int
    page: int
    year: int | None  # nam (ngay-nghi only)


def _parse(name: str, query: str, incremental: bool) -> ListRequest:
    params = {key: values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}
    page = _integer(params.get("page", "1"), "page", 1, math.inf)
    page_size = _integer(params.get("pageSize", "100"), "pageSize", 1, 1000)
    lower = upper = year = None
    if incremental:
        lower = _timestamp(params, "tuNgay")
        upper = _timestamp(params, "denNgay")
        if lower is not None and upper is not None and lower > upper:
            raise BadRequest("Tham số tuNgay lớn hơn denNgay")
    if name == "ngay-nghi" and "nam" in params:
        if not re.fullmatch(r"\d{4}", params["nam"].strip()):
            raise BadRequest("Tham số nam không phải là năm hợp lệ (yyyy)")
        year = int(params["nam"])
    return ListRequest(lower, upper, page_size, page, year)


def _integer(text: str, name: str, low: int, high: float) -> int:
    if not re.fullmatch(r"\d{1,9}", text.strip()) or not low <= int(text) <= high:
        bounds = f"trong khoảng {low}..{high}" if high != math.inf else f"lớn hơn hoặc bằng {low}"
        raise BadRequest(f"Tham số {name} phải là số nguyên {bounds}")
    return int(text)


def _timestamp(params: dict[str, str], name: str) -> int | None:
    if name not in params:
        return None
    text = params[name].strip()
    try:
        if not TIMESTAMP.fullmatch(text):
            raise ValueError(text)
        return parse_wire(text)
    except ValueError:
        raise BadRequest(f"Tham số {name} không đúng định dạng yyyyMMddHHmmss") from None
