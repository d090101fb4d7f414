"""``iml-ls check examples/`` reports exactly the mistakes planted in the broken app, nothing in the correct one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from iml_ls.checks.catalogue import RULES

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"


def check(*paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iml_ls", "check", *paths, "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_the_example_app_is_clean() -> None:
    result = check("examples/make-app")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout) == []


def test_exactly_the_planted_mistakes_are_reported() -> None:
    result = check("examples")
    assert result.returncode == 1
    found = {
        (item["path"].removeprefix("examples/"), item["range"]["start"]["line"] + 1, item["code"])
        for item in json.loads(result.stdout)
    }
    expected_items = json.loads((EXAMPLES / "broken-app" / "expected-diagnostics.json").read_text(encoding="utf-8"))
    expected = {(item["path"], item["line"], item["code"]) for item in expected_items}
    assert found == expected


def test_each_planted_mistake_is_named_by_the_comment_above_it() -> None:
    expected = json.loads((EXAMPLES / "broken-app" / "expected-diagnostics.json").read_text(encoding="utf-8"))
    for item in expected:
        lines = (EXAMPLES / item["path"]).read_text(encoding="utf-8").split("\n")
        assert item["code"] in lines[item["line"] - 2], item
    planted = {item["code"] for item in expected}
    assert planted == {rule.code for rule in RULES} - {"IML310", "IML503"}
