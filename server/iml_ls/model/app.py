"""The whole Make app: its root, its components and the role of every file in them.

A Make app is found from any file or folder inside it. Files are placed by ``makecomapp.json``
(``components`` with ``codeFiles``, ``generalCodeFiles``) first; files the manifest does not name are
placed by the layouts seen in real apps: the local-development default
(``modules/<id>/<id>.communication.iml.json``), the same without the ``<id>.`` prefix, and the older
export (``modules/<id>/api.imljson``, ``metadata.json``). A component's kind always comes from the
manifest or from its folder (``connections/``, ``modules/``, ``rpcs/``, ``webhooks/``, ``functions/``),
never from the file suffix alone: modules, RPCs and webhooks use the same ``communication`` name as
connections.
"""

from __future__ import annotations

import enum
import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from iml_ls import files
from iml_ls.model.connection import FileKind, file_kind, is_recording
from iml_ls.model.schema import Context


class ComponentKind(enum.Enum):
    """What a component is; ``APP`` holds the app-wide files (base, common, manifest)."""

    APP = "app"
    CONNECTION = "connection"
    MODULE = "module"
    RPC = "rpc"
    WEBHOOK = "webhook"
    FUNCTION = "function"
    ENDPOINT = "endpoint"


class Role(enum.Enum):
    """What one file is to its component (Make's code names)."""

    COMMUNICATION = "communication"
    PARAMS = "params"
    """Connection, RPC and webhook parameters; a module's static parameters."""
    MAPPABLE_PARAMS = "mappable-params"
    INTERFACE = "interface"
    SAMPLES = "samples"
    SCOPE = "scope"
    EPOCH = "epoch"
    ATTACH = "attach"
    DETACH = "detach"
    UPDATE = "update"
    COMMON = "common"
    BASE = "base"
    MANIFEST = "manifest"
    SCOPE_LIST = "scope-list"
    DEFAULT_SCOPE = "default-scope"
    REQUIRED_SCOPE = "required-scope"
    INSTALL_SPEC = "install-spec"
    INSTALL = "install"
    GROUPS = "groups"
    METADATA = "metadata"
    CODE = "code"
    TEST = "test"
    OTHER = "other"

    @property
    def holds_requests(self) -> bool:
        """Whether the file is a request specification (or an array of them, or OAuth stages)."""
        return self in _REQUEST_ROLES

    @property
    def holds_parameters(self) -> bool:
        return self in (Role.PARAMS, Role.MAPPABLE_PARAMS, Role.INTERFACE, Role.INSTALL_SPEC)


_REQUEST_ROLES = frozenset({Role.COMMUNICATION, Role.EPOCH, Role.ATTACH, Role.DETACH, Role.UPDATE, Role.BASE})

CODE_NAMES: dict[str, Role] = {
    "api": Role.COMMUNICATION,
    "communication": Role.COMMUNICATION,
    "oauth-communication": Role.COMMUNICATION,
    "params": Role.PARAMS,
    "parameters": Role.PARAMS,
    "static-params": Role.PARAMS,
    "staticparams": Role.PARAMS,
    "mappable-params": Role.MAPPABLE_PARAMS,
    "mappableparams": Role.MAPPABLE_PARAMS,
    "expect": Role.MAPPABLE_PARAMS,
    "interface": Role.INTERFACE,
    "samples": Role.SAMPLES,
    "scope": Role.SCOPE,
    "epoch": Role.EPOCH,
    "attach": Role.ATTACH,
    "detach": Role.DETACH,
    "update": Role.UPDATE,
    "common": Role.COMMON,
    "base": Role.BASE,
    "scope-list": Role.SCOPE_LIST,
    "scopelist": Role.SCOPE_LIST,
    "oauthcommunication": Role.COMMUNICATION,
    "installdirectives": Role.INSTALL,
    "mappable": Role.MAPPABLE_PARAMS,
    "scopes": Role.SCOPE_LIST,
    "default-scope": Role.DEFAULT_SCOPE,
    "defaultscope": Role.DEFAULT_SCOPE,
    "required-scope": Role.REQUIRED_SCOPE,
    "requiredscope": Role.REQUIRED_SCOPE,
    "install-spec": Role.INSTALL_SPEC,
    "installspec": Role.INSTALL_SPEC,
    "install": Role.INSTALL,
    "install-directives": Role.INSTALL,
    "groups": Role.GROUPS,
    "metadata": Role.METADATA,
    "meta": Role.METADATA,
    "code": Role.CODE,
    "test": Role.TEST,
}
"""Make's code names (``codeFiles`` keys, file-name parts) → the role of the file."""


def code_role(code: str) -> Role | None:
    """The role of a code name, however it is spelt (``mappableParams``, ``mappable-params``, ``expect``)."""
    return CODE_NAMES.get(code.lower().replace("_", "-")) or CODE_NAMES.get(
        code.lower().replace("-", "").replace("_", "")
    )


FOLDER_KINDS: dict[str, ComponentKind] = {
    "connections": ComponentKind.CONNECTION,
    "connection": ComponentKind.CONNECTION,
    "accounts": ComponentKind.CONNECTION,
    "modules": ComponentKind.MODULE,
    "module": ComponentKind.MODULE,
    "rpcs": ComponentKind.RPC,
    "rpc": ComponentKind.RPC,
    "webhooks": ComponentKind.WEBHOOK,
    "webhook": ComponentKind.WEBHOOK,
    "hooks": ComponentKind.WEBHOOK,
    "functions": ComponentKind.FUNCTION,
    "function": ComponentKind.FUNCTION,
    "endpoints": ComponentKind.ENDPOINT,
}
"""Folder names under the app root → the kind of the components inside them."""

MODULE_TYPES: dict[str, str] = {
    "trigger": "trigger",
    "1": "trigger",
    "action": "action",
    "4": "action",
    "search": "search",
    "9": "search",
    "instant_trigger": "instant_trigger",
    "instanttrigger": "instant_trigger",
    "10": "instant_trigger",
    "responder": "responder",
    "11": "responder",
    "universal": "universal",
    "12": "universal",
}
"""``moduleType`` values (names and Make's numeric type ids) → the module type."""

MANIFEST_NAME = "makecomapp.json"
MAX_APP_FILES = 5_000
"""Files looked at per app; a larger tree is not a Make app (or a hostile one)."""

_ROOT_BASES = ("base.iml.json", "base.json", "general/base.json")
"""Other names of base seen in apps without a manifest (an app root when component folders are beside)."""
_SKIPPED_FOLDERS = frozenset({"node_modules", ".git", ".vscode", ".idea", "dist", "build", "__pycache__", ".venv"})
_EXTENSIONS = (".iml.json", ".imljson", ".json", ".js", ".md")
_PREVIEW_SAMPLES = re.compile(r"\.samples\.json$")
"""iml-ls's own preview sample-values files (``<id>.samples.json``), which are not Make code."""


@dataclass(frozen=True)
class Component:
    """One component of the app: a connection, a module of some type, an RPC, a webhook, a function."""

    kind: ComponentKind
    name: str
    type: str | None = None
    """``basic``/``oauth``/``oauth1`` for connections, the module type, ``web``/``web-shared`` for webhooks."""
    label: str = ""
    connection: str | None = None
    alt_connection: str | None = None
    webhook: str | None = None
    files: tuple[tuple[Role, str], ...] = ()
    """Its files by role (absolute paths), in the order found."""

    def file(self, role: Role) -> str | None:
        return next((path for found, path in self.files if found is role), None)

    @property
    def title(self) -> str:
        kind = (
            self.kind.value if self.type is None or self.kind is ComponentKind.APP else f"{self.type} {self.kind.value}"
        )
        return f"{kind} `{self.name}`" if self.kind is not ComponentKind.APP else "the app"


@dataclass(frozen=True)
class Place:
    """Where a file sits in the app: its component and its role there."""

    component: Component
    role: Role

    @property
    def kind(self) -> ComponentKind:
        return self.component.kind


@dataclass(frozen=True, eq=False)
class App:
    """A Make app: its root folder and components, and every file's place in it."""

    root: str
    components: tuple[Component, ...]
    manifest: bool
    """Whether a ``makecomapp.json`` placed the components (else the folder layout did)."""

    @cached_property
    def links(self) -> bool:
        """Whether the manifest links components to connections (then a module without a link has none)."""
        return any(c.connection or c.alt_connection or c.webhook for c in self.components)

    @cached_property
    def places(self) -> dict[str, Place]:
        return {path: Place(component, role) for component in self.components for role, path in component.files}

    def place_of(self, path: str) -> Place | None:
        return self.places.get(os.path.abspath(path))

    def component(self, kind: ComponentKind, name: str | None) -> Component | None:
        if name is None:
            return None
        return next((c for c in self.components if c.kind is kind and c.name == name), None)

    def of_kind(self, kind: ComponentKind) -> list[Component]:
        return [component for component in self.components if component.kind is kind]

    @cached_property
    def app_component(self) -> Component:
        return next(c for c in self.components if c.kind is ComponentKind.APP)


RPC_PREFIX = "rpc://"


def rpc_name(text: str) -> str | None:
    """The RPC an ``"rpc://name?arg=…"`` reference names (None for any other text)."""
    if not text.startswith(RPC_PREFIX) or "{{" in text:
        return None
    return text[len(RPC_PREFIX) :].split("?", 1)[0].split("/", 1)[0] or None


def find_app_root(path: str) -> str | None:
    """The root of the Make app that holds ``path``: the nearest folder up with ``makecomapp.json``,
    else the nearest folder up that looks like an app (a base file, or component folders)."""
    start = Path(os.path.abspath(path))
    folders = [start, *start.parents] if start.is_dir() else list(start.parents)
    for folder in folders:
        if (folder / MANIFEST_NAME).is_file():
            return str(folder)
    for folder in folders:
        if _looks_like_app(folder):
            return str(folder)
    return None


def app_roots_under(folder: str) -> list[str]:
    """The roots of every Make app inside ``folder`` (a folder of many apps, or a repository)."""
    roots: list[str] = []
    for current, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if name not in _SKIPPED_FOLDERS and not name.startswith("."))
        if MANIFEST_NAME in names or _looks_like_app(Path(current)):
            roots.append(current)
            subfolders[:] = []
    return roots


def _looks_like_app(folder: Path) -> bool:
    """An app without a manifest: Make's base file, or a base beside component folders, or a folder of
    connections, modules, RPCs or webhooks whose component folders hold Make code (``modules/list/api.imljson``);
    a ``functions/`` folder of JavaScript alone is no sign (many projects have one)."""
    if (folder / "base.imljson").is_file() or (folder / "general" / "base.iml.json").is_file():
        return True
    kinds = [name for name in FOLDER_KINDS if (folder / name).is_dir()]
    if kinds and any((folder / name).is_file() for name in _ROOT_BASES):
        return True
    return any(_holds_components(folder / name) for name in kinds if name in _CODE_FOLDERS)


_CODE_FOLDERS = frozenset({"connections", "modules", "rpcs", "webhooks", "connection", "webhook"})
"""Component folders whose files are IML JSON (functions are JavaScript, endpoints rare)."""


def _holds_components(folder: Path) -> bool:
    """Whether some folder inside ``folder`` holds a JSON or IMLJSON file."""
    try:
        children = [child for child in folder.iterdir() if child.is_dir() and not child.name.startswith(".")]
        return any(entry.name.endswith((".json", ".imljson")) for child in children[:50] for entry in child.iterdir())
    except OSError:
        return False


def app_files(root: str) -> list[str]:
    """The candidate files of an app (JSON, IMLJSON, JS, Markdown) that :func:`iml_ls.files.walk`
    allows (nothing through a symlink out of the root, regular files only), without tool folders."""
    found: list[str] = []
    for path in files.walk(root):
        parts = path.relative_to(root).parts
        if not path.name.endswith(_EXTENSIONS) or any(
            part in _SKIPPED_FOLDERS or part.startswith(".") for part in parts[:-1]
        ):
            continue
        found.append(str(path))
        if len(found) >= MAX_APP_FILES:
            break
    return found


def _read_json(path: Path, root: Path) -> object:
    text = files.read_text(path, root)
    return None if text is None else json_value(text)


def json_value(text: str) -> object:
    """A JSON-with-comments text as plain Python values (None where it cannot be read)."""
    try:
        return json.loads(text)
    except ValueError:
        from iml_ls.syntax.json_tree import parse_json
        from iml_ls.text.line_index import LineIndex

        root = parse_json(LineIndex(text)).root
        return None if root is None else _plain(root)


def _plain(node: object) -> object:
    from iml_ls.syntax.json_tree import JsonArray, JsonObject

    if isinstance(node, JsonObject):
        return {member.key.value: _plain(member.value) for member in node.members}
    if isinstance(node, JsonArray):
        return [_plain(item) for item in node.items]
    return getattr(node, "value", None)


@dataclass
class _Builder:
    """Collects components while the manifest and then the layout place files."""

    root: Path
    components: dict[tuple[ComponentKind, str], Component] = field(default_factory=dict)
    placed: set[str] = field(default_factory=set)

    def add(self, kind: ComponentKind, name: str, **facts: str | None) -> None:
        key = (kind, name)
        known = self.components.get(key)
        if known is None:
            self.components[key] = Component(kind, name, **{k: v for k, v in facts.items() if v is not None})  # type: ignore[arg-type]
        else:
            update = {k: v for k, v in facts.items() if v is not None and getattr(known, k) in (None, "")}
            if update:
                self.components[key] = _replace(known, **update)

    def place(self, kind: ComponentKind, name: str, role: Role, path: Path) -> None:
        absolute = os.path.abspath(path)
        if absolute in self.placed or is_recording(absolute) or not files.is_safe(path, self.root):
            return  # a recorded response is data iml-ls wrote, never code, whatever the manifest says
        self.add(kind, name)
        known = self.components[(kind, name)]
        self.components[(kind, name)] = _replace(known, files=(*known.files, (role, absolute)))
        self.placed.add(absolute)


def _replace(component: Component, **changes: object) -> Component:
    from dataclasses import replace

    return replace(component, **changes)  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value))
    return None


def _manifest_entries(components: object) -> list[tuple[str, str, dict[str, object]]]:
    """``(kind, local id, entry)`` of the manifest's ``components`` (objects keyed by id, or arrays)."""
    found: list[tuple[str, str, dict[str, object]]] = []
    if not isinstance(components, dict):
        return found
    for kind, entries in components.items():
        if isinstance(entries, dict):
            items = [(str(key), value) for key, value in entries.items()]
        elif isinstance(entries, list):
            items = [(_text(v.get("name")) or _text(v.get("id")) or "", v) for v in entries if isinstance(v, dict)]
        else:
            continue
        found.extend((str(kind), name, entry) for name, entry in items if name and isinstance(entry, dict))
    return found


def _read_manifest(builder: _Builder, manifest: object) -> None:
    if not isinstance(manifest, dict):
        return
    general = manifest.get("generalCodeFiles")
    if isinstance(general, dict):
        for code, relative in general.items():
            role = code_role(str(code))
            if role is not None and isinstance(relative, str):
                builder.place(ComponentKind.APP, "app", role, builder.root / relative)
    for kind_name, name, entry in _manifest_entries(manifest.get("components")):
        kind = FOLDER_KINDS.get(kind_name.lower()) or FOLDER_KINDS.get(kind_name.lower() + "s")
        if kind is None or kind is ComponentKind.APP:
            continue
        component_type = _component_type(kind, entry)
        builder.add(
            kind,
            name,
            type=component_type,
            label=_text(entry.get("label")),
            connection=_text(entry.get("connection")),
            alt_connection=_text(entry.get("altConnection")),
            webhook=_text(entry.get("webhook")),
        )
        files = entry.get("codeFiles")
        if isinstance(files, dict):
            for code, relative in files.items():
                role = code_role(str(code))
                if role is not None and isinstance(relative, str):
                    builder.place(kind, name, role, builder.root / relative)


def _component_type(kind: ComponentKind, entry: dict[str, object]) -> str | None:
    if kind is ComponentKind.MODULE:
        raw = _text(entry.get("moduleType")) or _text(entry.get("typeId")) or _text(entry.get("type"))
        return MODULE_TYPES.get(raw.lower()) if raw else None
    if kind is ComponentKind.CONNECTION:
        raw = _text(entry.get("connectionType")) or _text(entry.get("type"))
        return _connection_type(raw)
    if kind is ComponentKind.WEBHOOK:
        raw = _text(entry.get("webhookType")) or _text(entry.get("type"))
        return raw.lower() if raw else None
    return None


def _connection_type(raw: str | None) -> str | None:
    if raw is None:
        return None
    lowered = raw.lower()
    if lowered.startswith("oauth"):
        return "oauth1" if "1" in lowered else "oauth"
    return "basic"


def _layout_role(name: str, component: str) -> Role | None:
    """The role a file name gives in a component folder (``<id>.<code>.iml.json``, ``<code>.iml.json``,
    ``<code>.imljson``, ``metadata.json``)."""
    lowered = name.lower()
    if _PREVIEW_SAMPLES.search(lowered) and not lowered.endswith(".iml.json"):
        return None
    for extension in _EXTENSIONS:
        if lowered.endswith(extension):
            stem = lowered[: -len(extension)]
            break
    else:
        return None
    prefix = component.lower() + "."
    if stem.startswith(prefix):
        stem = stem[len(prefix) :]
    return code_role(stem)


def _read_layout(builder: _Builder, files: list[str]) -> None:
    for file in files:
        path = Path(file)
        if os.path.abspath(path) in builder.placed:
            continue
        parts = path.relative_to(builder.root).parts
        if len(parts) == 1:
            role = _layout_role(parts[0], "")
            if role in (Role.BASE, Role.COMMON):
                builder.place(ComponentKind.APP, "app", role, path)
            continue
        if parts[0] == "general" and len(parts) == 2:
            role = _layout_role(parts[1], "")
            if role is not None:
                builder.place(ComponentKind.APP, "app", role, path)
            continue
        if parts[0] == "modules" and len(parts) == 2 and parts[1].startswith("groups."):
            builder.place(ComponentKind.APP, "app", Role.GROUPS, path)
            continue
        kind = FOLDER_KINDS.get(parts[0].lower())
        if kind is None or len(parts) > 3:
            continue
        if len(parts) == 2:  # a single component's files right in a singular folder: connection/api.json
            role = _layout_role(parts[1], "") if not parts[0].lower().endswith("s") else None
            if role is not None:
                builder.place(kind, parts[0], role, path)
            continue
        role = _layout_role(parts[2], parts[1])
        if role is not None:
            builder.place(kind, parts[1], role, path)


def _apply_metadata(builder: _Builder) -> None:
    """Types from the older export's ``metadata.json`` (``{"type": …}``) and from OAuth stage files."""
    for key, component in list(builder.components.items()):
        if component.type is not None:
            continue
        metadata = component.file(Role.METADATA)
        facts = _read_json(Path(metadata), builder.root) if metadata else None
        raw = None
        if isinstance(facts, dict):
            raw = _text(facts.get("type")) or _text(facts.get("typeId")) or _text(facts.get("moduleType"))
        found: str | None = None
        if component.kind is ComponentKind.MODULE and raw:
            found = MODULE_TYPES.get(raw.lower())
        elif component.kind is ComponentKind.CONNECTION:
            found = _connection_type(raw) if raw else _connection_type_of(component, builder.root)
        elif component.kind is ComponentKind.WEBHOOK and raw:
            found = raw.lower()
        if component.kind is ComponentKind.MODULE and found is None and component.file(Role.EPOCH):
            found = "trigger"
        if found is not None:
            builder.components[key] = _replace(component, type=found)
        if isinstance(facts, dict) and component.kind is ComponentKind.MODULE and component.connection is None:
            connection = _text(facts.get("connection"))
            if connection:
                builder.components[key] = _replace(builder.components[key], connection=connection)


OAUTH_STAGE_NAMES = frozenset({"preauthorize", "authorize", "token", "info", "refresh", "invalidate"})


def _connection_type_of(component: Component, root: Path) -> str:
    """A connection without a declared type: OAuth when its communication is an object of stages."""
    communication = component.file(Role.COMMUNICATION)
    if communication is not None:
        if communication.endswith(".oauth-communication.iml.json"):
            return "oauth"
        content = _read_json(Path(communication), root)
        if isinstance(content, dict) and OAUTH_STAGE_NAMES & set(content) and "url" not in content:
            return "oauth"
    return "basic"


def load_app(root: str) -> App:
    """The app at ``root``: components from the manifest, then from the folder layout."""
    base = Path(os.path.abspath(root))
    builder = _Builder(base)
    builder.add(ComponentKind.APP, "app")
    manifest_path = base / MANIFEST_NAME
    has_manifest = manifest_path.is_file()
    if has_manifest:
        builder.place(ComponentKind.APP, "app", Role.MANIFEST, manifest_path)
        _read_manifest(builder, _read_json(manifest_path, base))
    _read_layout(builder, app_files(str(base)))
    _apply_metadata(builder)
    return App(str(base), tuple(builder.components.values()), has_manifest)


_MODULE_CONTEXTS = {
    "action": Context.ACTION,
    "search": Context.SEARCH,
    "trigger": Context.TRIGGER,
    "instant_trigger": Context.INSTANT_TRIGGER,
    "universal": Context.UNIVERSAL,
    "responder": Context.RESPONDER,
}


def file_kind_of(path: str, place: Place | None) -> FileKind:
    """The shape of a file: from its place in the app when it has one, else from its name."""
    if place is None:
        return file_kind(path)
    role, kind = place.role, place.kind
    if role is Role.COMMUNICATION:
        if kind is ComponentKind.CONNECTION:
            return FileKind.OAUTH_COMMUNICATION if place.component.type == "oauth" else FileKind.COMMUNICATION
        return FileKind.WEBHOOK if kind is ComponentKind.WEBHOOK else FileKind.COMMUNICATION
    return _ROLE_KINDS.get(role, FileKind.OTHER)


_ROLE_KINDS = {
    Role.EPOCH: FileKind.COMMUNICATION,
    Role.ATTACH: FileKind.COMMUNICATION,
    Role.DETACH: FileKind.COMMUNICATION,
    Role.UPDATE: FileKind.COMMUNICATION,
    Role.BASE: FileKind.BASE,
    Role.PARAMS: FileKind.PARAMS,
    Role.MAPPABLE_PARAMS: FileKind.PARAMS,
    Role.INTERFACE: FileKind.PARAMS,
    Role.INSTALL_SPEC: FileKind.PARAMS,
    Role.COMMON: FileKind.COMMON,
    Role.MANIFEST: FileKind.APP_MANIFEST,
    Role.INSTALL: FileKind.OTHER_IML,
    Role.SAMPLES: FileKind.OTHER_IML,
}


def context_of(place: Place | None, kind: FileKind) -> Context:
    """The vocabulary a file's requests and expressions are checked with (a file outside any app
    is taken for what its name says: a connection's, or base)."""
    if kind is FileKind.BASE:
        return Context.BASE
    if place is None:
        if kind is FileKind.OAUTH_COMMUNICATION:
            return Context.OAUTH
        return Context.CONNECTION if kind in (FileKind.COMMUNICATION, FileKind.PARAMS) else Context.OTHER
    component, role = place.component, place.role
    if component.kind is ComponentKind.CONNECTION:
        return Context.OAUTH if component.type == "oauth" else Context.CONNECTION
    if component.kind is ComponentKind.MODULE:
        if role is Role.EPOCH:
            return Context.EPOCH
        return _MODULE_CONTEXTS.get(component.type or "", Context.MODULE)
    if component.kind is ComponentKind.RPC:
        return Context.RPC
    if component.kind is ComponentKind.WEBHOOK:
        return Context.WEBHOOK if role is Role.COMMUNICATION else Context.WEBHOOK_REQUEST
    return Context.OTHER


@dataclass(frozen=True)
class AppFacts:
    """What one file's checks read from the rest of its app, as values (so that an edit elsewhere
    that leaves them equal re-checks nothing)."""

    component: Component
    connection: str | None = None
    """The linked connection(s), for messages (``connection `acme` ``)."""
    connection_fields: tuple[tuple[str, str], ...] | None = None
    """What ``connection.<key>`` may read, with what each is: the connection's parameters and saved
    ``response.data`` keys (None: not known, so not checked)."""
    webhook_fields: tuple[tuple[str, str], ...] | None = None
    """What ``webhook.<key>`` may read (None: not known)."""
    rpc_names: frozenset[str] = frozenset()
    functions: tuple[tuple[str, int], ...] = ()
    """The app's custom IML functions and how many arguments each declares."""
    base_url: bool | None = None
    """Whether base gives a ``baseUrl`` (None: the app has no base file)."""
    base_sanitized: frozenset[str] = frozenset()
    """The ``log.sanitize`` paths of base."""

    @property
    def connection_keys(self) -> frozenset[str] | None:
        return None if self.connection_fields is None else frozenset(name for name, _ in self.connection_fields)

    @property
    def webhook_keys(self) -> frozenset[str] | None:
        return None if self.webhook_fields is None else frozenset(name for name, _ in self.webhook_fields)

    @property
    def function_names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.functions)


_JS_FUNCTION = re.compile(r"function\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\)")


def custom_function(source: str) -> tuple[str, int] | None:
    """The name and parameter count of a custom IML function from its JavaScript source."""
    match = _JS_FUNCTION.search(source[:20_000])
    if match is None:
        return None
    arguments = [part for part in match.group(2).split(",") if part.strip()]
    return match.group(1), len(arguments)


def linked_connections(app: App, component: Component) -> list[Component]:
    """The connections a component reads as ``connection.*``: its own and alternative one (from the
    manifest), else, in an app whose manifest links nothing and with a single connection, that one."""
    if component.kind is ComponentKind.CONNECTION:
        return []
    names = [name for name in (component.connection, component.alt_connection) if name]
    if component.kind is ComponentKind.MODULE and not names and component.webhook:
        hook = app.component(ComponentKind.WEBHOOK, component.webhook)
        names = [hook.connection] if hook is not None and hook.connection else []
    if names:
        return [found for name in names if (found := app.component(ComponentKind.CONNECTION, name)) is not None]
    connections = app.of_kind(ComponentKind.CONNECTION)
    if not app.links and len(connections) == 1 and component.kind in (ComponentKind.MODULE, ComponentKind.RPC):
        return connections
    return []
