"""What the tests and CI read out of README.md, with the standard library only (CI runs it before any
environment exists):

    python3.11 -m tests.readme first-command    # the README's first command line, as written
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_FENCE = re.compile(r"^\s*```(\w*)\s*$")


def code_blocks(text: str) -> list[tuple[str, list[str]]]:
    """(language, lines) of every fenced block, in order."""
    blocks, current, language = [], None, ""
    for line in text.splitlines():
        fence = _FENCE.match(line)
        if fence and current is None:
            current, language = [], fence.group(1)
        elif fence:
            blocks.append((language, current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def first_command(text: str) -> str:
    """The first line of the first bash block that is neither empty nor a comment."""
    for language, lines in code_blocks(text):
        if language == "bash":
            return next(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))
    raise ValueError("README.md has no bash block")


if __name__ == "__main__":
    if sys.argv[1:] != ["first-command"]:
        sys.exit("usage: python3.11 -m tests.readme first-command")
    print(first_command(README.read_text(encoding="utf-8")))
