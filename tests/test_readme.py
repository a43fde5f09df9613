"""The README works as written (issue 10): every `parindex` command it names exists with the options it
names (in the same help text `parindex … --help` prints), every file it names or links is in the
repository, its snippets run with the project's environment, and its first command is the demo that CI
runs at `--scale small` in a fresh clone (.ci/run)."""

import contextlib
import io
import re
import shlex
import subprocess

import pytest

from assets.cli import build_parser
from tests.readme import README, ROOT, code_blocks, first_command

TEXT = README.read_text(encoding="utf-8")
_SPAN = re.compile(r"`([^`]+)`")
_COMMAND = re.compile(r"(?:^|[\s/])parindex\s+([a-z][\w-]*)([^`]*)")
_OPTION = re.compile(r"(?<![\w-])--[a-z][\w-]*")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_MARKDOWN_FILE = re.compile(r"(?<![\w/.-])[\w./-]+\.md\b")
_PYTHON = re.compile(r"(?<![\w/.])python[\d.]*\s+(-[cm])\s*(\S*)")
_PATH_SUFFIXES = (".md", ".py", ".yaml", ".yml", ".csv", ".toml", ".sql")
_PLACEHOLDER = re.compile(r"[<>{}…$*]")


def _code_pieces() -> list[str]:
    """Every inline code span (outside fenced blocks) and every command of a fenced block, continuation
    lines joined."""
    prose = re.sub(r"^\s*```.*?^\s*```", "", TEXT, flags=re.S | re.M)
    pieces = [span.replace("\n", " ") for span in _SPAN.findall(prose)]
    for _, lines in code_blocks(TEXT):
        pieces += re.sub(r"\\\n\s*", " ", "\n".join(lines)).splitlines()
    return pieces


def _commands() -> list[tuple[str, list[str]]]:
    """(subcommand, options) of every `parindex SUBCOMMAND …` in the README's code."""
    found = []
    for piece in _code_pieces():
        for segment in re.split(r"&&|;| \| ", piece):
            for name, rest in _COMMAND.findall(segment):
                found.append((name, _OPTION.findall(rest)))
    return found


def _help(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        build_parser().parse_args([*args, "--help"])
    return out.getvalue()


def _tracked_top_level() -> set[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return {path.split("/", 1)[0] for path in listed.stdout.splitlines()}


def _ignored(path: str) -> bool:
    """Ignored by git, as a file or as a folder (`bench/results/`)."""
    return any(
        subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT).returncode == 0
        for name in (path, path + "/")
    )


def test_the_readme_names_commands():
    names = {name for name, _ in _commands()}
    assert {"demo", "run", "export", "simulate", "migrate", "grant-analyst"} <= names


def test_every_parindex_command_and_option_of_the_readme_is_in_the_help():
    top = _help()
    helps = {}
    for name, options in _commands():
        assert re.search(rf"^\s+{re.escape(name)}\b", top, re.M), (
            f"`parindex {name}` is not in parindex --help"
        )
        helps.setdefault(name, _help(name))
        for option in options:
            assert re.search(rf"(?<![\w-]){re.escape(option)}\b", helps[name]), (
                f"`parindex {name} {option}`: no such option in parindex {name} --help"
            )


def test_the_first_command_is_the_demo_that_ci_runs_at_small_scale():
    command = first_command(TEXT)
    assert command.startswith("python3.11 -m venv .venv && ")
    last = shlex.split(command.split("&&")[-1])
    assert last == [".venv/bin/parindex", "demo"]
    assert build_parser().parse_args([*last[1:], "--scale", "small"]).scale == "small"


def test_every_link_and_repository_path_exists():
    top_level = _tracked_top_level()
    missing = []
    for target in _LINK.findall(TEXT):
        if not re.match(r"(https?:|mailto:|#)", target) and not (ROOT / target.split("#")[0]).exists():
            missing.append(target)
    for name in _MARKDOWN_FILE.findall(TEXT):
        if not (ROOT / name).exists():
            missing.append(name)
    for piece in _code_pieces():
        for token in piece.split():
            token = token.strip("'\"()[]").rstrip(",;:.")
            if token.startswith("../"):
                missing.append(token)  # outside the repository
            looks_like_path = "/" in token or token.endswith(_PATH_SUFFIXES)
            if not looks_like_path or _PLACEHOLDER.search(token) or "://" in token or token.startswith("/"):
                continue
            # What a run writes (data/, exports/, bench/results/) is ignored by git, not the repository's.
            if token.split("/", 1)[0] in top_level and not (ROOT / token).exists() and not _ignored(token):
                missing.append(token)
    assert missing == []


def test_snippets_use_the_projects_environment_and_name_no_issue():
    bare = [
        f"python {flag} {arg}"
        for piece in _code_pieces()
        for flag, arg in _PYTHON.findall(piece)
        if (flag, arg) != ("-m", "venv")
    ]
    assert bare == [], "use .venv/bin/python: the system's python has no duckdb or project"
    assert re.search(r"\bissue \d", TEXT, re.I) is None, "issues are not in the repository"
