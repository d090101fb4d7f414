"""What runs stored: a connection's ``response.data`` (its tokens), ``expires``, ``uid`` and
``metadata``, and what a webhook's attach saved, in one local file that git ignores.

The file is ``.iml-ls/connection-data.json`` at the app root; the folder gets a ``.gitignore`` holding
``*`` so that tokens never reach a commit. Later runs read it: an OAuth connection's ``info`` and
``refresh`` stages as ``data.*``, a module, an RPC or an attach as ``connection.*``, a detach as
``webhook.*``. It holds values only; confirmations of hosts are never stored (a repository could
ship this file and pre-approve its own host)::

    {"connections": {"oauth2": {"data": {"accessToken": "…"}, "expires": "…", "uid": 42}},
     "webhooks": {"contact-events": {"data": {"hookId": "h-1"}}}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from iml_ls import files
from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.values import JsValue

STORE_FOLDER = ".iml-ls"
STORE_FILE = "connection-data.json"
IGNORE_EVERYTHING = "*\n"


class StoreError(Exception):
    """The store cannot be written safely (a symlink, or a path outside the app)."""


@dataclass
class Store:
    """The stored values of an app's connections and webhooks, by component id."""

    connections: dict[str, dict[str, JsValue]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, JsValue]] = field(default_factory=dict)

    def section(self, kind: str) -> dict[str, dict[str, JsValue]]:
        return self.connections if kind == "connection" else self.webhooks

    def data_of(self, kind: str, name: str) -> dict[str, JsValue]:
        """What ``response.data`` saved for a connection or webhook (empty when nothing was run)."""
        data = self.section(kind).get(name, {}).get("data")
        return dict(data) if isinstance(data, dict) else {}

    def keep(self, kind: str, name: str, stored: dict[str, JsValue]) -> None:
        """Merge what a stage stored: ``data`` key by key over what earlier stages saved, the others replaced."""
        entry = self.section(kind).setdefault(name, {})
        for key, value in stored.items():
            if key == "data" and isinstance(value, dict):
                earlier = entry.get("data")
                entry["data"] = (dict(earlier) if isinstance(earlier, dict) else {}) | value
            elif key != "trigger":
                entry[key] = value

    def forget(self, kind: str, name: str) -> None:
        self.section(kind).pop(name, None)


def store_path(app_root: str) -> str:
    return str(Path(app_root) / STORE_FOLDER / STORE_FILE)


def read_store(app_root: str) -> Store:
    """The app's store (empty when missing, unsafe or malformed); read through :mod:`iml_ls.files`."""
    text = files.read_text(store_path(app_root), app_root)
    try:
        raw = json.loads(text) if text is not None else {}
    except ValueError:
        raw = {}
    if not isinstance(raw, dict):
        return Store()

    def entries(name: str) -> dict[str, dict[str, JsValue]]:
        section = raw.get(name)
        if not isinstance(section, dict):
            return {}
        return {key: dict(value) for key, value in section.items() if isinstance(value, dict)}

    return Store(entries("connections"), entries("webhooks"))


def write_store(app_root: str, store: Store) -> str:
    """Write the store atomically, readable by its owner only, with the folder's ``.gitignore``."""
    root = Path(app_root).resolve()
    folder = root / STORE_FOLDER
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise StoreError(f"{STORE_FOLDER} in the app is not a plain folder.")
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.resolve().parent != root:
        raise StoreError(f"{STORE_FOLDER} lies outside the app.")
    _write(folder / ".gitignore", IGNORE_EVERYTHING)  # whatever a repository shipped there
    text = stringify({"connections": _value(store.connections), "webhooks": _value(store.webhooks)}, 2) or "{}"
    target = folder / STORE_FILE
    _write(target, text + "\n")
    return str(target)


def _value(section: dict[str, dict[str, JsValue]]) -> JsValue:
    found: dict[str, JsValue] = {}
    for name, entry in section.items():
        found[name] = dict(entry)
    return found


def _write(path: Path, text: str) -> None:
    """Write one file of the store's folder (never through a symlink), unless it already holds ``text``."""
    if path.is_symlink():
        raise StoreError(f"{path.name} in {STORE_FOLDER} is a symlink.")
    if path.is_file() and path.read_text(encoding="utf-8", errors="replace") == text:
        return
    files.write_atomically(path, text, 0o600)
