"""Renders register entries as the QLVB API serves them (sources.md §3.3), as of a moment."""

from typing import NamedTuple

import numpy as np

from simulators.clock import DAY, NEVER
from simulators.configuration import load
from simulators.dvc.agencies import Agency, abbreviation
from simulators.hashing import mix, pick
from simulators.isotime import iso, iso_date, slash_date
from simulators.json_quirks import JsonSpec
from simulators.people import full_name
from simulators.qlvb.documents import (
    COLUMN,
    FORMS,
    INVALID_SEAL,
    PAPER,
    SECRET_LEVELS,
    VALID_SEAL,
    Registers,
)
from simulators.qlvb.edxml import package as edxml_package

SPEC = JsonSpec(
    codes=("DocumentId", "CodeNotation", "MaDonViQuanLy", "HinhThucGuiNhan", "LienThong"),
    enums=("HinhThucGuiNhan", "LienThong", "XuLy[].VaiTro", "DocumentType.TypeName", "DoMat"),
    agencies=("MaDonViQuanLy", "From.OrganId", "To[].OrganId", "XuLy[].MaDonVi"),
    datetimes=("NgayDen", "CreatedAt", "ModifiedAt", "ChuKySo[].ThoiDiemKy", "XuLy[].NgayHoanThanh"),
)
LEAD, SUPPORT = "chủ trì", "phối hợp"


class MessageView(NamedTuple):
    """One message's columns (see documents.Messages) as plain Python values."""

    index: int
    sender: int
    created: int
    kind: int
    number: int
    division: int
    normative: bool
    old_format: bool
    priority: int
    secret: int
    form: int
    seal: int
    personal: bool
    signer: int
    due: int
    updated: int
    recalled: int
    replaces: int
    subject: str
    receivers: list[int]


class DocumentRenderer:
    """Everything needed to turn an entry index into its JSON record; one per simulation."""

    def __init__(self, registers: Registers, agencies: list[Agency], office: int):
        self.registers = registers
        self.agencies = agencies
        self.office = office
        config = load("qlvb")
        self.types = config["types"]
        self.divisions = config["divisions"]
        self.signers = config["signers"]
        self.centrals = config["central_agencies"]
        self.reasons = {
            1: config["recall_reasons"],
            2: config["update_reasons"],
            3: config["replacement_reasons"],
        }
        self.abbreviations = [
            abbreviation(agency, position == office) for position, agency in enumerate(agencies)
        ]
        codes = {a.code for a in agencies}
        # The Office's fixed division (agencies.yaml), or the Office itself at a scale without it.
        division = next(u["code"] for u in load("agencies")["fixed_units"] if u["type"] == "phong-ban")
        self.office_division = division if division in codes else agencies[office].code

    def organ(self, party: int) -> dict:
        if party >= 0:
            return {"OrganId": self.agencies[party].code, "OrganName": self.agencies[party].name}
        central = self.centrals[-1 - party]
        return {"OrganId": central["code"], "OrganName": central["name"]}

    def views(self, messages: np.ndarray) -> list["MessageView"]:
        """The messages' columns as plain values: rendering then never indexes numpy scalars."""
        m = self.registers.messages
        columns = [getattr(m, name)[messages].tolist() for name in MessageView._fields[1:-2]]
        return [
            MessageView(message, *values, m.subject[message], m.receivers[message])
            for message, *values in zip(messages.tolist(), *columns, strict=True)
        ]

    def notation(self, v: "MessageView") -> str:
        owner = self.abbreviations[v.sender] if v.sender >= 0 else self.centrals[-1 - v.sender]["abbr"]
        abbreviation = self.types[v.kind]["abbr"]
        if abbreviation is None:
            return f"{owner}-{self.divisions[v.division]}"
        if v.normative:
            return f"{slash_date(v.created)[:4]}/{abbreviation}-{owner}"
        return f"{abbreviation}-{owner}"

    def document_id(self, v: "MessageView") -> str:
        if v.sender >= 0:
            agency = self.agencies[v.sender]
            organ = agency.old_code if v.old_format else agency.code
        else:
            organ = self.centrals[-1 - v.sender]["code"]
        return f"{organ},{slash_date(v.created)},{v.number}/{self.notation(v)}"

    def business(self, v: "MessageView", moment: int) -> tuple[int, str | None, list[str]]:
        """(BussinessDocType, BussinessDocReason, ReplacementDocumentIds) as of the moment."""
        replaced = [self.document_id(self.views(np.array([v.replaces]))[0])] if v.replaces >= 0 else []
        if v.recalled <= moment:
            return 1, pick(self.reasons[1], v.index), replaced
        if v.updated <= moment:
            return 2, pick(self.reasons[2], v.index), replaced
        if v.replaces >= 0:
            return 3, pick(self.reasons[3], v.index), replaced
        return 0, None, replaced

    def header(self, message: int, moment: int) -> dict:
        """The fields every copy of a message shares (sender's and receivers' entries, edXML packages)."""
        return self.header_of(self.views(np.array([message]))[0], moment)

    def header_of(self, v: "MessageView", moment: int) -> dict:
        kind = self.types[v.kind]
        business, reason, replaced = self.business(v, moment)
        due = v.due
        if business == 2:
            due = (due if due < NEVER else v.created - v.created % DAY) + 3 * DAY
        signer = self.signers[v.signer]
        return {
            "DocumentId": self.document_id(v),
            "From": self.organ(v.sender),
            "To": [self.organ(party) for party in v.receivers],
            "CodeNumber": str(v.number),
            "CodeNotation": self.notation(v),
            "PromulgationDate": slash_date(v.created),
            "DocumentType": {"Type": kind["type"], "TypeName": kind["name"]},
            "Subject": None if v.secret else v.subject,
            "SignerInfo": {
                "Competence": signer["competence"],
                "Position": signer["position"],
                "FullName": full_name(mix(v.index, 7) % 3 == 0, v.index, 8),
            },
            "DueDate": slash_date(due) if due < NEVER else None,
            "Priority": v.priority,
            "SphereOfPromulgation": "Lien thong van ban" if v.form != PAPER else None,
            "BussinessDocType": business,
            "BussinessDocReason": reason,
            "ReplacementDocumentIds": replaced,
        }

    def records(self, indices: list[int], moment: int, versions: list[int]) -> list[dict]:
        entries = self.registers.entries
        rows = np.asarray(indices, dtype=np.int64)
        views = self.views(entries.message[rows])
        columns = zip(
            indices,
            views,
            entries.incoming[rows].tolist(),
            entries.holder[rows].tolist(),
            entries.register_number[rows].tolist(),
            entries.lead_due[rows].tolist(),
            entries.office_unit[rows].tolist(),
            entries.events[rows].tolist(),
            versions,
            strict=True,
        )
        return [self._record(*row, moment) for row in columns]

    def _record(self, index, v, incoming, holder, number, due, office_unit, events, version, moment) -> dict:
        created = events[COLUMN["created"]]
        outside = v.sender < 0 or any(party < 0 for party in v.receivers)
        return {
            "id": self.registers.entries.keys[index],
            "direction": "den" if incoming else "di",
            "MaDonViQuanLy": self.agencies[holder].code,
            **self.header_of(v, moment),
            "SoDen": number if incoming else None,
            "NgayDen": iso(created) if incoming else None,
            "DoMat": SECRET_LEVELS[v.secret],
            "HinhThucGuiNhan": FORMS[v.form],
            "LienThong": None if v.form == PAPER else ("trục VDXP" if outside else "LGSP"),
            "ChuKySo": self.signatures(v),
            "XuLy": self.assignments(index, holder, due, office_unit, events, moment) if incoming else [],
            "CreatedAt": f"{iso(created)[:19]}.{mix(index, 9) % 1000:03d}+07:00",
            "ModifiedAt": iso(version),
        }

    def signatures(self, v: "MessageView") -> list[dict]:
        if v.form == PAPER:
            return []
        signatures = []
        if v.personal:
            signed = v.created - 600 - mix(v.index, 10) % 3_000
            signatures.append({"KyBoi": "ca_nhan", "ThoiDiemKy": iso(signed), "HopLe": True})
        if v.seal in (VALID_SEAL, INVALID_SEAL):
            signed = v.created - mix(v.index, 11) % 600
            signatures.append({"KyBoi": "co_quan", "ThoiDiemKy": iso(signed), "HopLe": v.seal == VALID_SEAL})
        return signatures

    def assignments(
        self, index: int, holder: int, due: int, office_unit: bool, events: list[int], moment: int
    ) -> list[dict]:
        done = events[COLUMN["done"]]
        if done <= moment:
            status = "06"
        elif events[COLUMN["started"]] <= moment:
            status = "05"
        elif events[COLUMN["assigned"]] <= moment:
            status = "04"
        else:
            status = "03"
        lead_unit = self.office_division if office_unit else self.agencies[holder].code
        assignment = {
            "MaDonVi": lead_unit,
            "VaiTro": LEAD,
            "HanXuLy": iso_date(due) if due < NEVER else None,
            "NgayHoanThanh": iso(done) if done <= moment else None,
            "TrangThai": status,
        }
        if office_unit and mix(index, 12) % 3 == 0:
            return [assignment, {**assignment, "MaDonVi": self.agencies[holder].code, "VaiTro": SUPPORT}]
        return [assignment]

    def package(self, index: int, moment: int) -> bytes | None:
        """The edXML package of an entry (sources.md §3.6), or None for paper-only and classified ones."""
        entries, m = self.registers.entries, self.registers.messages
        message = int(entries.message[index])
        if m.form[message] == PAPER or m.secret[message]:
            return None
        header = self.header(message, moment)
        arrival = int(entries.events[index, COLUMN["created"]])
        trace = [(header["From"]["OrganId"], int(m.created[message]))]
        if entries.incoming[index]:
            trace.append((self.agencies[int(entries.holder[index])].code, arrival))
        signed = int(m.seal[message]) in (VALID_SEAL, INVALID_SEAL)
        return edxml_package(header, trace, int(m.form[message]) == 1, signed, mix(message, 13))

    def natural_key(self, record: dict) -> str:
        return f"{record['MaDonViQuanLy']}|{record['direction']}|{record['DocumentId']}"
