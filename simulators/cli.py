"""`parindex simulate` (interface.md §2): generate, write the manifest, serve, print the variables, wait."""

import argparse
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path

from simulators.clock import local_now
from simulators.configuration import DEFAULT_PROVINCE, PROVINCE_CODE, load, select_province
from simulators.http.server import SimulatorServer
from simulators.simulation import Simulation

AS_OF_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d", "%Y%m%d%H%M%S")


def parse_as_of(text: str) -> datetime:
    for pattern in AS_OF_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"not a local date-time (e.g. 2025-06-30T12:00:00): {text!r}")


def parse_rate(text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError(f"a rate from 0 to 1 is expected, not {text!r}")
    return rate


def parse_province(text: str) -> str:
    if not PROVINCE_CODE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"a province code is a capital letter and two digits, not {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parindex simulate",
        description="Serve the simulated sources, write their files, print the PARINDEX_* variables.",
    )
    parser.add_argument("--scale", choices=("small", "province", "large"), default="small")
    parser.add_argument(
        "--province",
        type=parse_province,
        help=f"province code: its agencies are CODE.01 … (default {DEFAULT_PROVINCE}, Lai Châu)",
    )
    parser.add_argument("--year", type=int, default=local_now().year, help="assessment year (default: now)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--as-of", type=parse_as_of, help="local date-time served (default: now, capped)")
    parser.add_argument("--faults", type=parse_rate, default=0.0, help="fault rate from 0 to 1 (default 0)")
    parser.add_argument("--rate-limit", action="store_true", help="enforce the sources' rate limits")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--hr-dir", type=Path, default=Path("data/sim/hr"))
    parser.add_argument("--edxml-dir", type=Path, default=Path("data/sim/edxml"))
    parser.add_argument("--manifest", type=Path, help="quirk manifest (default: beside the HR folder)")
    parser.add_argument(
        "--agency-table", type=Path, help="where to write the agency table (default: beside the manifest)"
    )
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the fault draws")
    parser.add_argument("--timeout-hold", type=float, default=90.0, help="seconds a `timeout` fault holds")
    parser.add_argument("--token-ttl", type=int, default=300, help="seconds an access token lives")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.hr_dir.resolve() == args.edxml_dir.resolve():
        parser.error("--hr-dir and --edxml-dir must be different folders")
    manifest = args.manifest or args.hr_dir.resolve().parent / "quirk_manifest.jsonl"
    if any(folder.resolve() in manifest.resolve().parents for folder in (args.hr_dir, args.edxml_dir)):
        parser.error("--manifest must not be inside the HR or edXML folder")
    select_province(args.province or DEFAULT_PROVINCE)
    simulation = Simulation(scale=args.scale, year=args.year, seed=args.seed, as_of=args.as_of)
    simulation.write_files(args.hr_dir, args.edxml_dir, faults=args.faults)
    simulation.write_manifest(manifest)
    simulation.write_ground_truth(manifest.parent)
    agency_table = simulation.write_agency_table(args.agency_table or manifest.parent / "agencies.csv")
    try:
        server = SimulatorServer(
            simulation,
            host=args.host,
            port=args.port,
            faults=args.faults,
            fault_seed=args.fault_seed,
            timeout_hold_s=args.timeout_hold,
            token_ttl_s=args.token_ttl,
            rate_limit=args.rate_limit,
        )
    except OSError as error:
        print(f"cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    variables = server.env
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    server.start()
    for name, value in variables.items():
        print(f"export {name}={value}")
    if args.province:
        # Another province's agencies are in no shipped table: the pipeline reads the one written here, and
        # its E-CABINET operator is that province's Office (agencies.yaml, re-coded).
        print(f"export PARINDEX_AGENCY_TABLE={agency_table}")
        print(f"export PARINDEX_ECABINET_OWNER={load('agencies')['ecabinet_owner']}")
    print(
        f"# simulators: province {args.province or DEFAULT_PROVINCE}, scale {args.scale}, "
        f"year {args.year}, seed {args.seed}, "
        f"as of {simulation.as_of:%Y-%m-%d %H:%M:%S}; manifest {manifest}",
        file=sys.stderr,
    )
    sys.stdout.flush()
    stop.wait()
    server.stop()
    return 0
