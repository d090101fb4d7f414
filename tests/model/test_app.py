"""Finding a Make app's components and the role of every file, in each layout real apps use.

Each test writes a small app into ``tmp_path`` and compares the whole placement: every file's
component (kind, type, name) and role, so a file placed twice, placed wrongly or left out fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from iml_ls.model.app import App, ComponentKind, find_app_root, load_app

Placement = tuple[str, str | None, str, str]
"""(component kind, component type, component name, role) of one file."""

REQUEST = {"url": "https://api.example.com/v1/me"}
PARAMS = [{"name": "apiKey", "type": "password", "label": "API key"}]


def write(root: Path, files: dict[str, object]) -> None:
    """Write each file: text as it is, anything else as JSON."""
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")


def placements(app: App) -> dict[str, Placement]:
    """Every placed file (relative to the app root) → its placement."""
    return {
        Path(path).relative_to(app.root).as_posix(): (
            place.kind.value,
            place.component.type,
            place.component.name,
            place.role.value,
        )
        for path, place in app.places.items()
    }


def test_a_manifest_places_files_at_any_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "makecomapp.json": {
                "fileVersion": 1,
                "generalCodeFiles": {"base": "src/base.json", "common": "src/common.json"},
                "components": {
                    "connection": {
                        "apiKey": {
                            "connectionType": "basic",
                            "codeFiles": {
                                "api": "connections/apiKey/api.json",
                                "parameters": "connections/apiKey/parameters.json",
                            },
                        },
                        "legacy": {
                            "connectionType": "basic",
                            "codeFiles": {
                                "communication": "connection/communication.json",
                                "params": "connection/params.json",
                            },
                        },
                    },
                    "module": {
                        "find-contact": {
                            "moduleType": "search",
                            "connection": "apiKey",
                            "codeFiles": {
                                "api": "src/connections/x/api.iml.json",
                                "parameters": "src/modules/find/static.json",
                                "expect": "src/modules/find/mappable.json",
                                "interface": "src/modules/find/output.json",
                            },
                        }
                    },
                },
            },
            "connections/apiKey/api.json": REQUEST,
            "connections/apiKey/parameters.json": PARAMS,
            "connection/communication.json": REQUEST,
            "connection/params.json": PARAMS,
            "src/base.json": {"baseUrl": "https://api.example.com/v1"},
            "src/common.json": {},
            "src/connections/x/api.iml.json": {"url": "/contacts"},
            "src/modules/find/static.json": [],
            "src/modules/find/mappable.json": [],
            "src/modules/find/output.json": [],
        },
    )
    app = load_app(str(tmp_path))
    assert app.manifest
    assert placements(app) == {
        "makecomapp.json": ("app", None, "app", "manifest"),
        "src/base.json": ("app", None, "app", "base"),
        "src/common.json": ("app", None, "app", "common"),
        "connections/apiKey/api.json": ("connection", "basic", "apiKey", "communication"),
        "connections/apiKey/parameters.json": ("connection", "basic", "apiKey", "params"),
        "connection/communication.json": ("connection", "basic", "legacy", "communication"),
        "connection/params.json": ("connection", "basic", "legacy", "params"),
        "src/connections/x/api.iml.json": ("module", "search", "find-contact", "communication"),
        "src/modules/find/static.json": ("module", "search", "find-contact", "params"),
        "src/modules/find/mappable.json": ("module", "search", "find-contact", "mappable-params"),
        "src/modules/find/output.json": ("module", "search", "find-contact", "interface"),
    }
    module = app.component(ComponentKind.MODULE, "find-contact")
    assert module is not None and module.connection == "apiKey"


def test_manifest_components_as_arrays_with_a_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "makecomapp.json": {
                "components": {
                    "connection": [
                        {
                            "name": "acme",
                            "connectionType": "oauth",
                            "codeFiles": {"communication": "connections/acme/acme.oauth-communication.iml.json"},
                        }
                    ],
                    "module": [
                        {
                            "name": "get-contact",
                            "moduleType": "action",
                            "connection": "acme",
                            "altConnection": "backup",
                            "codeFiles": {"communication": "modules/get-contact/get-contact.communication.iml.json"},
                        },
                        {"label": "an entry without a name is skipped", "codeFiles": {}},
                    ],
                    "webhook": [
                        {
                            "name": "hook",
                            "webhookType": "web-shared",
                            "codeFiles": {"attach": "webhooks/hook/hook.attach.iml.json"},
                        }
                    ],
                }
            },
            "connections/acme/acme.oauth-communication.iml.json": {"token": REQUEST},
            "modules/get-contact/get-contact.communication.iml.json": REQUEST,
            "webhooks/hook/hook.attach.iml.json": REQUEST,
        },
    )
    app = load_app(str(tmp_path))
    assert placements(app) == {
        "makecomapp.json": ("app", None, "app", "manifest"),
        "connections/acme/acme.oauth-communication.iml.json": ("connection", "oauth", "acme", "communication"),
        "modules/get-contact/get-contact.communication.iml.json": ("module", "action", "get-contact", "communication"),
        "webhooks/hook/hook.attach.iml.json": ("webhook", "web-shared", "hook", "attach"),
    }
    module = app.component(ComponentKind.MODULE, "get-contact")
    assert module is not None and (module.connection, module.alt_connection) == ("acme", "backup")
    assert sorted(c.name for c in app.components) == ["acme", "app", "get-contact", "hook"]


def test_null_code_files_are_skipped_and_the_layout_still_places_the_rest(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "makecomapp.json": {
                "generalCodeFiles": {"base": None, "common": "general/common.json"},
                "components": {
                    "module": {
                        "list": {
                            "moduleType": "search",
                            "codeFiles": {"communication": "modules/list/list.communication.iml.json", "samples": None},
                        },
                        "empty": {"moduleType": "action", "codeFiles": None},
                    }
                },
            },
            "general/base.iml.json": {"baseUrl": "https://api.example.com/v1"},
            "general/common.json": {},
            "modules/list/list.communication.iml.json": REQUEST,
            "modules/list/list.samples.iml.json": {},
        },
    )
    app = load_app(str(tmp_path))
    assert placements(app) == {
        "makecomapp.json": ("app", None, "app", "manifest"),
        "general/base.iml.json": ("app", None, "app", "base"),
        "general/common.json": ("app", None, "app", "common"),
        "modules/list/list.communication.iml.json": ("module", "search", "list", "communication"),
        "modules/list/list.samples.iml.json": ("module", "search", "list", "samples"),
    }
    empty = app.component(ComponentKind.MODULE, "empty")
    assert empty is not None and empty.type == "action" and empty.files == ()


def test_the_default_layout_without_a_manifest(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "general/base.iml.json": {"baseUrl": "https://api.example.com/v1"},
            "general/common.json": {},
            "modules/groups.json": [],
            "connections/acme/acme.communication.iml.json": REQUEST,
            "connections/acme/acme.params.iml.json": PARAMS,
            "connections/acme/acme.common.json": {},
            "modules/list-contacts/list-contacts.communication.iml.json": {"url": "/contacts"},
            "modules/list-contacts/list-contacts.static-params.iml.json": [],
            "modules/list-contacts/list-contacts.mappable-params.iml.json": [],
            "modules/list-contacts/list-contacts.interface.iml.json": [],
            "modules/list-contacts/list-contacts.samples.iml.json": {},
            "modules/watch-contacts/watch-contacts.communication.iml.json": {"url": "/contacts"},
            "modules/watch-contacts/watch-contacts.epoch.iml.json": {"url": "/contacts"},
            "rpcs/list-fields/list-fields.communication.iml.json": {"url": "/fields"},
            "rpcs/list-fields/list-fields.params.iml.json": [],
            "webhooks/new-contact/new-contact.communication.iml.json": {"output": "{{body}}"},
            "webhooks/new-contact/new-contact.attach.iml.json": {"url": "/hooks"},
            "webhooks/new-contact/new-contact.detach.iml.json": {"url": "/hooks/{{webhook.hookId}}"},
            "functions/slugify/slugify.code.js": "function slugify(text) { return text }\n",
            "functions/slugify/slugify.test.js": "it('works', () => {})\n",
            "connections/acme/acme.samples.json": {"parameters": {}},
            "connections/acme/notes.txt": "not a Make file",
        },
    )
    app = load_app(str(tmp_path))
    assert not app.manifest
    assert placements(app) == {
        "general/base.iml.json": ("app", None, "app", "base"),
        "general/common.json": ("app", None, "app", "common"),
        "modules/groups.json": ("app", None, "app", "groups"),
        "connections/acme/acme.communication.iml.json": ("connection", "basic", "acme", "communication"),
        "connections/acme/acme.params.iml.json": ("connection", "basic", "acme", "params"),
        "connections/acme/acme.common.json": ("connection", "basic", "acme", "common"),
        "modules/list-contacts/list-contacts.communication.iml.json": (
            "module",
            None,
            "list-contacts",
            "communication",
        ),
        "modules/list-contacts/list-contacts.static-params.iml.json": ("module", None, "list-contacts", "params"),
        "modules/list-contacts/list-contacts.mappable-params.iml.json": (
            "module",
            None,
            "list-contacts",
            "mappable-params",
        ),
        "modules/list-contacts/list-contacts.interface.iml.json": ("module", None, "list-contacts", "interface"),
        "modules/list-contacts/list-contacts.samples.iml.json": ("module", None, "list-contacts", "samples"),
        "modules/watch-contacts/watch-contacts.communication.iml.json": (
            "module",
            "trigger",
            "watch-contacts",
            "communication",
        ),
        "modules/watch-contacts/watch-contacts.epoch.iml.json": ("module", "trigger", "watch-contacts", "epoch"),
        "rpcs/list-fields/list-fields.communication.iml.json": ("rpc", None, "list-fields", "communication"),
        "rpcs/list-fields/list-fields.params.iml.json": ("rpc", None, "list-fields", "params"),
        "webhooks/new-contact/new-contact.communication.iml.json": ("webhook", None, "new-contact", "communication"),
        "webhooks/new-contact/new-contact.attach.iml.json": ("webhook", None, "new-contact", "attach"),
        "webhooks/new-contact/new-contact.detach.iml.json": ("webhook", None, "new-contact", "detach"),
        "functions/slugify/slugify.code.js": ("function", None, "slugify", "code"),
        "functions/slugify/slugify.test.js": ("function", None, "slugify", "test"),
    }


def test_the_default_layout_without_the_id_prefix(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "connections/acme/communication.iml.json": REQUEST,
            "connections/acme/parameters.iml.json": PARAMS,
            "modules/watch/communication.iml.json": {"url": "/contacts"},
            "modules/watch/static-params.iml.json": [],
            "modules/watch/epoch.iml.json": {"url": "/contacts"},
            "webhooks/hook/attach.iml.json": {"url": "/hooks"},
        },
    )
    assert placements(load_app(str(tmp_path))) == {
        "connections/acme/communication.iml.json": ("connection", "basic", "acme", "communication"),
        "connections/acme/parameters.iml.json": ("connection", "basic", "acme", "params"),
        "modules/watch/communication.iml.json": ("module", "trigger", "watch", "communication"),
        "modules/watch/static-params.iml.json": ("module", "trigger", "watch", "params"),
        "modules/watch/epoch.iml.json": ("module", "trigger", "watch", "epoch"),
        "webhooks/hook/attach.iml.json": ("webhook", None, "hook", "attach"),
    }


def test_the_older_imljson_export_with_metadata(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.imljson": {"baseUrl": "https://api.example.com/v1"},
            "common.imljson": {},
            "connections/acme/api.imljson": {"authorize": REQUEST, "token": REQUEST},
            "connections/acme/parameters.imljson": PARAMS,
            "connections/acme/metadata.json": {"type": "oauth", "label": "Acme"},
            "modules/searchContacts/api.imljson": {"url": "/contacts"},
            "modules/searchContacts/parameters.imljson": [],
            "modules/searchContacts/expect.imljson": [],
            "modules/searchContacts/interface.imljson": [],
            "modules/searchContacts/samples.imljson": {},
            "modules/searchContacts/metadata.json": {"type": "search", "label": "Search contacts"},
            "modules/createContact/api.imljson": {"url": "/contacts", "method": "POST"},
            "modules/createContact/metadata.json": {"typeId": 4, "label": "Create a contact"},
            "rpcs/listFields/api.imljson": {"url": "/fields"},
            "webhooks/newContact/api.imljson": {"output": "{{body}}"},
            "webhooks/newContact/attach.imljson": {"url": "/hooks"},
            "webhooks/newContact/metadata.json": {"type": "web"},
        },
    )
    assert placements(load_app(str(tmp_path))) == {
        "base.imljson": ("app", None, "app", "base"),
        "common.imljson": ("app", None, "app", "common"),
        "connections/acme/api.imljson": ("connection", "oauth", "acme", "communication"),
        "connections/acme/parameters.imljson": ("connection", "oauth", "acme", "params"),
        "connections/acme/metadata.json": ("connection", "oauth", "acme", "metadata"),
        "modules/searchContacts/api.imljson": ("module", "search", "searchContacts", "communication"),
        "modules/searchContacts/parameters.imljson": ("module", "search", "searchContacts", "params"),
        "modules/searchContacts/expect.imljson": ("module", "search", "searchContacts", "mappable-params"),
        "modules/searchContacts/interface.imljson": ("module", "search", "searchContacts", "interface"),
        "modules/searchContacts/samples.imljson": ("module", "search", "searchContacts", "samples"),
        "modules/searchContacts/metadata.json": ("module", "search", "searchContacts", "metadata"),
        "modules/createContact/api.imljson": ("module", "action", "createContact", "communication"),
        "modules/createContact/metadata.json": ("module", "action", "createContact", "metadata"),
        "rpcs/listFields/api.imljson": ("rpc", None, "listFields", "communication"),
        "webhooks/newContact/api.imljson": ("webhook", "web", "newContact", "communication"),
        "webhooks/newContact/attach.imljson": ("webhook", "web", "newContact", "attach"),
        "webhooks/newContact/metadata.json": ("webhook", "web", "newContact", "metadata"),
    }


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_nothing_outside_the_root_is_placed_through_a_symlink_or_the_manifest(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"stolen/stolen.communication.iml.json": REQUEST, "secret.json": {"token": "s3cret"}})
    root = tmp_path / "app"
    write(
        root,
        {
            "makecomapp.json": {
                "components": {
                    "connection": {"escape": {"codeFiles": {"communication": "../outside/secret.json"}}},
                }
            },
            "connections/acme/acme.communication.iml.json": REQUEST,
        },
    )
    (root / "connections" / "stolen").symlink_to(outside / "stolen", target_is_directory=True)
    (root / "connections" / "acme" / "acme.params.iml.json").symlink_to(outside / "secret.json")
    assert placements(load_app(str(root))) == {
        "makecomapp.json": ("app", None, "app", "manifest"),
        "connections/acme/acme.communication.iml.json": ("connection", "basic", "acme", "communication"),
    }


def test_the_app_root_is_found_from_a_nested_file_or_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "repo/src/makecomapp.json": {"components": {}},
            "repo/src/modules/list/list.communication.iml.json": REQUEST,
            "repo/other/general/base.iml.json": {"baseUrl": "https://api.example.com/v1"},
            "repo/other/connections/acme/acme.communication.iml.json": REQUEST,
            "repo/README.md": "# not an app",
        },
    )
    src, other = tmp_path / "repo" / "src", tmp_path / "repo" / "other"
    assert find_app_root(str(src / "modules" / "list" / "list.communication.iml.json")) == str(src)
    assert find_app_root(str(src / "modules")) == str(src)
    assert find_app_root(str(other / "connections" / "acme" / "acme.communication.iml.json")) == str(other)
    assert find_app_root(str(tmp_path / "repo" / "README.md")) is None


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"connections/c/c.oauth-communication.iml.json": {"token": REQUEST}}, "oauth"),
        ({"connections/c/c.communication.iml.json": {"authorize": REQUEST, "token": REQUEST}}, "oauth"),
        ({"connections/c/c.communication.iml.json": REQUEST}, "basic"),
        ({"connections/c/api.imljson": REQUEST, "connections/c/metadata.json": {"type": "oauth1"}}, "oauth1"),
    ],
    ids=["oauth-communication-name", "stages-in-communication", "one-request", "metadata"],
)
def test_the_connection_type_comes_from_its_files(tmp_path: Path, files: dict[str, object], expected: str) -> None:
    write(tmp_path, files)
    connection = load_app(str(tmp_path)).component(ComponentKind.CONNECTION, "c")
    assert connection is not None and connection.type == expected


@pytest.mark.parametrize(("declared", "expected"), [("basic", "basic"), ("oauth", "oauth"), ("oauth1", "oauth1")])
def test_the_manifest_connection_type_wins_over_the_files(tmp_path: Path, declared: str, expected: str) -> None:
    write(
        tmp_path,
        {
            "makecomapp.json": {"components": {"connection": {"c": {"connectionType": declared}}}},
            "connections/c/c.communication.iml.json": {"authorize": REQUEST, "token": REQUEST}
            if declared == "basic"
            else REQUEST,
        },
    )
    app = load_app(str(tmp_path))
    connection = app.component(ComponentKind.CONNECTION, "c")
    assert connection is not None and connection.type == expected
    assert placements(app)["connections/c/c.communication.iml.json"] == ("connection", expected, "c", "communication")
