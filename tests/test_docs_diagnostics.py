"""docs/diagnostics.md: one section per catalogue rule, and every example in it does what the page says.

The server links each diagnostic to ``#<code>-<name>``, so the headings must match the catalogue
exactly. Each **Wrong** example must report its rule and nothing else, each **Right** example nothing
at all, checked with the same params file and sample values the page describes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from iml_ls.analysis import Workspace
from iml_ls.checks.catalogue import RULES, Rule

DOCS = Path(__file__).parent.parent / "docs" / "diagnostics.md"
NOT_A_FILE_EXAMPLE = {"IML503"}
"""sample-file-tracked is about git, so its examples are shell commands."""

PARAMS = [
    {"name": "clientId", "type": "text", "label": "Client ID", "required": True},
    {"name": "clientSecret", "type": "password", "label": "Client secret", "required": True},
    {"name": "privateKey", "type": "pkey", "label": "Private key", "required": True},
]


@dataclass(frozen=True)
class Example:
    language: str
    text: str


@dataclass(frozen=True)
class Section:
    heading: str
    severity: str | None
    wrong: Example | None
    right: Example | None


def _example_after(label: str, body: str) -> Example | None:
    """The first fenced block after the ``**Wrong**``/``**Right**`` label."""
    match = re.search(rf"^\*\*{label}\*\*[^\n]*\n\n```(\w+)\n(.*?)^```$", body, flags=re.M | re.S)
    return Example(match.group(1), match.group(2)) if match else None


def parse_sections() -> list[Section]:
    text = DOCS.read_text(encoding="utf-8")
    found = []
    for part in re.split(r"^## ", text, flags=re.M)[1:]:
        heading, body = part.split("\n", 1)
        severity = re.search(r"^\*\*(Error|Warning|Information|Hint)\.\*\*", body.lstrip("\n"))
        found.append(
            Section(
                heading.strip(),
                severity.group(1).lower() if severity else None,
                _example_after("Wrong", body),
                _example_after("Right", body),
            )
        )
    return found


SECTIONS = {section.heading: section for section in parse_sections()}


def github_anchor(heading: str) -> str:
    """GitHub's heading slug for the plain headings this page uses."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def test_each_rule_has_exactly_one_section_and_no_other_section_exists() -> None:
    headings = Counter(section.heading for section in parse_sections())
    assert headings == Counter(f"{rule.code} {rule.name}" for rule in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_the_section_anchor_is_the_one_the_server_links_to(rule: Rule) -> None:
    assert github_anchor(f"{rule.code} {rule.name}") == rule.anchor


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_the_section_states_the_severity_and_has_a_wrong_and_a_right_example(rule: Rule) -> None:
    section = SECTIONS[f"{rule.code} {rule.name}"]
    assert section.severity == rule.severity.label
    assert section.wrong is not None and section.right is not None
    assert section.wrong.text.strip() != section.right.text.strip()


@pytest.fixture(scope="module")
def connection_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An app with the params file and sample values the page's examples assume."""
    app = tmp_path_factory.mktemp("app")
    (app / "makecomapp.json").write_text('{"fileVersion": 1, "components": {}}', encoding="utf-8")
    folder = app / "connections" / "demo"
    folder.mkdir(parents=True)
    (folder / "demo.params.iml.json").write_text(json.dumps(PARAMS, indent=4), encoding="utf-8")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    samples = {
        "parameters": {"clientId": "acme-client-42", "clientSecret": "demo-secret", "privateKey": key.decode()},
        "common": {},
        "data": {},
    }
    (folder / "demo.samples.json").write_text(json.dumps(samples), encoding="utf-8")
    return folder


def reported_codes(folder: Path, example: Example) -> list[str]:
    path = folder / "demo.communication.iml.json"
    path.write_text(example.text, encoding="utf-8")
    analysis = Workspace().analysis(str(path))
    assert analysis is not None
    return [item.rule.code for item in analysis.diagnostics]


FILE_EXAMPLE_RULES = [rule for rule in RULES if rule.code not in NOT_A_FILE_EXAMPLE]


@pytest.mark.parametrize("rule", FILE_EXAMPLE_RULES, ids=lambda rule: rule.code)
def test_the_wrong_example_reports_its_rule_and_nothing_else(rule: Rule, connection_folder: Path) -> None:
    example = SECTIONS[f"{rule.code} {rule.name}"].wrong
    assert example is not None and example.language == "jsonc"
    codes = reported_codes(connection_folder, example)
    assert codes and set(codes) == {rule.code}


@pytest.mark.parametrize("rule", FILE_EXAMPLE_RULES, ids=lambda rule: rule.code)
def test_the_right_example_reports_nothing(rule: Rule, connection_folder: Path) -> None:
    example = SECTIONS[f"{rule.code} {rule.name}"].right
    assert example is not None and example.language == "jsonc"
    assert reported_codes(connection_folder, example) == []
