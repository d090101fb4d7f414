"""What a repository cannot do to the CLI's output or to the edits iml-ls proposes (issue: forged CI
annotation lines, a padded file passing as checked, tracebacks on bad arguments, fixes that broke the
JSON or deleted comments, renames that missed `parameters["x"]`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, Workspace
from iml_ls.checks import diagnostics
from iml_ls.checks.diagnostic import TextEdit
from iml_ls.features.navigation import rename

from .conftest import App, run


def applied(text: str, edits: list[TextEdit]) -> str:
    for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
        text = text[: edit.start] + edit.new_text + text[edit.end :]
    return text


def open_analysis(workspace: Workspace, path: Path, text: str) -> Analysis:
    workspace.open_document(str(path), text, 1)
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    return analysis


def test_a_key_cannot_forge_an_output_line(app: App) -> None:
    app.communication({"url": "https://api.example.com", "x\n::error file=a.py::forged\u2028\x1b[2J": 1})
    status, out, _ = run("check", str(app.root))
    assert status == 1 and "IML401" in out
    assert not [line for line in out.splitlines() if not line.startswith(str(app.root))]
    assert "\x1b" not in out and "\u2028" not in out and "\\n::error" in out


def test_a_file_too_large_to_check_is_not_passed(app: App) -> None:
    app.communication('{"url": oops' + " " * 8_000_001 + "}")
    status, _, err = run("check", str(app.root))
    assert status == 1
    assert "not checked" in err


@pytest.mark.parametrize(
    "args",
    [
        ("serve", "--tcp", "abc"),
        ("serve", "--tcp", "127.0.0.1:99999"),
        ("preview", "{connection}", "--now", "nan"),
        ("check", ".", "--samples", "missing.json"),
    ],
)
def test_bad_arguments_are_one_line_of_usage(app: App, args: tuple[str, ...]) -> None:
    app.communication({"url": "https://api.example.com"})
    status, _, err = run(*(arg.format(connection=app.connection) for arg in args))
    assert status == 2
    assert "Traceback" not in err and err.strip()


def test_the_algorithm_fix_keeps_the_json_valid(app: App) -> None:
    text = json.dumps({"url": "https://api.example.com", "headers": {"a": '{{jwt(temp.p, "k", "hs512")}}'}})
    analysis = open_analysis(Workspace(), app.connection, text)
    (fix,) = [fix for item in diagnostics(analysis) if item.rule.code == "IML301" for fix in item.fixes]
    fixed = applied(text, list(fix.edits))
    assert json.loads(fixed)["headers"]["a"] == '{{jwt(temp.p, "k", "HS512")}}'


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        ('{\n    "kid": "a",\n    // expires in an hour\n    "expiresIn": 3600\n}', "// expires in an hour"),
        ('{\n    "expiresIn": 3600, // an hour\n    "kid": "a"\n}', "// an hour"),
        ('{"expiresIn": 3600, /* an hour */ "kid": "a"}', "/* an hour */"),
    ],
)
def test_removing_an_option_keeps_the_comments(app: App, options: str, kept: str) -> None:
    text = (
        '{"url": "https://api.example.com", "temp": {"options": ' + options + "},\n"
        ' "headers": {"a": "{{jwt(temp.p, parameters.clientSecret, \'HS256\', temp.options)}}"}}'
    )
    analysis = open_analysis(Workspace(), app.connection, text)
    fixes = [fix for item in diagnostics(analysis) if item.rule.code == "IML305" for fix in item.fixes]
    assert fixes
    fixed = applied(text, list(fixes[0].edits))
    assert kept in fixed and '"kid"' not in fixed
    assert '"expiresIn": 3600' in fixed


def test_rename_finds_every_way_to_read_a_parameter(app: App) -> None:
    workspace = Workspace()
    text = json.dumps(
        {
            "url": "https://api.example.com/{{parameters.clientId}}",
            "headers": {"a": "{{parameters['clientId']}}", "b": "{{get(parameters, 'clientId')}}"},
        }
    )
    analysis = open_analysis(workspace, app.connection, text)
    edits = rename(workspace, analysis, text.index("clientId"), "accountId")
    here = applied(text, [edit for edit in edits if edit.path == str(app.connection)])
    assert "clientId" not in here
    assert "parameters['accountId']" in here and "get(parameters, 'accountId')" in here
