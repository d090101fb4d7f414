"""``iml-ls check`` on the bundled examples: exactly the planted mistakes in the broken app, nothing in the correct ones
(the app in the default layout, the older ``*.imljson`` export, and an app whose manifest names its files freely).

The console script is run as a user would run it, so the test also covers the CLI's JSON output,
its paths (as given on the command line) and its exit status.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from iml_ls.checks.catalogue import RULES
from iml_ls.model.app import ComponentKind, Role, load_app

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
README = ROOT / "README.md"
EXPECTED_FILE = EXAMPLES / "broken-app" / "expected-diagnostics.json"
IML_LS = Path(sys.executable).parent / "iml-ls"
CLEAN_APPS = ("make-app", "export-app", "free-names-app")
NOT_PLANTABLE = {"IML503"}
"""sample-file-tracked depends on git state, not on a file's content."""

Finding = tuple[str, int, str]


def check(*paths: str, output_format: str = "json") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(IML_LS), "check", *paths, "--format", output_format],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def expected() -> set[Finding]:
    items = json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))
    return {(item["path"], item["line"], item["code"]) for item in items}


def reported(stdout: str) -> set[Finding]:
    """(path relative to examples/, 1-based line, code) of each reported diagnostic."""
    return {
        (item["path"].removeprefix("examples/"), item["range"]["start"]["line"] + 1, item["code"])
        for item in json.loads(stdout)["diagnostics"]
    }


def test_checking_all_examples_reports_exactly_the_planted_mistakes() -> None:
    result = check("examples")
    assert result.returncode == 1, result.stderr
    found = reported(result.stdout)
    assert {item for item in found if not item[0].startswith("broken-app/")} == set()
    assert found == expected()


@pytest.mark.parametrize("app", CLEAN_APPS)
def test_each_correct_app_is_clean_and_exits_0(app: str) -> None:
    result = check(f"examples/{app}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["diagnostics"] == []


MODULE_TYPES = {"search", "action", "trigger", "instant_trigger", "universal", "responder"}


def test_the_correct_app_has_every_component_kind_and_module_type() -> None:
    """make-app shows every kind of component, so that checking it clean covers each vocabulary."""
    app = load_app(str(EXAMPLES / "make-app"))
    assert {component.kind for component in app.components} == set(ComponentKind) - {ComponentKind.ENDPOINT}
    assert {component.type for component in app.of_kind(ComponentKind.MODULE)} == MODULE_TYPES
    roles = {place.role for place in app.places.values()}
    assert {Role.EPOCH, Role.ATTACH, Role.DETACH, Role.MAPPABLE_PARAMS, Role.INTERFACE, Role.CODE, Role.BASE} <= roles
    functions = app.of_kind(ComponentKind.FUNCTION)
    assert [function.name for function in functions] == ["slugify"]


@pytest.mark.parametrize("app", CLEAN_APPS)
def test_every_file_of_a_correct_app_has_a_place(app: str) -> None:
    """Each JSON file of the example is placed in a component (none is checked as a loose file); the
    preview sample values beside a connection (``<id>.samples.json``) are iml-ls's, not Make code."""
    files = json.loads(check(f"examples/{app}").stdout)["files"]
    on_disk = {
        str(path.relative_to(ROOT))
        for path in (EXAMPLES / app).rglob("*")
        if path.suffix in (".json", ".imljson") and not path.name.endswith(".samples.json")
    }
    assert {item["path"] for item in files if item["component"]} == on_disk


def test_the_text_format_names_each_planted_mistake_at_its_line() -> None:
    result = check("examples/broken-app", output_format="text")
    assert result.returncode == 1
    pattern = re.compile(r"^examples/(\S+):(\d+):\d+: (error|warning) [a-z0-9-]+\[(IML\d{3})\] \S", re.M)
    assert {(path, int(line), code) for path, line, _, code in pattern.findall(result.stdout)} == expected()


def test_each_planted_mistake_sits_under_a_comment_naming_its_rule() -> None:
    for path, line, code in expected():
        lines = (EXAMPLES / path).read_text(encoding="utf-8").split("\n")
        assert re.fullmatch(rf"\s*// {code} \S.*", lines[line - 2]), (path, line, code)


def test_every_plantable_rule_is_planted_exactly_once() -> None:
    codes = [code for _, _, code in expected()]
    assert sorted(codes) == sorted(rule.code for rule in RULES if rule.code not in NOT_PLANTABLE)


def test_the_json_syntax_error_has_a_file_of_its_own() -> None:
    by_file: dict[str, set[str]] = {}
    for path, _, code in expected():
        by_file.setdefault(path, set()).add(code)
    [syntax_file] = [path for path, codes in by_file.items() if "IML001" in codes]
    assert by_file[syntax_file] == {"IML001"}


def readme_sessions() -> list[tuple[list[str], list[str]]]:
    """The README's ``$ iml-ls …`` examples: (arguments, the output lines shown)."""
    blocks = re.findall(r"^```\n\$ iml-ls (.*?)\n(.*?)^```$", README.read_text(encoding="utf-8"), flags=re.M | re.S)
    return [(arguments.split(), shown.splitlines()) for arguments, shown in blocks]


README_SESSIONS = readme_sessions()


def test_the_readme_shows_both_commands() -> None:
    assert sorted(arguments[0] for arguments, _ in README_SESSIONS) == ["check", "preview"]


@pytest.mark.parametrize("arguments, shown", README_SESSIONS, ids=[arguments[0] for arguments, _ in README_SESSIONS])
def test_the_readme_output_is_what_iml_ls_prints_in_examples(arguments: list[str], shown: list[str]) -> None:
    """Lines shortened with a trailing "…" must start a real line; a lone "…" stands for omitted lines."""
    result = subprocess.run([str(IML_LS), *arguments], capture_output=True, text=True, cwd=EXAMPLES, timeout=300)
    printed = result.stdout.splitlines()
    for line in shown:
        if line.strip() == "…":
            continue
        if line.endswith("…"):
            assert any(real.startswith(line[:-1]) for real in printed), line
        else:
            assert line in printed, line
