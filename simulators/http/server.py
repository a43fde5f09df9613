"""One threaded HTTP server for the simulated sources (sources.md §1.3), with transport faults (§6)."""

import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import orjson

from simulators.http.auth import (
    CLIENT_ID_VARIABLE,
    CLIENT_SECRET_VARIABLE,
    ECABINET_PASSWORD_VARIABLE,
    ECABINET_USER_VARIABLE,
    QLVB_KEY_VARIABLE,
    TokenStore,
    resolve_credentials,
    resolve_source_secrets,
)
from simulators.http.dvc_api import DvcApi, dvc_error
from simulators.http.ecabinet_api import EcabinetApi
from simulators.http.faults import FaultInjector
from simulators.http.qlvb_api import QlvbApi, qlvb_error
from simulators.http.ratelimit import RateLimiter
from simulators.http.reply import Reply
from simulators.simulation import Simulation

QLVB_DOCUMENTS = "/qlvb/api/documents"

MAX_FORM_BYTES = 64 * 1024


class SimulatorServer:
    """Serves a Simulation over HTTP on host:port (0 picks a free port); use start()/stop() or `with`."""

    def __init__(
        self,
        simulation: Simulation,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: float = 0.0,
        fault_seed: int = 0,
        timeout_hold_s: float = 90.0,
        token_ttl_s: float = 300,
        rate_limit: bool = False,
        credentials: dict[str, str] | None = None,
        cursor_ttl_s: float = 3600,
    ):
        """`credentials` maps the PARINDEX_* credential variables to values (default: the environment,
        else random); `cursor_ttl_s` is the life of a QLVB cursor."""
        if not 0.0 <= faults <= 1.0:
            raise ValueError("faults must be a rate between 0 and 1")
        self.simulation = simulation
        self._credentials = resolve_credentials(credentials)
        self._secrets = resolve_source_secrets(credentials)
        injector = FaultInjector(faults, fault_seed)
        self.api = DvcApi(
            simulation,
            TokenStore(self._credentials, token_ttl_s),
            injector,
            RateLimiter(10, 20) if rate_limit else None,
            RateLimiter(1, 1) if rate_limit else None,
        )
        self.qlvb = QlvbApi(
            simulation, self._secrets, injector, RateLimiter(5, 10) if rate_limit else None, cursor_ttl_s
        )
        self.ecabinet = EcabinetApi(
            simulation, self._secrets, injector, RateLimiter(5, 10) if rate_limit else None
        )
        self.timeout_hold_s = timeout_hold_s
        self._released = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._httpd = _Server((host, port), _handler_for(self))
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def env(self) -> dict[str, str]:
        variables = {
            "PARINDEX_DVC_URL": f"{self.base_url}/dvc",
            CLIENT_ID_VARIABLE: self._credentials.client_id,
            CLIENT_SECRET_VARIABLE: self._credentials.client_secret,
            "PARINDEX_QLVB_URL": f"{self.base_url}/qlvb",
            QLVB_KEY_VARIABLE: self._secrets.qlvb_api_key,
            "PARINDEX_ECABINET_URL": f"{self.base_url}/ecabinet",
            ECABINET_USER_VARIABLE: self._secrets.ecabinet_user,
            ECABINET_PASSWORD_VARIABLE: self._secrets.ecabinet_password,
        }
        folders = self.simulation.folders
        if "edxml" in folders:
            variables["PARINDEX_EDXML_DIR"] = str(folders["edxml"])
        if "hr" in folders:
            variables["PARINDEX_HR_DIR"] = str(folders["hr"])
        return variables

    @property
    def fault_history(self) -> list[tuple[tuple, str | None]]:
        """Every attempt's request (client, method, path, query) and the fault drawn for it, oldest first."""
        return list(self.api.faults.history)

    def advance(self, query: str) -> Reply:
        """`POST /_sim/advance?days=N`: the benchmark's day of new records (sources.md §1.11 "Moving time")
        for a simulator in another process; the folders get the files present at the new as-of time."""
        values = parse_qs(query)
        try:
            days = float(values.get("days", ["1"])[0])
        except ValueError:
            return Reply(400, {"error": "days must be a number"})
        if days <= 0:
            return Reply(400, {"error": "days must be positive"})
        simulation = self.simulation
        simulation.advance(days)
        if {"hr", "edxml"} <= simulation.folders.keys():
            simulation.write_files(simulation.folders["hr"], simulation.folders["edxml"])
        return Reply(200, {"as_of": simulation.as_of.isoformat(timespec="seconds")})

    def start(self) -> "SimulatorServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="simulator-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving, releases held (timeout) responses and closes open connections."""
        self._released.set()
        self._httpd.shutdown()
        with self._connections_lock:
            for connection in list(self._connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self._httpd.server_close()
        if self._thread:
            self._thread.join()

    def __enter__(self) -> "SimulatorServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _track(self, connection: socket.socket, open_: bool) -> None:
        with self._connections_lock:
            (self._connections.add if open_ else self._connections.discard)(connection)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _handler_for(server: SimulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Idle keep-alive connections are dropped after this many seconds.
        timeout = 120

        def setup(self):
            super().setup()
            server._track(self.connection, True)

        def finish(self):
            try:
                super().finish()
            finally:
                server._track(self.connection, False)

        def log_message(self, format, *args):
            # Silent: request lines would flood test output, and nothing here needs an audit trail.
            return

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == "/_sim/health":
                simulation = server.simulation
                payload = {
                    "status": "ok",
                    "seed": simulation.seed,
                    "scale": simulation.scale,
                    "year": simulation.year,
                }
                self._send(Reply(200, payload))
            elif url.path.startswith("/dvc/api/v1/"):
                name = url.path[len("/dvc/api/v1/") :]
                reply = server.api.resource(
                    self.client_address[0], name, url.query, self.headers.get("Authorization")
                )
                self._send(reply)
            elif url.path.startswith("/qlvb/"):
                self._send(self._qlvb(url.path, url.query))
            elif url.path.startswith("/ecabinet/"):
                authorization = self.headers.get("Authorization")
                reply = server.ecabinet.route(self.client_address[0], url.path, url.query, authorization)
                self._send(reply)
            else:
                self._send(dvc_error(404))

        def _qlvb(self, path: str, query: str) -> Reply:
            client, key = self.client_address[0], self.headers.get("X-API-Key")
            if path == QLVB_DOCUMENTS:
                return server.qlvb.documents(client, query, key)
            document, _, tail = path[len(QLVB_DOCUMENTS) + 1 :].partition("/")
            if path.startswith(QLVB_DOCUMENTS + "/") and tail == "edxml" and document:
                return server.qlvb.edxml(client, document, key)
            return qlvb_error(404, "not_found")

        def do_POST(self):
            url = urlsplit(self.path)
            declared = (self.headers.get("Content-Length") or "0").strip()
            if not declared.isdigit() or int(declared) > MAX_FORM_BYTES:
                self.close_connection = True
                self._send(dvc_error(400, "Content-Length không hợp lệ hoặc quá lớn"))
                return
            length = int(declared)
            body = self.rfile.read(length)
            if url.path == "/dvc/oauth2/token":
                self._send(server.api.token(self.client_address[0], body))
            elif url.path == "/_sim/advance":
                self._send(server.advance(url.query))
            else:
                self._send(dvc_error(404))

        def _send(self, reply: Reply) -> None:
            if reply.transport == "conn_reset":
                # SO_LINGER 0 makes close() send a reset instead of a graceful end.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                return
            if reply.transport == "timeout":
                server._released.wait(server.timeout_hold_s)
            try:
                self._write(reply)
            except OSError:
                # The client gave up (or the server is stopping): nothing left to send to.
                self.close_connection = True

        def _write(self, reply: Reply) -> None:
            body = reply.payload if isinstance(reply.payload, bytes) else orjson.dumps(reply.payload)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.transport == "truncated_body":
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
            self.end_headers()
            self.wfile.write(body)

    return Handler
