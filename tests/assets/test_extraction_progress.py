"""Extraction progress: a bar per stream on a terminal, the workflow's own line per batch elsewhere."""

import io

from rich.console import Console

from assets.progress import ExtractionProgress


def test_off_a_terminal_each_batch_is_the_workflows_plain_line_on_stderr(capsys):
    with ExtractionProgress(Console(file=io.StringIO())) as bars:
        bars("hr", 3, 10, "files", "hr: 3 files read, 120 rows received")
    # The line as given, after the elapsed time that every progress line starts with.
    assert capsys.readouterr().err.rstrip().endswith("] hr: 3 files read, 120 rows received")


def test_on_a_terminal_a_bar_shows_the_count_against_the_total_and_the_percentage(capsys):
    screen = io.StringIO()
    with ExtractionProgress(Console(file=screen, force_terminal=True, width=120)) as bars:
        bars("hr", 3, 10, "files", "hr: 3 files read")
        bars("den", 500, None, "records", "qlvb den: batch 1, 500 records received")
    shown = screen.getvalue()
    # 3 of 10 files is 30%; a stream whose total the source does not know shows its count alone.
    assert "hr (files)" in shown and "3/10" in shown and "30%" in shown
    assert "den (records)" in shown and "500/?" in shown
    assert capsys.readouterr().err == ""  # no plain lines beside the bars
