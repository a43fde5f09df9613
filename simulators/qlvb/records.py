"""Renders register entries as the QLVB API serves them (sources.md §3.3), as of a moment."""

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
OFFICE_DIVISION = "H35.01.01"
LEAD, SUPPORT = "chủ trì", "phối hợp"


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
        self.office_division = OFFICE_DIVISION if OFFICE_DIVISION in codes else agencies[office].code

    def organ(self, party: int) -> dict:
        if party >= 0:
            return {"OrganId": self.agencies[party].code, "OrganName": self.agencies[party].name}
        central = self.centrals[-1 - party]
        return {"OrganId": central["code"], "OrganName": central["name"]}

    def notation(self, message: int) -> str:
        m = self.registers.messages
        sender = int(m.sender[message])
        owner = self.abbreviations[sender] if sender >= 0 else self.centrals[-1 - sender]["abbr"]
        abbreviation = self.types[int(m.kind[message])]["abbr"]
        if abbreviation is None:
            return f"{owner}-{self.divisions[int(m.division[message])]}"
        if m.normative[message]:
            return f"{slash_date(int(m.created[message]))[:4]}/{abbreviation}-{owner}"
        return f"{abbreviation}-{owner}"

    def document_id(self, message: int) -> str:
        m = self.registers.messages
        sender = int(m.sender[message])
        if sender >= 0:
            agency = self.agencies[sender]
            organ = agency.old_code if m.old_format[message] else agency.code
        else:
            organ = self.centrals[-1 - sender]["code"]
        created = int(m.created[message])
        return f"{organ},{slash_date(created)},{int(m.number[message])}/{self.notation(message)}"

    def business(self, message: int, moment: int) -> tuple[int, str | None, list[str]]:
        """(BussinessDocType, BussinessDocReason, ReplacementDocumentIds) as of the moment."""
        m = self.registers.messages
        replaces = int(m.replaces[message])
        replaced = [self.document_id(replaces)] if replaces >= 0 else []
        if m.recalled[message] <= moment:
            return 1, pick(self.reasons[1], message), replaced
        if m.updated[message] <= moment:
            return 2, pick(self.reasons[2], message), replaced
        if replaces >= 0:
            return 3, pick(self.reasons[3], message), replaced
        return 0, None, replaced

    def header(self, message: int, moment: int) -> dict:
        """The fields every copy of a message shares (sender's and receivers' entries, edXML packages)."""
        m = self.registers.messages
        created = int(m.created[message])
        kind = self.types[int(m.kind[message])]
        business, reason, replaced = self.business(message, moment)
        due = int(m.due[message])
        if business == 2:
            due = (due if due < NEVER else created - created % DAY) + 3 * DAY
        secret = int(m.secret[message])
        signer = self.signers[int(m.signer[message])]
        return {
            "DocumentId": self.document_id(message),
            "From": self.organ(int(m.sender[message])),
            "To": [self.organ(party) for party in m.receivers[message]],
            "CodeNumber": str(int(m.number[message])),
            "CodeNotation": self.notation(message),
            "PromulgationDate": slash_date(created),
            "DocumentType": {"Type": kind["type"], "TypeName": kind["name"]},
            "Subject": None if secret else m.subject[message],
            "SignerInfo": {
                "Competence": signer["competence"],
                "Position": signer["position"],
                "FullName": full_name(mix(message, 7) % 3 == 0, message, 8),
            },
            "DueDate": slash_date(due) if due < NEVER else None,
            "Priority": int(m.priority[message]),
            "SphereOfPromulgation": "Lien thong van ban" if m.form[message] != PAPER else None,
            "BussinessDocType": business,
            "BussinessDocReason": reason,
            "ReplacementDocumentIds": replaced,
        }

    def record(self, index: int, moment: int, version: int) -> dict:
        r = self.registers
        entries, m = r.entries, r.messages
        message = int(entries.message[index])
        incoming = bool(entries.incoming[index])
        events = [int(t) for t in entries.events[index]]
        created = events[COLUMN["created"]]
        form = int(m.form[message])
        sender = int(m.sender[message])
        outside = sender < 0 or any(party < 0 for party in m.receivers[message])
        record = {
            "id": entries.keys[index],
            "direction": "den" if incoming else "di",
            "MaDonViQuanLy": self.agencies[int(entries.holder[index])].code,
            **self.header(message, moment),
            "SoDen": int(entries.register_number[index]) if incoming else None,
            "NgayDen": iso(created) if incoming else None,
            "DoMat": SECRET_LEVELS[int(m.secret[message])],
            "HinhThucGuiNhan": FORMS[form],
            "LienThong": None if form == PAPER else ("trục VDXP" if outside else "LGSP"),
            "ChuKySo": self.signatures(message),
            "XuLy": self.assignments(index, events, moment) if incoming else [],
            "CreatedAt": f"{iso(created)[:19]}.{mix(index, 9) % 1000:03d}+07:00",
            "ModifiedAt": iso(version),
        }
        return record

    def signatures(self, message: int) -> list[dict]:
        m = self.registers.messages
        if m.form[message] == PAPER:
            return []
        created = int(m.created[message])
        signatures = []
        if m.personal[message]:
            signed = created - 600 - mix(message, 10) % 3_000
            signatures.append({"KyBoi": "ca_nhan", "ThoiDiemKy": iso(signed), "HopLe": True})
        seal = int(m.seal[message])
        if seal in (VALID_SEAL, INVALID_SEAL):
            signed = created - mix(message, 11) % 600
            signatures.append({"KyBoi": "co_quan", "ThoiDiemKy": iso(signed), "HopLe": seal == VALID_SEAL})
        return signatures

    def assignments(self, index: int, events: list[int], moment: int) -> list[dict]:
        entries = self.registers.entries
        holder = int(entries.holder[index])
        due = int(entries.lead_due[index])
        done = events[COLUMN["done"]]
        if done <= moment:
            status = "06"
        elif events[COLUMN["started"]] <= moment:
            status = "05"
        elif events[COLUMN["assigned"]] <= moment:
            status = "04"
        else:
            status = "03"
        lead_unit = self.office_division if entries.office_unit[index] else self.agencies[holder].code
        assignment = {
            "MaDonVi": lead_unit,
            "VaiTro": LEAD,
            "HanXuLy": iso_date(due) if due < NEVER else None,
            "NgayHoanThanh": iso(done) if done <= moment else None,
            "TrangThai": status,
        }
        if entries.office_unit[index] and mix(index, 12) % 3 == 0:
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
