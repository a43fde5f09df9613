"""What an endpoint answers, independent of the HTTP transport."""

from dataclasses import dataclass, field

JSON = "application/json; charset=utf-8"
XML = "application/xml; charset=utf-8"


@dataclass
class Reply:
    status: int
    payload: object  # JSON-serialisable, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    transport: str | None = None  # timeout, conn_reset or truncated_body: applied by the server
    content_type: str = JSON
