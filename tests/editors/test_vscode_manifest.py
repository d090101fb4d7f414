"""The VS Code extension's settings: a workspace (a repository the user opened) cannot choose a program to
run, a file to read, or turn on the message log; untrusted workspaces are supported on purpose."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "editors" / "vscode" / "package.json"

RUNS_A_PROGRAM = ("imlLs.server.command", "imlLs.server.pythonPath")
NAMES_A_FILE = ("imlLs.samplesFile",)


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return data


def settings() -> dict[str, Any]:
    properties: dict[str, Any] = manifest()["contributes"]["configuration"]["properties"]
    return properties


def test_settings_that_run_a_program_or_log_messages_are_user_settings_only() -> None:
    for name in (*RUNS_A_PROGRAM, "imlLs.trace.server"):
        assert settings()[name].get("scope") == "machine", name


def test_settings_that_name_a_file_are_ignored_in_an_untrusted_workspace() -> None:
    untrusted = manifest()["capabilities"]["untrustedWorkspaces"]
    assert untrusted["supported"] == "limited" and untrusted["description"]
    for name in NAMES_A_FILE:
        assert settings()[name].get("scope") in ("machine", "machine-overridable"), name
        assert name in untrusted["restrictedConfigurations"], name


def test_every_setting_that_could_run_or_read_something_is_covered() -> None:
    """A new setting whose name says it is a command, a path or a file must join the lists above."""
    risky = {name for name in settings() if any(word in name.lower() for word in ("command", "path", "file"))}
    assert risky == {*RUNS_A_PROGRAM, *NAMES_A_FILE}
