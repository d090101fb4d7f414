"""docs/diagnostics.md: one section per catalogue rule, and every example in it does what the page says.

The server links each diagnostic to ``#<code>-<name>``, so the headings must match the catalogue
exactly. Each **Wrong** example must report its rule and nothing else, each **Right** example nothing
at all, checked in the small app the page describes ("About the examples"): an example is written
into that app at the place its first line names, checked, and the app is put back as it was.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from iml_ls.analysis import Workspace
from iml_ls.checks import diagnostics
from iml_ls.checks.catalogue import RULES, Rule

from .app_files import write_files

DOCS = Path(__file__).parent.parent / "docs" / "diagnostics.md"
NOT_A_FILE_EXAMPLE = {"IML503"}
"""sample-file-tracked is about git, so its examples are shell commands."""

DEFAULT_FILE = "connections/demo/demo.communication.iml.json"
"""Where an example without a ``// <path>`` first line goes: the basic connection's communication."""

PARAMS = [
    {"name": "clientId", "type": "text", "label": "Client ID", "required": True},
    {"name": "clientSecret", "type": "password", "label": "Client secret", "required": True},
    {"name": "privateKey", "type": "pkey", "label": "Private key", "required": True},
]


def _component(kind: str, name: str, codes: list[str], **facts: str) -> dict[str, object]:
    """A manifest entry whose files follow the default layout (``<kind>s/<id>/<id>.<code>.iml.json``)."""
    files = {code: f"{kind}s/{name}/{name}.{code}.iml.json" for code in codes}
    return {**facts, "codeFiles": files}


MANIFEST = {
    "fileVersion": 1,
    "generalCodeFiles": {"base": "general/base.iml.json"},
    "components": {
        "connection": {
            "demo": _component("connection", "demo", ["communication", "params"], label="Demo", connectionType="basic"),
            "demo-oauth": {
                "label": "Demo (OAuth 2.0)",
                "connectionType": "oauth",
                "codeFiles": {
                    "communication": "connections/demo-oauth/demo-oauth.oauth-communication.iml.json",
                    "params": "connections/demo-oauth/demo-oauth.params.iml.json",
                },
            },
        },
        "module": {
            "list-contacts": _component(
                "module",
                "list-contacts",
                ["communication", "static-params", "mappable-params", "interface"],
                label="Search contacts",
                moduleType="search",
                connection="demo",
            ),
            "create-contact": _component(
                "module",
                "create-contact",
                ["communication", "mappable-params", "interface"],
                label="Create a contact",
                moduleType="action",
                connection="demo",
            ),
            "watch-contacts": _component(
                "module",
                "watch-contacts",
                ["communication", "static-params", "interface", "epoch"],
                label="Watch new contacts",
                moduleType="trigger",
                connection="demo",
            ),
            "make-api-call": _component(
                "module",
                "make-api-call",
                ["communication", "mappable-params"],
                label="Make an API call",
                moduleType="universal",
                connection="demo",
            ),
            "new-contact-event": _component(
                "module",
                "new-contact-event",
                ["communication", "interface"],
                label="New contact (instant)",
                moduleType="instant_trigger",
                webhook="new-contact",
            ),
        },
        "rpc": {
            "list-fields": _component(
                "rpc", "list-fields", ["communication", "params"], label="List fields", connection="demo"
            )
        },
        "webhook": {
            "new-contact": _component(
                "webhook",
                "new-contact",
                ["communication", "params", "attach", "detach"],
                label="New contact",
                webhookType="web",
                connection="demo",
            )
        },
    },
}

SANITIZED = {"sanitize": ["request.headers.authorization"]}
ITEMS = {"iterate": "{{body.contacts}}", "output": "{{item}}"}
APP: dict[str, object] = {
    "makecomapp.json": MANIFEST,
    "general/base.iml.json": {
        "baseUrl": "https://api.example.com/v1",
        "headers": {"x-api-key": "{{connection.clientSecret}}"},
        "log": {"sanitize": ["request.headers.x-api-key"]},
    },
    "connections/demo/demo.communication.iml.json": {
        "url": "https://api.example.com/v1/me",
        "headers": {"authorization": "Bearer {{parameters.clientSecret}}"},
        "log": SANITIZED,
        "response": {"data": {"accountId": "{{body.id}}"}, "metadata": {"value": "{{body.email}}", "type": "email"}},
    },
    "connections/demo/demo.params.iml.json": PARAMS,
    "connections/demo-oauth/demo-oauth.oauth-communication.iml.json": {
        "authorize": {
            "url": "https://auth.example.com/authorize",
            "qs": {"client_id": "{{parameters.clientId}}", "redirect_uri": "{{oauth.localRedirectUri}}"},
            "response": {"temp": {"code": "{{query.code}}"}},
        },
        "token": {
            "url": "https://auth.example.com/token",
            "method": "POST",
            "type": "urlencoded",
            "body": {
                "grant_type": "authorization_code",
                "code": "{{temp.code}}",
                "client_id": "{{parameters.clientId}}",
                "client_secret": "{{parameters.clientSecret}}",
                "redirect_uri": "{{oauth.localRedirectUri}}",
            },
            "response": {"data": {"accessToken": "{{body.access_token}}"}},
        },
        "info": {
            "url": "https://api.example.com/v1/me",
            "headers": {"authorization": "Bearer {{connection.accessToken}}"},
            "log": SANITIZED,
            "response": {"metadata": {"value": "{{body.email}}", "type": "email"}},
        },
    },
    "connections/demo-oauth/demo-oauth.params.iml.json": PARAMS[:2],
    "modules/list-contacts/list-contacts.communication.iml.json": {
        "url": "/contacts",
        "qs": {"q": "{{parameters.query}}"},
        "response": {**ITEMS, "limit": "{{parameters.limit}}"},
    },
    "modules/list-contacts/list-contacts.static-params.iml.json": [
        {"name": "limit", "type": "uinteger", "label": "Limit", "default": 10}
    ],
    "modules/list-contacts/list-contacts.mappable-params.iml.json": [
        {"name": "query", "type": "text", "label": "Search for"},
        {"name": "field", "type": "select", "label": "Search in", "options": "rpc://list-fields"},
    ],
    "modules/list-contacts/list-contacts.interface.iml.json": [{"name": "id", "type": "text", "label": "ID"}],
    "modules/create-contact/create-contact.communication.iml.json": {
        "url": "/contacts",
        "method": "POST",
        "body": {"name": "{{parameters.name}}", "email": "{{parameters.email}}"},
        "response": {"output": "{{body}}"},
    },
    "modules/create-contact/create-contact.mappable-params.iml.json": [
        {"name": "name", "type": "text", "label": "Name", "required": True},
        {"name": "email", "type": "email", "label": "Email"},
    ],
    "modules/create-contact/create-contact.interface.iml.json": [{"name": "id", "type": "text", "label": "ID"}],
    "modules/watch-contacts/watch-contacts.communication.iml.json": {
        "url": "/contacts",
        "qs": {"sort": "-created"},
        "response": {
            **ITEMS,
            "limit": "{{parameters.limit}}",
            "trigger": {"id": "{{item.id}}", "date": "{{item.created}}", "type": "date", "order": "desc"},
        },
    },
    "modules/watch-contacts/watch-contacts.static-params.iml.json": [
        {"name": "limit", "type": "uinteger", "label": "Limit", "default": 10}
    ],
    "modules/watch-contacts/watch-contacts.interface.iml.json": [{"name": "id", "type": "text", "label": "ID"}],
    "modules/watch-contacts/watch-contacts.epoch.iml.json": {
        "url": "/contacts",
        "response": {"iterate": "{{body.contacts}}", "output": {"label": "{{item.name}}", "date": "{{item.created}}"}},
    },
    "modules/make-api-call/make-api-call.communication.iml.json": {
        "url": "/{{parameters.url}}",
        "method": "{{parameters.method}}",
        "response": {"output": {"body": "{{body}}", "statusCode": "{{statusCode}}"}},
    },
    "modules/make-api-call/make-api-call.mappable-params.iml.json": [
        {"name": "url", "type": "text", "label": "URL", "required": True},
        {"name": "method", "type": "text", "label": "Method", "default": "GET"},
    ],
    "modules/new-contact-event/new-contact-event.communication.iml.json": {"response": {"output": "{{body}}"}},
    "modules/new-contact-event/new-contact-event.interface.iml.json": [{"name": "id", "type": "text", "label": "ID"}],
    "rpcs/list-fields/list-fields.communication.iml.json": {
        "url": "/fields",
        "response": {"iterate": "{{body.fields}}", "output": {"label": "{{item.label}}", "value": "{{item.key}}"}},
    },
    "rpcs/list-fields/list-fields.params.iml.json": [],
    "webhooks/new-contact/new-contact.communication.iml.json": {"output": "{{body}}"},
    "webhooks/new-contact/new-contact.params.iml.json": [],
    "webhooks/new-contact/new-contact.attach.iml.json": {
        "url": "/hooks",
        "method": "POST",
        "body": {"url": "{{webhook.url}}", "event": "contact.created"},
        "response": {"data": {"hookId": "{{body.id}}"}},
    },
    "webhooks/new-contact/new-contact.detach.iml.json": {"url": "/hooks/{{webhook.hookId}}", "method": "DELETE"},
}
"""The app the page's examples are written into (each file as its JSON value)."""


@dataclass(frozen=True)
class Example:
    language: str
    text: str

    @property
    def files(self) -> list[tuple[str, str]]:
        """``(path in the app, text)`` of each file the example shows: each starts with a
        ``// <path>`` line; an example without one is the basic connection's communication."""
        parts = re.split(r"^// ([\w./-]+\.json)\n", self.text, flags=re.M)
        if parts[0].strip():
            return [(DEFAULT_FILE, self.text)]
        return list(zip(parts[1::2], parts[2::2], strict=True))


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
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app the page's examples assume, with sample values for the basic connection."""
    root = tmp_path_factory.mktemp("app")
    write_files(root, APP)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    samples = {
        "parameters": {"clientId": "acme-client-42", "clientSecret": "demo-secret", "privateKey": key.decode()},
        "common": {},
        "data": {},
    }
    (root / "connections/demo/demo.samples.json").write_text(json.dumps(samples), encoding="utf-8")
    return root


def test_the_app_of_the_examples_is_clean(app: Path) -> None:
    workspace = Workspace()
    for path in APP:
        analysis = workspace.analysis(str(app / path))
        assert analysis is not None and analysis.place is not None, path
        assert [item.rule.code for item in diagnostics(analysis)] == [], path


@contextmanager
def written(app: Path, example: Example) -> Iterator[list[Path]]:
    """The example's files written into the app; afterwards the app is as it was."""
    try:
        paths = []
        for path, text in example.files:
            assert path in APP or not (app / path).exists(), path
            (app / path).parent.mkdir(parents=True, exist_ok=True)
            (app / path).write_text(text, encoding="utf-8")
            paths.append(app / path)
        yield paths
    finally:
        for path, _ in example.files:
            original = APP.get(path)
            if original is None:
                (app / path).unlink(missing_ok=True)
            else:
                (app / path).write_text(json.dumps(original, indent=4) + "\n", encoding="utf-8")


def reported_codes(app: Path, example: Example) -> list[str]:
    """The codes reported in the example's files, checked as an editor opening them would."""
    with written(app, example) as paths:
        workspace = Workspace()
        analyses = [workspace.analysis(str(path)) for path in paths]
        return [item.rule.code for analysis in analyses if analysis is not None for item in diagnostics(analysis)]


FILE_EXAMPLE_RULES = [rule for rule in RULES if rule.code not in NOT_A_FILE_EXAMPLE]


@pytest.mark.parametrize("rule", FILE_EXAMPLE_RULES, ids=lambda rule: rule.code)
def test_the_wrong_example_reports_its_rule_and_nothing_else(rule: Rule, app: Path) -> None:
    example = SECTIONS[f"{rule.code} {rule.name}"].wrong
    assert example is not None and example.language == "jsonc"
    codes = reported_codes(app, example)
    assert codes and set(codes) == {rule.code}


@pytest.mark.parametrize("rule", FILE_EXAMPLE_RULES, ids=lambda rule: rule.code)
def test_the_right_example_reports_nothing(rule: Rule, app: Path) -> None:
    example = SECTIONS[f"{rule.code} {rule.name}"].right
    assert example is not None and example.language == "jsonc"
    assert reported_codes(app, example) == []
