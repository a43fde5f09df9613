"""The `parindex` command (interface.md §2): a thin layer over the Dagster definitions.

Exit codes: 0 success; 1 the run finished but failed (a blocking quality check, or a source that could not
be read), with a summary of which and why; 2 bad usage or configuration, naming the variable or option."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from datetime import date
from pathlib import Path

from dotenv import load_dotenv

from assets.file_modes import create_private_files

USAGE_ERROR = 2


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"--year takes a four-digit year, not {text!r}")
    return int(text)


def _province(text: str) -> str:
    from warehouse.consolidated import check_province_code

    try:
        return check_province_code(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"--province: {error}") from None


def _year_and_out(command: argparse.ArgumentParser) -> None:
    """The options of the commands that write a year's files from what the warehouse holds."""
    command.add_argument("--year", type=_year, required=True)
    command.add_argument("--out", help="export folder (default PARINDEX_EXPORT_DIR or exports)")
    _province_option(command, "whose warehouse and export folder to use")


def _province_option(command: argparse.ArgumentParser, purpose: str) -> None:
    command.add_argument(
        "--province",
        type=_province,
        metavar="CODE",
        help=f"the province of PARINDEX_PROVINCES_FILE {purpose} (required when that file is set)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parindex",
        description="PAR INDEX data warehouse: extract, load, check, score and export.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    simulate = commands.add_parser(
        "simulate",
        help="serve the simulated source systems until interrupted",
        description="Serves the DVC, QLVB and E-CABINET simulators on one port and writes HR/edXML files.",
    )
    simulate.add_argument("--scale", choices=["small", "province", "large"], default="small")
    simulate.add_argument("--province", metavar="CODE", help="simulate this province (default H35)")
    simulate.add_argument("--year", type=_year)
    simulate.add_argument("--seed", type=int, default=0)
    simulate.add_argument("--as-of", help="local date-time the data is served as of (default: now)")
    simulate.add_argument("--faults", type=float, default=0.0, help="fault rate from 0 to 1")
    simulate.add_argument("--rate-limit", action="store_true")
    simulate.add_argument("--host", default="127.0.0.1")
    simulate.add_argument("--port", type=int, default=8765)
    simulate.add_argument("--hr-dir")
    simulate.add_argument("--edxml-dir")
    simulate.add_argument("--manifest")
    simulate.add_argument(
        "--agency-table", help="where to write the agency table (default: beside the manifest)"
    )

    run = commands.add_parser("run", help="materialise the whole asset graph for an assessment year")
    run.add_argument("--year", type=_year, required=True)
    run.add_argument(
        "--agency",
        nargs="+",
        metavar="CODE",
        help="limit the exports (scorecard.csv, metrics.csv, workbooks) to these agencies of the agency "
        "table; the ranking always covers every agency",
    )
    _province_option(run, "to run")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="ignore the stored cursors: every source is extracted again from its first extraction start",
    )

    export = commands.add_parser("export", help="write the exports of a year from what the warehouse holds")
    _year_and_out(export)
    export.add_argument(
        "--manual-template",
        action="store_true",
        help="write the manual-input files of PARINDEX_MANUAL_DIR/Y/ for the manual criteria instead",
    )
    export.add_argument("--agency", nargs="+", metavar="CODE", help="limit the files to these agencies")

    report = commands.add_parser(
        "report",
        help="write the officer's HTML report of a year (EXPORT_DIR/Y/bao_cao/) from the warehouse",
    )
    _year_and_out(report)
    report.add_argument(
        "--agency",
        nargs="+",
        metavar="CODE",
        help="agency pages for these agencies only; the province page and the plan tracker cover everyone",
    )

    demo = commands.add_parser(
        "demo", help="simulate a province, run the year on DuckDB, export, and say where everything is"
    )
    demo.add_argument("--year", type=_year, default=date.today().year)
    demo.add_argument("--scale", choices=["small", "province", "large"], default="province")

    commands.add_parser("migrate", help="create or upgrade the warehouse schema")

    grant = commands.add_parser(
        "grant-analyst",
        help="PostgreSQL: create or update a role that can read marts and nothing else (with --province, "
        "in the central database of many provinces, that province's rows of marts only)",
    )
    grant.add_argument("role", metavar="ROLE")
    grant.add_argument(
        "--province", type=_province, help="province code (e.g. H35) whose rows alone the role reads"
    )
    return parser


def _simulate(args: argparse.Namespace) -> int:
    from simulators.cli import main as simulator_main

    argv = ["--scale", args.scale, "--seed", str(args.seed), "--faults", str(args.faults)]
    argv += ["--host", args.host, "--port", str(args.port)]
    for option, value in (
        ("--year", args.year),
        ("--as-of", args.as_of),
        ("--hr-dir", args.hr_dir),
        ("--edxml-dir", args.edxml_dir),
        ("--manifest", args.manifest),
        ("--province", args.province),
        ("--agency-table", args.agency_table),
    ):
        if value is not None:
            argv += [option, str(value)]
    if args.rate_limit:
        argv.append("--rate-limit")
    return simulator_main(argv)


def _run(args: argparse.Namespace) -> int:
    from assets.runner import run_year

    outcome = run_year(
        args.year, full_refresh=args.full_refresh, export_agencies=args.agency, province=args.province
    )
    return outcome.report()


def _in_province(handler):
    """`handler` run with the settings of `--province` (its warehouse, export folder, agency table and
    catalogue), as `parindex run --province` runs; today's single province without a provinces file. The
    province's secrets are not needed to read its warehouse, so an unset one does not stop the command."""

    @functools.wraps(handler)
    def in_province(args: argparse.Namespace) -> int:
        from assets.provinces import applied_environment, chosen_province, configured_provinces

        settings = chosen_province(configured_provinces(), args.province)
        if settings is None:
            return handler(args)
        with applied_environment(settings.values):
            return handler(args)

    return in_province


@_in_province
def _export(args: argparse.Namespace) -> int:
    from assets.exports import UnknownAgencies, export_year, write_manual_templates
    from assets.preflight import UsageError, check_agencies, check_warehouse
    from assets.settings import warehouse_url
    from scoring.catalogue import CatalogueError
    from scoring.manual import ManualInputError

    check_warehouse(warehouse_url())
    check_agencies(args.agency, os.environ.get("PARINDEX_AGENCY_TABLE"))
    try:
        if not args.manual_template:
            for path in export_year(args.year, args.out, args.agency):
                print(path)
            return 0
        result = write_manual_templates(args.year, args.agency)
    except (CatalogueError, ManualInputError, UnknownAgencies) as error:
        raise UsageError(str(error)) from error
    for path in result.written:
        print(path)
    for path in result.kept:
        print(f"kept (already exists, may hold an officer's entries): {path}", file=sys.stderr)
    return 0


@_in_province
def _report(args: argparse.Namespace) -> int:
    from assets.exports import export_dir_setting
    from assets.preflight import UsageError, check_agencies, check_plan, check_warehouse, check_year
    from assets.report import export_report
    from assets.settings import warehouse_engine, warehouse_url
    from warehouse.criterion_scores import scored_agencies

    check_year(args.year)
    check_warehouse(warehouse_url())
    check_agencies(args.agency, os.environ.get("PARINDEX_AGENCY_TABLE"))
    check_plan()
    engine = warehouse_engine()
    try:
        if not scored_agencies(engine, args.year):
            raise UsageError(f"--year {args.year}: the warehouse holds no metrics of that year; run it first")
        paths = export_report(engine, args.year, export_dir_setting(args.out), args.agency)
    finally:
        engine.dispose()
    print(next(p for p in paths if p.name == "index.html"))
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from assets.preflight import check_warehouse
    from assets.runner import migrate
    from assets.settings import warehouse_url

    check_warehouse(warehouse_url())

    migrate()
    print("warehouse schema is up to date")
    return 0


def _grant_analyst(args: argparse.Namespace) -> int:
    from assets.preflight import UsageError
    from assets.provinces import central_warehouse_url, configured_provinces
    from assets.settings import WAREHOUSE_URL_VARIABLE, warehouse_engine
    from warehouse.consolidated import holds_provinces
    from warehouse.dialect import is_duckdb
    from warehouse.grants import grant_analyst
    from warehouse.schema import ensure_schema

    deployment = configured_provinces()
    # With a provinces file, analysts read the central warehouse, the URL in the variable the file names.
    variable = deployment.warehouse_url_variable if deployment else WAREHOUSE_URL_VARIABLE
    url = central_warehouse_url(deployment, os.environ) if deployment else None
    if deployment and url is None:
        raise UsageError(f"{variable} (the central warehouse of PARINDEX_PROVINCES_FILE) is not set")
    if deployment and args.province:
        deployment.province(args.province)  # a code the file does not list is refused, naming its provinces
    engine = warehouse_engine(url)
    try:
        if is_duckdb(engine):
            raise UsageError(f"grant-analyst needs a PostgreSQL warehouse ({variable})")
        with engine.connect() as conn:
            central = deployment is not None or args.province is not None or holds_provinces(conn)
        # The central database of many provinces is never migrated: its marts come from publications.
        if not central:
            ensure_schema(engine)
        try:
            grant_analyst(engine, args.role, args.province)
        except ValueError as error:
            raise UsageError(str(error)) from error
    finally:
        engine.dispose()
    rows = f"province {args.province}'s rows of marts" if args.province else "marts"
    print(f"role {args.role} can read {rows} and nothing else; make analysts members of it")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from assets.demo import run_demo

    return run_demo(args.year, args.scale)


# The commands that write the warehouse, the run history, logs or exports.
WRITING_COMMANDS = {"run", "export", "report", "migrate", "demo"}

HANDLERS = {
    "simulate": _simulate,
    "run": _run,
    "export": _export,
    "report": _report,
    "migrate": _migrate,
    "grant-analyst": _grant_analyst,
    "demo": _demo,
}


def main(argv: list[str] | None = None) -> int:
    from assets.preflight import UsageError, check_timezone
    from assets.resources import MissingConfiguration

    args = build_parser().parse_args(argv)
    try:
        # The working directory's file, not one found above this module; the environment wins (§1).
        load_dotenv(Path(".env"), override=False)
        check_timezone()
        if args.command in WRITING_COMMANDS:
            create_private_files()
        return HANDLERS[args.command](args)
    # MissingConfiguration: a variable the definitions read when they are first imported (the executor, the
    # resources' settings), named in the message.
    except (UsageError, MissingConfiguration) as error:
        print(f"parindex {args.command}: {error}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
