"""The QLVB endpoints (sources.md §3.1–3.2, §3.6) and their faults (§6), independent of the HTTP transport."""

import base64
import hashlib
import hmac
import math
import re
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

import numpy as np

from simulators.http.auth import SourceSecrets
from simulators.http.faults import QLVB_FAULTS, FaultInjector
from simulators.http.ratelimit import RateLimiter
from simulators.http.reply import XML, Reply
from simulators.isotime import lower_bound, parse_iso
from simulators.simulation import Simulation

DRIFT_FIELDS = ({"TrangThaiLuuTru": "1"}, {"_ext": {"v": 2}}, {"PhienBanEdxml": "2.0"})
STATUS_CODES = {
    400: "invalid_parameter",
    401: "unauthorized",
    404: "not_found",
    429: "rate_limited",
    500: "internal_error",
    502: "internal_error",
    503: "unavailable",
    504: "internal_error",
}
MESSAGES = {
    "unauthorized": "Thiếu hoặc sai khóa truy cập (X-API-Key)",
    "not_found": "Không tìm thấy tài nguyên",
    "no_edxml": "Văn bản không có gói edXML (văn bản giấy hoặc văn bản mật)",
    "invalid_cursor": "Con trỏ phân trang không hợp lệ hoặc đã hết hạn",
    "rate_limited": "Vượt quá giới hạn truy cập",
    "internal_error": "Lỗi hệ thống",
    "unavailable": "Hệ thống tạm thời không phục vụ",
}
DIRECTIONS = ("di", "den")


def qlvb_error(status: int, code: str | None = None, message: str | None = None, **headers: str) -> Reply:
    code = code or STATUS_CODES.get(status, "internal_error")
    return Reply(status, {"error": {"code": code, "message": message or MESSAGES.get(code, code)}}, headers)


class BadRequest(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Position:
    """A keyset position: after the record with this version and key rank."""

    direction: str
    version: int
    rank: int
    issued: float  # wall-clock seconds, for the 1 h expiry


class QlvbApi:
    def __init__(
        self,
        simulation: Simulation,
        secrets_: SourceSecrets,
        faults: FaultInjector,
        limiter: RateLimiter | None,
        cursor_ttl_s: float = 3600,
    ):
        self.simulation = simulation
        self.secrets = secrets_
        self.faults = faults
        self.limiter = limiter
        self.cursor_ttl_s = cursor_ttl_s
        # Signs cursors so that a forged or damaged one is refused as invalid_cursor.
        self._cursor_key = secrets.token_bytes(16)
        self._index_of: dict[str, int] | None = None

    def _guard(self, api_key: str | None) -> Reply | None:
        if not self.secrets.qlvb_allows(api_key):
            return qlvb_error(401)
        if self.limiter and (wait := self.limiter.retry_after(api_key)) is not None:
            return qlvb_error(429, **{"Retry-After": str(wait)})
        return None

    def documents(self, client: str, query: str, api_key: str | None) -> Reply:
        if (refusal := self._guard(api_key)) is not None:
            return refusal
        params = {key: values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}
        try:
            direction, limit, since, position = self._parse(params)
        except BadRequest as error:
            return qlvb_error(400, error.code, str(error))
        kinds = QLVB_FAULTS + (("cursor_expired",) if position is not None else ())
        fault = self.faults.draw((client, "GET", "/qlvb/api/documents", query), kinds)
        if fault == "cursor_expired":
            return qlvb_error(400, "invalid_cursor")
        order, versions = self._served(direction)
        ranks = self.simulation.entity("documents").key_rank[order]
        if position is not None:
            low = int(np.searchsorted(versions, position.version, "left"))
            high = int(np.searchsorted(versions, position.version, "right"))
            start = low + int(np.searchsorted(ranks[low:high], position.rank, "right"))
        else:
            start = int(np.searchsorted(versions, since, "left")) if since is not None else 0
        stop = min(start + limit, len(order))
        indices, page_versions = order[start:stop].tolist(), versions[start:stop].tolist()
        data = self.simulation.render("documents", indices, page_versions)
        if fault == "schema_drift":
            extra = DRIFT_FIELDS[self.faults.integer(0, len(DRIFT_FIELDS) - 1)]
            data = [{**record, **extra} for record in data]
        next_cursor = None
        if stop < len(order):
            next_cursor = self._encode(
                Position(direction, page_versions[-1], int(ranks[stop - 1]), time.time())
            )
        return self._fault_reply(fault, Reply(200, {"data": data, "nextCursor": next_cursor}))

    def edxml(self, client: str, document: str, api_key: str | None) -> Reply:
        if (refusal := self._guard(api_key)) is not None:
            return refusal
        index = self._index().get(document)
        entity = self.simulation.entity("documents")
        if index is None or entity.events[index, 0] > self.simulation.as_of_seconds:
            return qlvb_error(404, "not_found")
        fault = self.faults.draw(
            (client, "GET", f"/qlvb/api/documents/{document}/edxml", ""), QLVB_FAULTS[:-1]
        )
        body = self.simulation.edxml_of(index)
        if body is None:
            return qlvb_error(404, "no_edxml")
        return self._fault_reply(fault, Reply(200, body, content_type=XML))

    def _served(self, direction: str) -> tuple[np.ndarray, np.ndarray]:
        order, versions = self.simulation.view("documents")
        incoming = self.simulation.incoming_documents()[order]
        keep = incoming if direction == "den" else ~incoming
        return order[keep], versions[keep]

    def _index(self) -> dict[str, int]:
        if self._index_of is None:
            keys = self.simulation.entity("documents").keys
            self._index_of = {key: position for position, key in enumerate(keys)}
        return self._index_of

    def _parse(self, params: dict[str, str]) -> tuple[str, int, int | None, Position | None]:
        direction = params.get("direction", "").strip()
        if direction not in DIRECTIONS:
            raise BadRequest("invalid_parameter", "Tham số direction phải là di hoặc den")
        text = params.get("limit", "100").strip()
        if not re.fullmatch(r"\d{1,4}", text) or not 1 <= int(text) <= 500:
            raise BadRequest("invalid_parameter", "Tham số limit phải trong khoảng 1..500")
        since = None
        if params.get("modifiedSince"):
            try:
                since = lower_bound(parse_iso(params["modifiedSince"], require_offset=True))
            except ValueError:
                raise BadRequest(
                    "invalid_parameter", "Tham số modifiedSince phải theo ISO 8601 có múi giờ"
                ) from None
        position = None
        if "cursor" in params:
            position = self._decode(params["cursor"])
            if position is None or position.direction != direction:
                raise BadRequest("invalid_cursor", MESSAGES["invalid_cursor"])
        return direction, int(text), since, position

    def _encode(self, position: Position) -> str:
        body = f"{position.direction}|{position.version}|{position.rank}|{position.issued:.3f}".encode()
        signature = hmac.new(self._cursor_key, body, hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(body + signature).decode("ascii").rstrip("=")

    def _decode(self, text: str) -> Position | None:
        try:
            raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
            body, signature = raw[:-12], raw[-12:]
            if not hmac.compare_digest(
                hmac.new(self._cursor_key, body, hashlib.sha256).digest()[:12], signature
            ):
                return None
            direction, version, rank, issued = body.decode().split("|")
            position = Position(direction, int(version), int(rank), float(issued))
        except ValueError:
            return None
        if not math.isfinite(position.issued) or time.time() - position.issued > self.cursor_ttl_s:
            return None
        return position

    def _fault_reply(self, fault: str | None, reply: Reply) -> Reply:
        if fault == "http_5xx":
            status = (500, 502, 503, 504)[self.faults.integer(0, 3)]
            headers = {"Retry-After": str(self.faults.integer(1, 5))} if status == 503 else {}
            return qlvb_error(status, **headers)
        if fault == "rate_limit":
            return qlvb_error(429, **{"Retry-After": str(self.faults.integer(1, 5))})
        if fault in ("timeout", "conn_reset", "truncated_body"):
            reply.transport = fault
        return reply
