"""docs/diagnostics.md has one section per catalogue rule, each with a wrong and a right example."""

from __future__ import annotations

import re
from pathlib import Path

from iml_ls.checks.catalogue import RULES, Severity

DOCS = Path(__file__).parent.parent / "docs" / "diagnostics.md"


def sections() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)[1:]
    return {part.split("\n", 1)[0].strip(): part for part in parts}


def test_every_rule_has_exactly_one_section_and_nothing_else_does() -> None:
    assert sorted(sections()) == sorted(f"{rule.code} {rule.name}" for rule in RULES)


def test_each_section_states_the_severity_and_shows_wrong_and_right() -> None:
    found = sections()
    for rule in RULES:
        body = found[f"{rule.code} {rule.name}"]
        assert f"**{rule.severity.name.capitalize()}.**" in body, rule.code
        assert "Wrong" in body and "Right" in body, rule.code
        assert rule.severity in (Severity.ERROR, Severity.WARNING)
