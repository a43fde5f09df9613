"""edXML packages (sources.md §3.8) of a document header, as the API's /edxml and the file drop send them."""

import base64
from xml.sax.saxutils import escape

from simulators.configuration import place_name, selected_province
from simulators.hashing import mix
from simulators.isotime import slash_timestamp

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


def package(
    header: dict,
    trace: list[tuple[str, int]],
    paper: bool,
    signed: bool,
    salt: int,
    document_id: bool = True,
) -> bytes:
    """The package of a header (the fields of `DocumentRenderer.header`); `trace` is (OrganId, time) hops.

    `document_id` False leaves out the DocumentId element (the `edxml_malformed` fault).
    """
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<edXML xmlns="{NAMESPACE}">']
    parts.append(f'<edXML:edXMLEnvelope xmlns:edXML="{NAMESPACE}"><edXML:edXMLHeader><edXML:MessageHeader>')
    parts.append(_organ("From", header["From"]))
    parts.extend(_organ("To", organ) for organ in header["To"])
    parts.append(
        "<edXML:Code>"
        + _element("CodeNumber", header["CodeNumber"])
        + _element("CodeNotation", header["CodeNotation"])
        + "</edXML:Code>"
    )
    parts.append(
        "<edXML:PromulgationInfo>"
        + _element("Place", place_name(selected_province()))
        + _element("PromulgationDate", header["PromulgationDate"])
        + "</edXML:PromulgationInfo>"
    )
    kind = header["DocumentType"]
    parts.append(
        "<edXML:DocumentType>"
        + _element("Type", str(kind["Type"]))
        + _element("TypeName", kind["TypeName"])
        + "</edXML:DocumentType>"
    )
    parts.append(_element("Subject", header["Subject"]))
    signer = header["SignerInfo"]
    parts.append(
        "<edXML:SignerInfo>"
        + "".join(_element(name, signer[name]) for name in ("Competence", "Position", "FullName"))
        + "</edXML:SignerInfo>"
    )
    if header["DueDate"]:
        parts.append(_element("DueDate", header["DueDate"]))
    parts.append(
        "<edXML:OtherInfo>"
        + _element("Priority", str(header["Priority"]))
        + _element("SphereOfPromulgation", "Lien thong van ban")
        + "</edXML:OtherInfo>"
    )
    if document_id:
        parts.append(_element("DocumentId", header["DocumentId"]))
    parts.append("</edXML:MessageHeader><edXML:TraceHeaderList>")
    for organ, moment in trace:
        parts.append(
            "<edXML:TraceHeader>"
            + _element("OrganId", organ)
            + _element("Timestamp", slash_timestamp(moment))
            + "</edXML:TraceHeader>"
        )
    business = _element("BussinessDocType", str(header["BussinessDocType"]))
    if header["BussinessDocReason"]:
        business += _element("BussinessDocReason", header["BussinessDocReason"])
    business += _element("Paper", "1" if paper else "0")
    if header["ReplacementDocumentIds"]:
        business += (
            "<edXML:ReplacementInfoList>"
            + "".join(
                f"<edXML:ReplacementInfo>{_element('DocumentId', value)}</edXML:ReplacementInfo>"
                for value in header["ReplacementDocumentIds"]
            )
            + "</edXML:ReplacementInfoList>"
        )
    parts.append(f"<edXML:Bussiness>{business}</edXML:Bussiness></edXML:TraceHeaderList>")
    if signed:
        parts.append(_element("DigitalSignature", _blob(salt, 48)))
    parts.append("</edXML:edXMLHeader><edXML:edXMLBody><edXML:edXMLManifest>")
    parts.append(
        "<edXML:Reference><edXML:AttachmentName>van_ban.pdf</edXML:AttachmentName></edXML:Reference>"
    )
    parts.append("</edXML:edXMLManifest></edXML:edXMLBody></edXML:edXMLEnvelope>")
    parts.append(f"<AttachmentEncoded>{_blob(salt + 1, 240)}</AttachmentEncoded></edXML>\n")
    return "".join(parts).encode("utf-8")


def _organ(tag: str, organ: dict) -> str:
    return (
        f"<edXML:{tag}>"
        + _element("OrganId", organ["OrganId"])
        + _element("OrganName", organ["OrganName"])
        + f"</edXML:{tag}>"
    )


def _element(tag: str, value: str | None) -> str:
    return f"<edXML:{tag}>{escape(value or '')}</edXML:{tag}>"


def _blob(salt: int, size: int) -> str:
    """Base64 of deterministic bytes standing in for a signature or an attachment."""
    raw = b"".join(mix(salt, i).to_bytes(8, "little") for i in range(size // 8))
    return base64.b64encode(raw).decode("ascii")
