"""What Make accepts in connection files, as data: keys per section, enums, variables.

Completion, hover and the structure checks all read these tables; nothing else spells them out.
Sources: Make's custom-app documentation and the JSON schemas of Make's own VS Code extension.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class KeySpec:
    """A key Make accepts at some place in a connection file."""

    name: str
    description: str
    enum: tuple[str, ...] = ()
    """Allowed literal values (an IML string is always allowed too)."""


def _keys(*specs: KeySpec) -> dict[str, KeySpec]:
    return {spec.name: spec for spec in specs}


SECRET_PARAMETER_TYPES = ("password", "pkey", "cert")
"""Parameter types whose values are secrets: never shown, first when a ``jwt()`` key is completed."""

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
REQUEST_BODY_TYPES = ("json", "urlencoded", "multipart/form-data", "text", "string", "raw", "binary")
RESPONSE_TYPES = ("automatic", "json", "urlencoded", "text", "raw", "string", "binary", "xml")
ERROR_TYPES = (
    "RuntimeError",
    "DataError",
    "RateLimitError",
    "OutOfSpaceError",
    "ConnectionError",
    "InvalidConfigurationError",
    "InvalidAccessTokenError",
    "IncompleteDataError",
    "DuplicateDataError",
)
PARAMETER_TYPES = (
    "any", "array", "boolean", "buffer", "cert", "collection", "color", "date", "email", "filename",
    "folder", "file", "filter", "hidden", "json", "integer", "uinteger", "number", "password", "path",
    "pkey", "port", "select", "text", "time", "timestamp", "timezone", "url", "uuid", "banner", "udt",
)  # fmt: skip


class Context(enum.Enum):
    """Where a request (or a file of expressions) sits in the app: what the vocabulary tables key on."""

    CONNECTION = "a connection"
    OAUTH = "an OAuth connection"
    BASE = "base"
    ACTION = "an action module"
    SEARCH = "a search module"
    TRIGGER = "a polling trigger"
    INSTANT_TRIGGER = "an instant trigger"
    UNIVERSAL = "a universal module"
    RESPONDER = "a responder module"
    MODULE = "a module"
    """A module whose type neither the manifest nor the folder says: every module directive is allowed."""
    RPC = "an RPC"
    EPOCH = "an epoch"
    WEBHOOK = "a webhook"
    """A webhook's own communication: what Make does with an incoming call."""
    WEBHOOK_REQUEST = "a webhook's attach, detach or update"
    OTHER = "this file"


CONNECTIONS = frozenset({Context.CONNECTION, Context.OAUTH})
MODULES = frozenset(
    {
        Context.ACTION,
        Context.SEARCH,
        Context.TRIGGER,
        Context.INSTANT_TRIGGER,
        Context.UNIVERSAL,
        Context.RESPONDER,
        Context.MODULE,
    }
)
REQUESTS_WITH_BASE = MODULES | {Context.RPC, Context.EPOCH, Context.BASE}
"""Where a request inherits ``general/base.iml.json`` (modules and RPCs; base itself)."""
EVERY_CONTEXT = frozenset(Context)


@dataclass(frozen=True)
class Directive:
    """A key of a request or of its ``response``, and where Make accepts it."""

    spec: KeySpec
    allowed: frozenset[Context] = EVERY_CONTEXT
    unavailable: str = ""
    """Why it is not accepted elsewhere (the diagnostic's message, with ``{where}``)."""


def _directives(*rows: Directive) -> dict[str, Directive]:
    return {row.spec.name: row for row in rows}


REQUEST_DIRECTIVES = _directives(
    Directive(
        KeySpec("url", "The request URL; in modules and RPCs relative to base's `baseUrl` when it starts with `/`.")
    ),
    Directive(KeySpec("method", "The HTTP method (default `GET`).", HTTP_METHODS)),
    Directive(KeySpec("headers", 'Request headers, e.g. `{"authorization": "Bearer {{…}}"}`.')),
    Directive(KeySpec("qs", "Query-string parameters as an object.")),
    Directive(KeySpec("body", "The request body; encoded according to `type`.")),
    Directive(KeySpec("type", "How the body is encoded (default `json`).", REQUEST_BODY_TYPES)),
    Directive(KeySpec("ca", "A custom certificate authority (PEM) for self-signed servers.")),
    Directive(KeySpec("temp", "Scratch values evaluated before the request; read them as `temp.<key>`.")),
    Directive(KeySpec("condition", "When false, the request is skipped.")),
    Directive(KeySpec("encodeUrl", "Whether Make URL-encodes the URL (default true).")),
    Directive(KeySpec("gzip", "Ask for and decode gzip responses.")),
    Directive(KeySpec("followRedirects", "Follow 3xx redirects for GET (default true).")),
    Directive(KeySpec("followAllRedirects", "Follow 3xx redirects for every method.")),
    Directive(KeySpec("timeout", "Request timeout in milliseconds (1–300000).")),
    Directive(KeySpec("log", 'Logging options, e.g. `{"sanitize": ["request.headers.authorization"]}`.')),
    Directive(KeySpec("oauth", "OAuth 1.0 signing parameters for this request.")),
    Directive(
        KeySpec("aws", "AWS request signing: `key`, `secret`, `session`, `bucket`, `sign_version`."),
        EVERY_CONTEXT - CONNECTIONS,
        "AWS request signing is not available in {where}.",
    ),
    Directive(
        KeySpec("pagination", "How to request the next pages: `url`, `qs`, `body`, `condition`, `mergeWithParent`."),
        EVERY_CONTEXT - CONNECTIONS - {Context.WEBHOOK_REQUEST, Context.INSTANT_TRIGGER, Context.RESPONDER},
        "Pagination is not available in {where}.",
    ),
    Directive(
        KeySpec("repeat", "Repeat the request: `condition`, `delay`, `limit`."),
        EVERY_CONTEXT - CONNECTIONS,
        "`repeat` is not available in {where}.",
    ),
    Directive(KeySpec("endpoint", "The SDK endpoint this request calls instead of an HTTP URL.")),
    Directive(KeySpec("input", "The input of the SDK `endpoint` this request calls.")),
    Directive(KeySpec("response", "How to read the response: `valid`, `error`, `temp`, `output`, `data`, …")),
)

RESPONSE_DIRECTIVES = _directives(
    Directive(KeySpec("type", "How to parse the response body (default `automatic`).", RESPONSE_TYPES)),
    Directive(KeySpec("valid", "An IML condition: when false, the response is an error.")),
    Directive(KeySpec("error", "The error message (or `{message, type}`) shown when the response is invalid.")),
    Directive(KeySpec("temp", "Scratch values evaluated first in the response; `body` and `headers` are available.")),
    Directive(
        KeySpec("data", "Values saved into the connection (later `connection.<key>` in modules) or the webhook."),
        CONNECTIONS | {Context.WEBHOOK_REQUEST, Context.BASE},
        "`response.data` is saved only by connections and webhook attach; in {where} use `response.output`.",
    ),
    Directive(
        KeySpec("metadata", 'The label that tells connections apart: `{"value": …, "type": "text"}`.'),
        CONNECTIONS | {Context.BASE},
        "`response.metadata` belongs to connections, not {where}.",
    ),
    Directive(
        KeySpec("uid", "The user's id in the remote service (shared webhooks match on it)."),
        CONNECTIONS | {Context.WEBHOOK_REQUEST, Context.BASE},
        "`response.uid` belongs to connections and webhook attach, not {where}.",
    ),
    Directive(
        KeySpec("oauth", "OAuth 1.0 tokens read from the response."),
        CONNECTIONS | {Context.BASE},
        "`response.oauth` belongs to OAuth 1.0 connections, not {where}.",
    ),
    Directive(
        KeySpec("expires", "OAuth 2.0: when the connection (refresh token) expires."),
        CONNECTIONS | {Context.BASE},
        "`response.expires` belongs to OAuth connections, not {where}.",
    ),
    Directive(
        KeySpec("output", "What the module returns: an object mapped from `body` (or `item` with `iterate`)."),
        EVERY_CONTEXT - CONNECTIONS,
        "`response.output` is not available in {where}; use `response.data` to save values into the connection.",
    ),
    Directive(
        KeySpec("iterate", "The array in the body to return item by item, e.g. `{{body.items}}`."),
        EVERY_CONTEXT - CONNECTIONS - {Context.WEBHOOK_REQUEST, Context.INSTANT_TRIGGER},
        "`response.iterate` is not available in {where}.",
    ),
    Directive(
        KeySpec("limit", "The most items to return, e.g. `{{parameters.limit}}`."),
        EVERY_CONTEXT - CONNECTIONS - {Context.ACTION, Context.WEBHOOK_REQUEST},
        "`response.limit` is not available in {where}; it returns one bundle.",
    ),
    Directive(
        KeySpec("wrapper", "Reshapes the whole output (reads `output`)."),
        EVERY_CONTEXT - CONNECTIONS,
        "`response.wrapper` belongs to modules and RPCs, not {where}.",
    ),
    Directive(
        KeySpec("trigger", "How a polling trigger tells new items: `{type, order, id, date}`."),
        frozenset({Context.TRIGGER, Context.MODULE, Context.EPOCH, Context.BASE, Context.RPC}),
        "`response.trigger` belongs to polling triggers, not {where}.",
    ),
)

RESPONDER_ONLY = frozenset({Context.RESPONDER, Context.MODULE})
RESPONSE_DIRECTIVES |= _directives(
    Directive(KeySpec("status", "The HTTP status of the reply a responder sends."), RESPONDER_ONLY),
    Directive(KeySpec("headers", "The headers of the reply a responder sends."), RESPONDER_ONLY),
    Directive(KeySpec("body", "The body of the reply a responder sends."), RESPONDER_ONLY),
)

REQUEST_KEYS = {name: row.spec for name, row in REQUEST_DIRECTIVES.items()}
RESPONSE_KEYS = {name: row.spec for name, row in RESPONSE_DIRECTIVES.items()}


def directives_in(table: dict[str, Directive], context: Context) -> dict[str, KeySpec]:
    """The keys of ``table`` that ``context`` accepts (what completion offers there)."""
    return {name: row.spec for name, row in table.items() if context in row.allowed}


ERROR_OBJECT_KEYS = _keys(
    KeySpec("message", "The error message."),
    KeySpec("type", "The error type (default `RuntimeError`).", ERROR_TYPES),
)

METADATA_KEYS = _keys(
    KeySpec("value", "The text shown to tell this connection apart (up to 512 characters)."),
    KeySpec("type", "`text` or `email`.", ("text", "email")),
)

OAUTH_STAGES = _keys(
    KeySpec("preauthorize", "Runs before `authorize`, e.g. to obtain a temporary token."),
    KeySpec("authorize", "Sends the user to the service's consent page."),
    KeySpec("token", "Exchanges the authorization code for tokens."),
    KeySpec("info", "Reads account details that validate the connection."),
    KeySpec("refresh", "Refreshes an expired access token."),
    KeySpec("invalidate", "Revokes the tokens when the connection is deleted."),
)

OAUTH_CHAINS = {"token": ("token", "info")}
"""An OAuth stage and the stages Make runs after it when the user creates a connection."""
BROWSER_STAGES = frozenset({"authorize"})
"""OAuth stages the user's browser opens (Make never sends them itself)."""

BASE_KEYS = _keys(
    KeySpec("baseUrl", "The URL every relative request `url` of a module or RPC starts from."), *REQUEST_KEYS.values()
)

PARAMETER_KEYS = _keys(
    KeySpec("name", "The parameter's name: read it as `parameters.<name>`."),
    KeySpec("type", "The parameter's type.", PARAMETER_TYPES),
    KeySpec("label", "The label shown in the connection form."),
    KeySpec("help", "Help text shown under the field."),
    KeySpec("default", "The value used when the user gives none."),
    KeySpec("required", "Whether the user must fill it in."),
    KeySpec("advanced", "Shown only with advanced settings."),
    KeySpec("editable", "Whether it can be changed after creation."),
    KeySpec("options", "The choices of a `select` parameter."),
    KeySpec("nested", "Parameters shown when this one is filled in."),
)


@dataclass(frozen=True)
class VariableSpec:
    """A root name IML provides, and where."""

    name: str
    description: str
    where: str
    """"everywhere", or "response": only where a response exists (``response`` and ``pagination`` of a
    request; anywhere in a webhook's own communication, which handles an incoming call)."""
    contexts: frozenset[Context] = EVERY_CONTEXT
    """The components it exists in."""

    def available(self, context: Context, in_response: bool) -> bool:
        return context in self.contexts and (self.where != "response" or in_response or context is Context.WEBHOOK)


NOT_IN_CONNECTIONS = EVERY_CONTEXT - CONNECTIONS

OAUTH_STAGES_WITH_CONNECTION = frozenset({"info", "refresh", "invalidate"})
"""OAuth stages that run once the connection holds its tokens, so they may read ``connection.*``."""

VARIABLES = {
    spec.name: spec
    for spec in (
        VariableSpec(
            "parameters", "The values of the form: the connection's, module's or RPC's parameters.", "everywhere"
        ),
        VariableSpec("common", "The app's (or connection's) common data, e.g. a client secret.", "everywhere"),
        VariableSpec("temp", "Scratch values from `temp` directives.", "everywhere"),
        VariableSpec(
            "data", "Values a previous OAuth stage saved with `response.data`; a module's data.", "everywhere"
        ),
        VariableSpec(
            "oauth",
            "OAuth helpers such as `oauth.localRedirectUri` and `oauth.scope`.",
            "everywhere",
            CONNECTIONS | {Context.BASE, Context.OTHER},
        ),
        VariableSpec("now", "The current date and time.", "everywhere"),
        VariableSpec("timestamp", "The current Unix time in seconds.", "everywhere"),
        VariableSpec("body", "The body of the HTTP response (of the incoming call, in a webhook).", "response"),
        VariableSpec("headers", "The headers of the HTTP response (of the incoming call, in a webhook).", "response"),
        VariableSpec("statusCode", "The HTTP status code of the response.", "response"),
        VariableSpec(
            "query",
            "The query string of the OAuth callback (in `authorize.response`) or of a webhook call.",
            "response",
            frozenset({Context.OAUTH, Context.CONNECTION, Context.WEBHOOK, Context.BASE, Context.OTHER}),
        ),
        VariableSpec(
            "connection",
            "The linked connection's data: its parameters and what it saved with `response.data`.",
            "everywhere",
            EVERY_CONTEXT - {Context.CONNECTION},
        ),
        VariableSpec(
            "item", "The current item while `iterate` goes through a response.", "response", NOT_IN_CONNECTIONS
        ),
        VariableSpec(
            "iterate", "`iterate.container.first`/`.last`: where the iteration is.", "response", NOT_IN_CONNECTIONS
        ),
        VariableSpec("output", "The result of `response.output`, read in `wrapper`.", "response", NOT_IN_CONNECTIONS),
        VariableSpec(
            "webhook",
            "The webhook: `webhook.id`, `webhook.url` and what attach saved.",
            "everywhere",
            NOT_IN_CONNECTIONS,
        ),
        VariableSpec(
            "pagination",
            "The page being requested: `pagination.page` (from 1), `pagination.offset`, `pagination.limit`.",
            "everywhere",
            NOT_IN_CONNECTIONS,
        ),
        VariableSpec(
            "payload",
            "The data of the incoming webhook call an instant trigger handles.",
            "everywhere",
            frozenset({Context.INSTANT_TRIGGER, Context.MODULE, Context.WEBHOOK, Context.OTHER}),
        ),
        VariableSpec("environment", "The environment the scenario runs in, e.g. `environment.timezone`.", "everywhere"),
        VariableSpec("scenario", "The scenario the module runs in.", "everywhere"),
        VariableSpec(
            "metadata",
            "The module's parameter specifications: `metadata.expect`, `metadata.interface`.",
            "everywhere",
            NOT_IN_CONNECTIONS,
        ),
        VariableSpec("undefined", "An absent value.", "everywhere"),
        VariableSpec("emptystring", "The empty text `''`.", "everywhere"),
        VariableSpec("emptyarray", "An empty array.", "everywhere"),
        VariableSpec("space", "A space character.", "everywhere"),
        VariableSpec("newline", "A line break.", "everywhere"),
        VariableSpec("tab", "A tab character.", "everywhere"),
        VariableSpec("uuid", "A new random UUID (version 4) each time it is evaluated.", "everywhere"),
        VariableSpec("pi", "The number π, 3.141592653589793.", "everywhere"),
        VariableSpec("random", "A random number from 0 up to (not including) 1, new each time.", "everywhere"),
        VariableSpec("executionId", "The id of the scenario execution that runs the app.", "everywhere"),
        VariableSpec("erase", "`null` by another name: the field is set to an empty value.", "everywhere"),
        VariableSpec("ignore", "`undefined` by another name: the field counts as not mapped.", "everywhere"),
        VariableSpec("nbsp", "A non-breaking space (U+00A0).", "everywhere"),
        VariableSpec("carriagereturn", "A carriage return (`\\r`).", "everywhere"),
    )
}
