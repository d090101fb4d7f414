"""`check` asks git whether a samples file is tracked without letting the repository's own git config
run a program (issue: `core.fsmonitor` in an archive's `.git/config` ran a command)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from iml_ls import files

from .conftest import App, run

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def hostile_repository(app: App, tmp_path: Path) -> Path:
    """The app as a git repository whose config names a program for git to run."""
    marker = tmp_path / "ran"
    hook = tmp_path / "hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\necho 0\n", encoding="utf-8")
    hook.chmod(0o755)
    git = ["git", "-C", str(app.root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "config", "core.fsmonitor", str(hook)], check=True)
    subprocess.run([*git, "config", "core.hooksPath", str(tmp_path)], check=True)
    return marker


def test_check_runs_no_program_from_the_repository(app: App, tmp_path: Path) -> None:
    marker = hostile_repository(app, tmp_path)
    app.communication({"url": "https://api.example.com/{{parameters.clientSecret}}"})
    _, out, _ = run("check", str(app.root))
    assert "IML503" in out  # git was asked, and answered that the samples file is tracked
    assert not marker.exists()


def test_tracked_by_git(app: App, tmp_path: Path) -> None:
    hostile_repository(app, tmp_path)
    untracked = app.write("new.samples.json", "{}")
    assert files.tracked_by_git(app.folder / "c.samples.json")
    assert not files.tracked_by_git(untracked)
    assert not files.tracked_by_git(tmp_path / "elsewhere.json")
