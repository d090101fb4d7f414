"""The pages of ``docs/`` as tests read them: their code blocks, and the terminal sessions they show,
each run again (a page's example is true only while iml-ls prints it)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).parent.parent / "docs"


def page(name: str) -> str:
    """A page's text, by its path under ``docs/`` (``features/run.md``)."""
    return (DOCS / name).read_text(encoding="utf-8")


def console_sessions(text: str, command: str) -> list[tuple[list[str], str]]:
    """Each ```` ```console ```` block of a page: the arguments after ``iml-ls`` of its ``$ iml-ls <command> …``
    line, and what the block says it prints."""
    sessions = []
    for block in re.findall(r"^```console\n(.*?)^```$", text, re.S | re.M):
        line, expected = block.split("\n", 1)
        words = shlex.split(line.removeprefix("$ "))
        assert words[:2] == ["iml-ls", command], line
        sessions.append((words[1:], expected))
    return sessions


def iml_ls(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``iml-ls`` run as a user runs it: in ``cwd``, without a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "iml_ls", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
