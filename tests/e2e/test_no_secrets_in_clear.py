"""No personal data in clear in the warehouse, and no configured secret anywhere a run leaves text
(issue 6 §3, sources.md §1.9).

The personal-data scan reads the shared all-sources clean run. The secrets scan needs secrets this module
knows and the run's own stdout/stderr, so it makes one more all-sources run with distinctive secrets set
in the environment, which the simulator then uses (sources.md §1.3)."""

import base64
import stat
import uuid
import zipfile
from pathlib import Path

import openpyxl
import sqlalchemy as sa
from dagster import DagsterInstance, serialize_value

from simulators.http.auth import TokenStore
from tests.e2e.pipeline import PSEUDONYM_KEY, environment, run_against
from tests.e2e.privacy_scan import clear_text_hits, needle_pattern, sensitive_columns
from warehouse.publish import READ_COPY_NAME

# Class R fields (sources.md §1.9): free text that may name people (the simulator's dossier summaries
# do), kept in raw, staging and quarantine but never in marts.
R_FIELDS = {
    "TrichYeuHoSo",
    "NoiDungBoSung",
    "TenTepDinhKem",
    "TrichYeu",
    "NoiDungDanhGia",
    "TieuDe",
    "Subject",
    "yKien",
    "HinhThuc",
    "HanhViViPham",
}
R_COLUMNS = {
    "staging.stg_dvc__dossier.summary",
    "staging.stg_dvc__apology.summary",
    "staging.stg_dvc__rating.comment",
    "staging.stg_dvc__feedback.title",
    "staging.stg_qlvb__document.subject",
    "staging.stg_qlvb__edxml_package.subject",
    "staging.stg_ecabinet__poll_member.comment",
    "staging.stg_hr__discipline.discipline_form",
    "staging.stg_hr__discipline.violation",
}
# A secret cut short in a log line still leaks; any run of this many characters of it is a needle.
FRAGMENT = 12


def personal_needles(sim) -> dict[str, set[str]]:
    """The generated people's names, ID numbers, phones and e-mails of every source, by kind. E-CABINET
    names members only by pseudonymous ids (`maThanhVien`), so it adds none."""
    found: dict[str, set[str]] = {"name": set(), "id": set(), "phone": set(), "email": set()}

    def add(kind: str, value) -> None:
        if value not in (None, ""):
            found[kind].add(str(value))

    for record in sim.truth("ho-so"):
        add("name", record["ChuHoSo"])
        add("id", record["SoGiayToChuHoSo"])
        add("phone", record["SoDienThoai"])
        add("email", record["Email"])
    for record in sim.truth("phieu-xin-loi"):
        add("name", record["TenLanhDaoKy"])
    for record in sim.truth("danh-gia"):
        add("name", record["NguoiDanhGia"])
    for record in sim.truth("pakn"):
        add("name", record["NguoiGui"])
    for record in sim.truth("documents"):
        add("name", (record.get("SignerInfo") or {}).get("FullName"))
    for export in sim.hr_truth():
        for sheet in ("CanBo", "DaoTao", "DanhGia", "KyLuat"):
            for row in export[sheet]:
                add("name", row.get("HoTen"))
                add("id", row.get("SoDinhDanhCaNhan"))
                add("id", row.get("SoHieuCBCCVC"))
                add("phone", row.get("SoDienThoai"))
    return found


def secret_needles(secrets: dict[str, str], basic_pairs: list[tuple[str, str]]) -> set[str]:
    """Each secret, every FRAGMENT-long slice of it, and the Basic credentials built from it."""
    needles = set()
    for value in secrets.values():
        needles.add(value)
        needles.update(value[i : i + FRAGMENT] for i in range(len(value) - FRAGMENT + 1))
    for user, password in basic_pairs:
        needles.add(base64.b64encode(f"{user}:{password}".encode()).decode())
    return needles


def file_hits(root: Path, needles: set[str]) -> list[tuple[str, str]]:
    """(file, needle) for every file under `root`; zip containers (xlsx) are scanned member by member,
    since their XML is compressed."""
    pattern = needle_pattern(needles)
    hits = set()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        texts = [(str(path), path.read_bytes())]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                texts += [(f"{path}!{m}", archive.read(m)) for m in archive.namelist()]
        for name, data in texts:
            hits.update((name, found) for found in pattern.findall(data.decode("utf-8", "replace")))
    return sorted(hits)


def event_log_text(dagster_home: Path, run_id: str) -> list[str]:
    """Every event of the run (messages and metadata), serialised."""
    with environment(DAGSTER_HOME=str(dagster_home)):
        instance = DagsterInstance.get()
        try:
            return [serialize_value(event) for event in instance.all_logs(run_id)]
        finally:
            instance.dispose()


def test_the_scan_finds_a_planted_secret_and_name(tmp_path):
    """The scanning functions themselves: a secret cut short in a log line, a secret inside an xlsx
    cell (compressed in the zip) and a name in NFD must all be found."""
    secret = f"planted-{uuid.uuid4().hex}"
    needles = secret_needles({"planted": secret}, [])
    (tmp_path / "run.log").write_text(f"token request failed: client_secret={secret[:20]}…", encoding="utf-8")
    book = openpyxl.Workbook()
    book.active["B2"] = f"note {secret}"
    book.save(tmp_path / "export.xlsx")
    hits = {name.split("!")[0] for name, _ in file_hits(tmp_path, needles)}
    assert hits == {str(tmp_path / "run.log"), str(tmp_path / "export.xlsx")}
    engine = sa.create_engine(f"duckdb:///{tmp_path / 'planted.duckdb'}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE SCHEMA marts")
            conn.exec_driver_sql("CREATE TABLE marts.t (note VARCHAR, summary VARCHAR)")
            conn.exec_driver_sql("INSERT INTO marts.t VALUES ('{\"x\": \"Đo\\u0302\u0303 Seo Hoa\"}', 'ok')")
        assert clear_text_hits(engine, ["Đỗ Seo Hoa"], R_FIELDS, {"marts.t.note"}) == [
            ("marts.t.note", "Đỗ Seo Hoa")
        ]
    finally:
        engine.dispose()


def test_no_personal_data_in_clear_in_any_schema(full_sim, full_clean_run):
    url, work = full_clean_run
    needles = personal_needles(full_sim)
    assert all(needles.values()), {kind: len(values) for kind, values in needles.items()}
    print({kind: len(values) for kind, values in needles.items()})
    everything = set().union(*needles.values())
    engine = sa.create_engine(url)
    try:
        assert clear_text_hits(engine, everything, R_FIELDS, R_COLUMNS) == []
        assert sensitive_columns(engine) == []
    finally:
        engine.dispose()
    assert file_hits(work / "exports", everything) == []


def test_the_read_copy_holds_marts_only_and_no_personal_data(full_sim, full_clean_run):
    """Issue 10: the copy analysts open has no schema but marts, no person's name, ID, phone or e-mail in
    any cell (class R free text included: marts must not carry it), and every view of it answers."""
    _, work = full_clean_run
    copy = work / READ_COPY_NAME
    assert stat.S_IMODE(copy.stat().st_mode) == 0o640
    engine = sa.create_engine(f"duckdb:///{copy}", connect_args={"read_only": True})
    try:
        with engine.connect() as conn:
            schemas = conn.exec_driver_sql(
                "SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database()"
            )
            assert {name for (name,) in schemas} == {"main", "marts"}
            relations = conn.exec_driver_sql(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
                " UNION ALL SELECT schema_name, view_name FROM duckdb_views()"
                " WHERE database_name = current_database() AND NOT internal"
            ).all()
            assert {s for s, _ in relations} == {"marts"}
            counts = {
                t: conn.exec_driver_sql(f"SELECT COUNT(*) FROM marts.{t}").scalar_one() for _, t in relations
            }
        assert counts["dd_dvc_on_time_rate"] > 0 and counts["metric_value"] > 0
        everything = set().union(*personal_needles(full_sim).values())
        assert clear_text_hits(engine, everything) == []
    finally:
        engine.dispose()


def test_no_configured_secret_in_logs_metadata_exports_or_warehouse(full_sim, tmp_path, monkeypatch, capfd):
    secrets = {
        "PARINDEX_DVC_CLIENT_SECRET": f"dvc-secret-{uuid.uuid4().hex}",
        "PARINDEX_QLVB_API_KEY": f"qlvb-key-{uuid.uuid4().hex}",
        "PARINDEX_ECABINET_PASSWORD": f"ecabinet-pw-{uuid.uuid4().hex}",
        "PARINDEX_PSEUDONYM_KEY": PSEUDONYM_KEY,
    }
    client_id, user = f"client-{uuid.uuid4().hex[:8]}", f"user-{uuid.uuid4().hex[:8]}"
    issued: list[tuple[str, str]] = []
    issue = TokenStore.issue

    def recording_issue(self, client):
        token = issue(self, client)
        issued.append((self.credentials.client_secret, token))
        return token

    monkeypatch.setattr(TokenStore, "issue", recording_issue)
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    with environment(
        PARINDEX_DVC_CLIENT_ID=client_id,
        PARINDEX_ECABINET_USER=user,
        **{k: v for k, v in secrets.items() if k != "PARINDEX_PSEUDONYM_KEY"},
    ):
        outcome = run_against(full_sim, url, tmp_path)
    captured = capfd.readouterr()
    assert outcome.success, outcome.failed_steps + outcome.failed_checks
    # The simulator served the secrets set here, and the DVC connector obtained bearer tokens.
    assert issued and {secret for secret, _ in issued} == {secrets["PARINDEX_DVC_CLIENT_SECRET"]}
    secrets.update({f"token{i}": token for i, (_, token) in enumerate(issued)})
    needles = secret_needles(
        secrets,
        [(user, secrets["PARINDEX_ECABINET_PASSWORD"]), (client_id, secrets["PARINDEX_DVC_CLIENT_SECRET"])],
    )
    pattern = needle_pattern(needles)

    events = event_log_text(tmp_path / "dagster_home", outcome.run_id)
    assert len(events) > 100 and any("ASSET_MATERIALIZATION" in text for text in events)
    assert {found for text in events for found in pattern.findall(text)} == set()

    assert captured.out + captured.err, "the run's output was not captured"
    assert pattern.findall(captured.out + captured.err) == []

    exports = [p for p in (tmp_path / "exports").rglob("*") if p.suffix == ".xlsx"]
    assert exports, "the run wrote no xlsx export"
    # DAGSTER_HOME (event storage, compute logs), the exports and every other file the run left.
    assert file_hits(tmp_path, needles) == []

    engine = sa.create_engine(url)
    try:
        assert clear_text_hits(engine, needles) == []
    finally:
        engine.dispose()
