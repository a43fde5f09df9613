"""edXML package headers (sources.md §3.8) read with a hardened, streaming SAX parser.

Any DTD, entity declaration or external reference stops the parse (`xml_forbidden`) before anything is
resolved or fetched. The file is streamed to its end, so that truncation is noticed, but only the text of
`edXMLHeader` is kept: attachments are never decoded or held. The result is a record shaped like a QLVB
API document (§3.3) with the package-only fields `NgayDen`, `Paper` and `CoChuKyEdxml`.

A package is untrusted input: `PackageLimits` bounds its depth, its element and attribute counts, the text
kept of one element, and the bytes fed to the parser without any event (a start tag of millions of
attributes is parsed whole, in memory, before a handler sees it), so that no file costs more than that.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml.common import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
MAX_FILE_BYTES = 100 * 1024 * 1024  # sources.md §1.10 (contract choice)

XML_FORBIDDEN = "xml_forbidden"
XML_MALFORMED = "xml_malformed"
FILE_TOO_LARGE = "file_too_large"
UNREADABLE_FILE = "unreadable_file"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class PackageLimits:
    """What parsing one package may cost, whatever it holds (contract choice: a real package is about ten
    elements deep, its header a few hundred elements and kilobytes; attachments are a few elements each)."""

    depth: int = 64
    elements: int = 100_000
    attributes: int = 64  # of one element
    text_chars: int = 1 << 20  # of one element whose text is kept
    quiet_bytes: int = 1 << 20  # fed without one event: a single tag, comment or instruction that long


# Leaf paths under edXMLHeader whose text is kept, by the record field they fill.
_TEXT_FIELDS = {
    ("MessageHeader", "Code", "CodeNumber"): "CodeNumber",
    ("MessageHeader", "Code", "CodeNotation"): "CodeNotation",
    ("MessageHeader", "PromulgationInfo", "PromulgationDate"): "PromulgationDate",
    ("MessageHeader", "Subject"): "Subject",
    ("MessageHeader", "DueDate"): "DueDate",
    ("MessageHeader", "OtherInfo", "Priority"): "Priority",
    ("MessageHeader", "OtherInfo", "SphereOfPromulgation"): "SphereOfPromulgation",
    ("MessageHeader", "DocumentId"): "DocumentId",
    ("TraceHeaderList", "Bussiness", "BussinessDocType"): "BussinessDocType",
    ("TraceHeaderList", "Bussiness", "BussinessDocReason"): "BussinessDocReason",
    ("TraceHeaderList", "Bussiness", "Paper"): "Paper",
}
# Leaf paths that fill a field of a nested object: path → (record field, object field).
_OBJECT_FIELDS = {
    ("MessageHeader", "From", "OrganId"): ("From", "OrganId"),
    ("MessageHeader", "From", "OrganName"): ("From", "OrganName"),
    ("MessageHeader", "DocumentType", "Type"): ("DocumentType", "Type"),
    ("MessageHeader", "DocumentType", "TypeName"): ("DocumentType", "TypeName"),
    ("MessageHeader", "SignerInfo", "Competence"): ("SignerInfo", "Competence"),
    ("MessageHeader", "SignerInfo", "Position"): ("SignerInfo", "Position"),
    ("MessageHeader", "SignerInfo", "FullName"): ("SignerInfo", "FullName"),
}
_TO = ("MessageHeader", "To")
_TRACE_TIMESTAMP = ("TraceHeaderList", "TraceHeader", "Timestamp")
_REPLACED = ("TraceHeaderList", "Bussiness", "ReplacementInfoList", "ReplacementInfo", "DocumentId")
_SIGNATURE = ("DigitalSignature",)
# Defaults of §3.8 for optional elements that drive the metrics.
_DEFAULTS = {"Priority": "0", "BussinessDocType": "0", "Paper": "0"}
# Paths whose element text is kept (besides the fields of each `To` entry).
_KEPT = frozenset([*_TEXT_FIELDS, *_OBJECT_FIELDS, _TRACE_TIMESTAMP, _REPLACED, _SIGNATURE])


class PackageRejected(Exception):
    """A file that cannot be read as a package: `reason` is a §1.10 code, `detail` Vietnamese text."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class _Node:
    """An element path below edXMLHeader (`path`, local names; "" for another namespace) with what its
    start and end do, worked out once: an element's node is its parent's `child`, so that no event builds
    or compares path tuples."""

    # Nodes made so far, shared by every parse (a path's meaning does not depend on the file); past this
    # many, a hostile file's new paths are worked out for each element and not kept.
    _cache_limit = 4_096
    _cached = 0

    def __init__(self, path: tuple[str, ...]):
        self.path = path
        self.children: dict[str, _Node] = {}
        # What the element's start records: "header", "message_header", "to" (a new To entry) or
        # "signed" (a child of DigitalSignature: the signature is not empty).
        self.on_start = (
            "header"
            if path == ()
            else "message_header"
            if path == ("MessageHeader",)
            else "to"
            if path == _TO
            else "signed"
            if path[: len(_SIGNATURE)] == _SIGNATURE and len(path) > 1
            else None
        )
        self.kept = path in _KEPT or (len(path) == 3 and path[:2] == _TO)  # its text is collected
        # Where the kept text goes at the element's end.
        self.on_end = (
            "text"
            if path in _TEXT_FIELDS
            else "object"
            if path in _OBJECT_FIELDS
            else "to"
            if len(path) == 3 and path[:2] == _TO
            else "timestamp"
            if path == _TRACE_TIMESTAMP
            else "replaced"
            if path == _REPLACED
            else "signature"
            if path == _SIGNATURE
            else None
        )

    def child(self, name: str) -> "_Node":
        """The node of a child element by expat's `name` of it (the names of one path differ only by
        prefix: each has its node, all alike)."""
        node = self.children.get(name)
        if node is None:
            node = _Node((*self.path, _local_name(name)))
            if _Node._cached < _Node._cache_limit:
                _Node._cached += 1
                self.children[name] = node
        return node


_HEADER = _Node(())
# Expat's element names (`uri local [prefix]`, or `local` with no namespace) seen so far, by what `stack`
# holds for them: the local name in the edXML namespace, "" for any other or none; bounded like the nodes.
_LOCAL_NAMES: dict[str, str] = {}
_LOCAL_NAMES_LIMIT = 4_096


def _local_name(name: str) -> str:
    local = _LOCAL_NAMES.get(name)
    if local is None:
        parts = name.split(" ")
        local = parts[1] if len(parts) > 1 and parts[0] == NAMESPACE else ""
        if len(_LOCAL_NAMES) < _LOCAL_NAMES_LIMIT:
            _LOCAL_NAMES[name] = local
    return local


class _HeaderHandler(ContentHandler):
    def __init__(self, limits: PackageLimits):
        super().__init__()
        self.limits = limits
        self.events = 0  # elements started or ended and text pieces seen: the parser is making progress
        self.elements = 0
        self.text_chars = 0
        self.stack: list[str] = []  # expat's names of the open elements, from the root
        # The node below edXMLHeader of each open element (None outside the header), after a None for the
        # document itself.
        self.nodes: list[_Node | None] = [None]
        self.envelope_depth: int | None = None
        self.header_seen = False
        self.message_header_seen = False
        self.text: list[str] | None = None
        self.record: dict = {"To": [], "ReplacementDocumentIds": [], "CoChuKyEdxml": False}
        self.timestamps: list[str] = []

    def start(self, name: str, attrs: dict) -> None:
        """An element opened: `name` is expat's `uri local [prefix]` (or `local` with no namespace)."""
        stack = self.stack
        stack.append(name)
        limits = self.limits
        self.events += 1
        self.elements += 1
        if self.elements > limits.elements:
            raise PackageRejected(XML_MALFORMED, f"Tệp có hơn {limits.elements} phần tử")
        if len(stack) > limits.depth:
            raise PackageRejected(XML_MALFORMED, f"Phần tử lồng sâu hơn {limits.depth} cấp")
        if len(attrs) > limits.attributes:
            shown = name.split(" ")[1] if " " in name else name  # its local name, whatever its namespace
            raise PackageRejected(XML_MALFORMED, f"Phần tử {shown} có hơn {limits.attributes} thuộc tính")
        parent = self.nodes[-1]
        if parent is not None:
            node = parent.child(name)
        else:
            # Outside the header (the envelope, the body, what follows): names are looked at here only.
            local = _local_name(name)
            depth = self.envelope_depth
            if depth is None:
                if local == "edXMLEnvelope" and len(stack) <= 2:
                    self.envelope_depth = depth = len(stack) - 1
                elif len(stack) == 1 and local != "edXML":
                    raise PackageRejected(XML_MALFORMED, "Tệp không có phong bì edXML (edXMLEnvelope)")
            if depth is None or len(stack) != depth + 2 or local != "edXMLHeader":
                self.nodes.append(None)
                return
            node = _HEADER
        self.nodes.append(node)
        action = node.on_start
        if action is not None:
            if action == "header":
                self.header_seen = True
            elif action == "message_header":
                self.message_header_seen = True
            elif action == "to":
                self.record["To"].append({})
            else:
                self.record["CoChuKyEdxml"] = True
        if node.kept:
            self.text, self.text_chars = [], 0

    def characters(self, content):
        self.events += 1
        if self.text is not None:
            self.text_chars += len(content)
            if self.text_chars > self.limits.text_chars:
                raise PackageRejected(
                    XML_MALFORMED,
                    f"Nội dung phần tử {_local_name(self.stack[-1])} dài hơn {self.limits.text_chars} ký tự",
                )
            self.text.append(content)

    def end(self, name: str = "") -> None:
        self.events += 1
        node = self.nodes.pop()
        text = self.text
        self.text = None
        self.stack.pop()
        if node is None or text is None or node.on_end is None:
            return
        value = "".join(text)
        action = node.on_end
        record = self.record
        path = node.path
        if action == "text":
            record[_TEXT_FIELDS[path]] = value
        elif action == "object":
            field, key = _OBJECT_FIELDS[path]
            record.setdefault(field, {})[key] = value
        elif action == "to":
            if record["To"]:
                record["To"][-1][path[2]] = value
        elif action == "timestamp":
            self.timestamps.append(value)
        elif action == "replaced":
            record["ReplacementDocumentIds"].append(value)
        elif value.strip():  # the signature's own text
            record["CoChuKyEdxml"] = True


class _PackageParser(DefusedExpatParser):
    """defusedxml's SAX reader, which refuses DTDs, entity declarations and external references, with
    expat's element events handed straight to the header handler: the SAX layer's name tuples and
    attribute objects, built for every element, and its extra call per event cost more than the handler
    itself."""

    def __init__(self, handler: _HeaderHandler):
        super().__init__(namespaceHandling=1, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.setContentHandler(handler)
        self._handler = handler

    def reset(self):
        super().reset()
        self._parser.StartElementHandler = self._handler.start
        self._parser.EndElementHandler = self._handler.end


def _feed(parser: _PackageParser, handler: _HeaderHandler, stream: BinaryIO) -> None:
    """Feed the stream in chunks, refusing a stretch of `quiet_bytes` that gives the handler nothing."""
    quiet = 0
    while chunk := stream.read(_CHUNK):
        events = handler.events
        parser.feed(chunk)
        quiet = 0 if handler.events != events else quiet + len(chunk)
        if quiet > handler.limits.quiet_bytes:
            raise PackageRejected(
                XML_MALFORMED,
                f"Tệp có một thẻ, chú thích hoặc chỉ thị dài hơn {handler.limits.quiet_bytes} byte",
            )
    parser.close()


def parse_package(stream: BinaryIO, limits: PackageLimits = PackageLimits()) -> dict:
    """The header of the package in `stream` as a record; raises `PackageRejected`."""
    handler = _HeaderHandler(limits)
    parser = _PackageParser(handler)
    try:
        _feed(parser, handler, stream)
    except DefusedXmlException as exc:
        raise PackageRejected(
            XML_FORBIDDEN, f"Tệp chứa DTD hoặc khai báo thực thể ({type(exc).__name__})"
        ) from None
    except SAXParseException as exc:
        raise PackageRejected(
            XML_MALFORMED,
            f"Tệp XML không hợp lệ hoặc bị cắt cụt: dòng {exc.getLineNumber()}, cột {exc.getColumnNumber()}: "
            f"{exc.getMessage()}",
        ) from None
    except SAXException as exc:
        raise PackageRejected(XML_MALFORMED, f"Tệp XML không hợp lệ: {exc.getMessage()}") from None
    if handler.elements == 0:
        raise PackageRejected(XML_MALFORMED, "Tệp rỗng: không có phần tử XML nào")
    if handler.envelope_depth is None:
        raise PackageRejected(XML_MALFORMED, "Tệp không có phong bì edXML (edXMLEnvelope)")
    if not handler.message_header_seen:
        raise PackageRejected(XML_MALFORMED, "Gói tin trạng thái không được hỗ trợ (không có MessageHeader)")
    record = handler.record
    if handler.timestamps:
        record["NgayDen"] = handler.timestamps[-1]
    for name, default in _DEFAULTS.items():
        if not (record.get(name) or "").strip():
            record[name] = default
    return record


def read_package(
    path: Path, max_bytes: int = MAX_FILE_BYTES, limits: PackageLimits = PackageLimits()
) -> dict:
    """The header record of the package file at `path`; a file over `max_bytes` is not opened."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PackageRejected(FILE_TOO_LARGE, f"Tệp {size} byte vượt giới hạn {max_bytes} byte")
        with path.open("rb") as stream:
            return parse_package(stream, limits)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise PackageRejected(UNREADABLE_FILE, f"Không đọc được tệp: {reason}") from None
