"""The edXML file drop (sources.md §3.7, §6, §7 Q10/Q17): packages received over the national axis.

Every package has a fixed arrival time and sequence number, so the files present as of a moment are always
the same bytes under the same names. Quirks are drawn per package from its sequence number.
"""

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from simulators.clock import NEVER, wire
from simulators.dvc.agencies import Agency
from simulators.hashing import mix
from simulators.isotime import iso
from simulators.json_quirks import MIXED_CASE_TYPES
from simulators.qlvb.documents import BOTH_WAYS, FILE_ONLY, INVALID_SEAL, VALID_SEAL
from simulators.qlvb.edxml import package as edxml_package
from simulators.qlvb.records import DocumentRenderer
from simulators.textquirks import padded

ORIGINAL, RECALL, UPDATE, ORPHAN = 0, 1, 2, 3
FAULT_VARIANTS = (
    ("edxml_hostile", "local_entity"),
    ("edxml_hostile", "url_entity"),
    ("edxml_hostile", "entity_bomb"),
    ("edxml_hostile", "external_dtd"),
    ("edxml_malformed", "truncated"),
    ("edxml_malformed", "not_xml"),
    ("edxml_malformed", "missing_document_id"),
)
FAULT_SEQUENCE_START = 900_001
# Fault files name hosts that never answer: nothing may fetch them, and nothing would be found if it did.
PROBE_URL = "http://127.0.0.1:9"


@dataclass(frozen=True)
class Package:
    time: int  # arrival, local seconds
    sequence: int
    kind: int  # ORIGINAL, RECALL, UPDATE or ORPHAN
    message: int  # message index; for ORPHAN, the orphan's position

    @property
    def name(self) -> str:
        return f"{wire(self.time)}_{self.sequence:06d}.edxml"


class EdxmlDrop:
    def __init__(
        self, renderer: DocumentRenderer, agencies: list[Agency], rates: dict[str, float], seed: int
    ):
        self.renderer = renderer
        self.agencies = agencies
        self.rates = rates
        self.seed = seed
        self.old_codes = {a.code: a.old_code for a in agencies}
        registers = renderer.registers
        m = registers.messages
        pending = []
        for message in (i for i, p in enumerate(m.packaged.tolist()) if p):
            pending.append((self._arrival(message), ORIGINAL, message))
        for message in registers.package_recalls.tolist():
            if m.recalled[message] < NEVER:
                pending.append((int(m.recalled[message]), RECALL, message))
            elif m.updated[message] < NEVER:
                pending.append((int(m.updated[message]), UPDATE, message))
        for position, (_, _, moment) in enumerate(registers.orphan_recalls):
            pending.append((moment, ORPHAN, position))
        pending.sort()
        self.packages = [Package(t, i + 1, kind, message) for i, (t, kind, message) in enumerate(pending)]

    def _arrival(self, message: int) -> int:
        return (
            int(self.renderer.registers.messages.created[message])
            + 600
            + mix(self.seed, message, 31) % 10_800
        )

    def present(self, moment: int) -> list[Package]:
        return [p for p in self.packages if p.time <= moment]

    def clean_header(self, package: Package) -> dict:
        if package.kind == ORPHAN:
            return self._orphan_header(package.message)
        return self.renderer.header(package.message, package.time)

    def receivers(self, package: Package) -> list[int]:
        if package.kind == ORPHAN:
            return [self.renderer.registers.orphan_recalls[package.message][1]]
        return [r for r in self.renderer.registers.messages.receivers[package.message] if r >= 0]

    def content(self, package: Package) -> tuple[bytes, list[tuple[str, str]]]:
        """The file's bytes and the (field, quirk) pairs it carries."""
        header = self.clean_header(package)
        altered = self._quirks(package, header)
        m = self.renderer.registers.messages
        if package.kind == ORPHAN:
            central = self.renderer.registers.orphan_recalls[package.message][0]
            sender_id, paper, signed = self.renderer.centrals[central]["code"], False, True
        else:
            sender_id = header["From"]["OrganId"]
            paper = int(m.form[package.message]) == 1
            signed = int(m.seal[package.message]) in (VALID_SEAL, INVALID_SEAL)
        trace = [(sender_id, package.time - 600), (header["To"][0]["OrganId"], package.time)]
        data = edxml_package(header, trace, paper, signed, mix(self.seed, package.sequence))
        if self._chosen(package, "Q2", self.rates["Q2"]):
            decomposed = unicodedata.normalize("NFD", data.decode("utf-8")).encode("utf-8")
            if decomposed != data:
                data = decomposed
                altered.append(("file", "Q2"))
        return data, altered

    def _quirks(self, package: Package, header: dict) -> list[tuple[str, str]]:
        altered = []
        if self._chosen(package, "Q5", min(1.0, 2 * self.rates["Q5"])):
            for position, organ in enumerate([header["From"], *header["To"]]):
                old = self.old_codes.get(organ["OrganId"])
                if old and (position == 0 or mix(package.sequence, position) % 2 == 0):
                    organ["OrganId"] = old
                    altered.append(("From.OrganId" if position == 0 else f"To[{position - 1}].OrganId", "Q5"))
        if self._chosen(package, "Q4", min(1.0, 5 * self.rates["Q4"])):
            for code in MIXED_CASE_TYPES:
                if code in header["CodeNotation"]:
                    header["CodeNotation"] = header["CodeNotation"].replace(code, code.upper())
                    header["DocumentId"] = header["DocumentId"].replace(code, code.upper())
                    altered += [("CodeNotation", "Q4"), ("DocumentId", "Q4")]
                    break
        if self._chosen(package, "Q3", self.rates["Q3"]):
            header["DocumentId"] = padded(header["DocumentId"], package.sequence)
            altered.append(("DocumentId", "Q3"))
        return altered

    def _chosen(self, package: Package, quirk: str, rate: float) -> bool:
        return mix(self.seed, package.sequence, sum(quirk.encode())) % 100_000 < rate * 100_000

    def manifest(self, moment: int) -> list[dict]:
        """Entries keyed by the natural key of each entry the package loads (one per receiving agency)."""
        entries = []
        m = self.renderer.registers.messages
        for package in self.present(moment):
            header = self.clean_header(package)
            _, altered = self.content(package)
            if package.kind in (RECALL, UPDATE, ORPHAN):
                altered.append(("BussinessDocType", "Q10"))
            elif m.packaged[package.message] == BOTH_WAYS:
                altered.append(("DocumentId", "Q17"))
            for receiver in self.receivers(package):
                key = f"{self.agencies[receiver].code}|den|{header['DocumentId']}"
                entries.extend(
                    {"source": "qlvb", "entity": "edxml", "key": key, "field": field, "quirk": quirk}
                    for field, quirk in altered
                )
        return entries

    def file_only_truth(self, moment: int) -> list[dict]:
        """The documents that exist only as files, as `den` entries loaded by §3.7 (latest package wins)."""
        m = self.renderer.registers.messages
        records = []
        for package in self.present(moment):
            if package.kind != ORIGINAL or m.packaged[package.message] != FILE_ONLY:
                continue
            header = self.renderer.header(package.message, moment)
            for receiver in self.receivers(package):
                records.append(
                    {
                        "id": None,
                        "direction": "den",
                        "MaDonViQuanLy": self.agencies[receiver].code,
                        **header,
                        "SoDen": None,
                        "NgayDen": iso(package.time),
                        "DoMat": "",
                        "HinhThucGuiNhan": "cả hai" if int(m.form[package.message]) == 1 else "điện tử",
                        "LienThong": "trục VDXP",
                        "ChuKySo": None,
                        "XuLy": [],
                        "CreatedAt": None,
                        "ModifiedAt": None,
                    }
                )
        return records

    def _orphan_header(self, position: int) -> dict:
        central, receiver, moment = self.renderer.registers.orphan_recalls[position]
        organ = self.renderer.centrals[central]
        receiver_organ = self.renderer.organ(receiver)
        number = 70_000 + position
        date = iso(moment)[:10].replace("-", "/")
        return {
            "DocumentId": f"{organ['code']},{date},{number}/TB-{organ['abbr']}",
            "From": {"OrganId": organ["code"], "OrganName": organ["name"]},
            "To": [receiver_organ],
            "CodeNumber": str(number),
            "CodeNotation": f"TB-{organ['abbr']}",
            "PromulgationDate": date,
            "DocumentType": {"Type": 7, "TypeName": "Thông báo"},
            "Subject": "Thông báo thu hồi văn bản",
            "SignerInfo": {
                "Competence": "TL. BỘ TRƯỞNG",
                "Position": "Chánh Văn phòng",
                "FullName": "Trần Văn Hải",
            },
            "DueDate": None,
            "Priority": 0,
            "SphereOfPromulgation": "Lien thong van ban",
            "BussinessDocType": 1,
            "BussinessDocReason": "Thu hồi văn bản đã gửi nhầm",
            "ReplacementDocumentIds": [],
        }

    def fault_files(self, moment: int, rate: float) -> list[tuple[str, bytes]]:
        """⌊rate × N⌋ extra files, and at least one of every variant, with DocumentIds found nowhere else."""
        if rate <= 0:
            return []
        real = len(self.present(moment))
        count = max(int(rate * real), len(FAULT_VARIANTS))
        first = min((p.time for p in self.packages), default=moment)
        files = []
        for position in range(count):
            _, variant = FAULT_VARIANTS[position % len(FAULT_VARIANTS)]
            moment_of_file = min(moment, first + position * 3_600)
            header = self._orphan_header(0) | {"BussinessDocType": 0, "BussinessDocReason": None}
            number = 80_000 + position
            header["CodeNumber"] = str(number)
            header["DocumentId"] = (
                header["DocumentId"].rsplit(",", 1)[0] + f",{number}/{header['CodeNotation']}"
            )
            name = f"{wire(moment_of_file)}_{FAULT_SEQUENCE_START + position:06d}.edxml"
            files.append((name, _faulty(variant, header, moment_of_file, position)))
        return files

    def write(self, folder: Path, moment: int, fault_rate: float) -> list[str]:
        """Writes, atomically, every file present as of the moment and not there yet; returns their names."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        files = [(p.name, lambda p=p: self.content(p)[0]) for p in self.present(moment)]
        files += [(name, lambda data=data: data) for name, data in self.fault_files(moment, fault_rate)]
        for name, produce in files:
            target = folder / name
            if target.exists():
                continue
            write_atomically(target, produce())
            written.append(name)
        return written


def write_atomically(target: Path, data: bytes) -> None:
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, target)


def _faulty(variant: str, header: dict, moment: int, position: int) -> bytes:
    trace = [(header["From"]["OrganId"], moment)]
    clean = edxml_package(header, trace, False, False, position, document_id=variant != "missing_document_id")
    if variant == "missing_document_id":
        return clean
    if variant == "truncated":
        return clean[: len(clean) // 2]
    if variant == "not_xml":
        return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
    body = clean.split(b"\n", 1)[1]
    if variant == "external_dtd":
        doctype = f'<!DOCTYPE edXML SYSTEM "{PROBE_URL}/edxml.dtd">'
        return _with_doctype(doctype, body, None)
    if variant == "entity_bomb":
        levels = ['<!ENTITY lol0 "lol">'] + [
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
        ]
        return _with_doctype(f"<!DOCTYPE edXML [{''.join(levels)}]>", body, "&lol9;")
    target = "file:///etc/passwd" if variant == "local_entity" else f"{PROBE_URL}/edxml-probe"
    return _with_doctype(f'<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "{target}">]>', body, "&xxe;")


def _with_doctype(doctype: str, body: bytes, reference: str | None) -> bytes:
    text = body.decode("utf-8")
    if reference:
        start = text.index("<edXML:Subject>") + len("<edXML:Subject>")
        end = text.index("</edXML:Subject>")
        text = text[:start] + reference + text[end:]
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n{text}'.encode()
