"""What Make accepts in connection files, as data: keys per section, enums, variables.

Completion, hover and the structure checks all read these tables; nothing else spells them out.
Sources: Make's custom-app documentation and the JSON schemas of Make's own VS Code extension.
"""

from __future__ import annotations

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

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
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

REQUEST_KEYS = _keys(
    KeySpec("url", "The request URL; relative to `baseUrl` of `general/base.iml.json` when it starts with `/`."),
    KeySpec("method", "The HTTP method (default `GET`).", HTTP_METHODS),
    KeySpec("headers", 'Request headers, e.g. `{"authorization": "Bearer {{…}}"}`.'),
    KeySpec("qs", "Query-string parameters as an object."),
    KeySpec("body", "The request body; encoded according to `type`."),
    KeySpec("type", "How the body is encoded (default `json`).", REQUEST_BODY_TYPES),
    KeySpec("ca", "A custom certificate authority (PEM) for self-signed servers."),
    KeySpec("temp", "Scratch values evaluated before the request; read them as `temp.<key>`."),
    KeySpec("condition", "When false, the request is skipped."),
    KeySpec("encodeUrl", "Whether Make URL-encodes the URL (default true)."),
    KeySpec("gzip", "Ask for and decode gzip responses."),
    KeySpec("followRedirects", "Follow 3xx redirects for GET (default true)."),
    KeySpec("followAllRedirects", "Follow 3xx redirects for every method."),
    KeySpec("timeout", "Request timeout in milliseconds (1–300000)."),
    KeySpec("log", 'Logging options, e.g. `{"sanitize": ["request.headers.authorization"]}`.'),
    KeySpec("oauth", "OAuth 1.0 signing parameters for this request."),
    KeySpec("response", "How to read the response: `valid`, `error`, `temp`, `data`, `metadata`, `uid`."),
)

NOT_IN_CONNECTIONS = {
    "aws": "AWS request signing is not available in connections.",
    "pagination": "Pagination is not available in connections.",
    "repeat": "`repeat` is not available in connections.",
    "limit": "`response.limit` is not available in connections.",
    "iterate": "`response.iterate` is not available in connections.",
    "output": "`response.output` is not available in connections; use `response.data`.",
    "trigger": "`response.trigger` belongs to polling triggers, not connections.",
    "wrapper": "`response.wrapper` belongs to modules, not connections.",
}

RESPONSE_KEYS = _keys(
    KeySpec("type", "How to parse the response body (default `automatic`).", RESPONSE_TYPES),
    KeySpec("valid", "An IML condition: when false, the response is an error."),
    KeySpec("error", "The error message (or `{message, type}`) shown when the response is invalid."),
    KeySpec("temp", "Scratch values evaluated first in the response; `body` and `headers` are available."),
    KeySpec("data", "Values saved into the connection (later `connection.<key>` in modules)."),
    KeySpec("metadata", 'The label that tells connections apart: `{"value": …, "type": "text"}`.'),
    KeySpec("uid", "The user's id in the remote service."),
    KeySpec("oauth", "OAuth 1.0 tokens read from the response."),
    KeySpec("expires", "OAuth 2.0: when the connection (refresh token) expires."),
)

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

BASE_KEYS = _keys(
    KeySpec("baseUrl", "The URL every relative request `url` starts from."),
    *(REQUEST_KEYS[key] for key in ("headers", "qs", "body", "log", "response")),
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
    """A root name IML provides in connection files."""

    name: str
    description: str
    where: str
    """"everywhere", "response" (only inside `response`) or "modules" (never in connections)."""


VARIABLES = {
    spec.name: spec
    for spec in (
        VariableSpec("parameters", "Values the user entered in the connection form (the params file).", "everywhere"),
        VariableSpec("common", "The connection's common data (`<id>.common.json`).", "everywhere"),
        VariableSpec("temp", "Scratch values from `temp` directives.", "everywhere"),
        VariableSpec("data", "Values a previous OAuth stage saved with `response.data`.", "everywhere"),
        VariableSpec("oauth", "OAuth 2.0 helpers such as `oauth.makeRedirectUri`.", "everywhere"),
        VariableSpec("now", "The current date and time.", "everywhere"),
        VariableSpec("timestamp", "The current Unix time in seconds.", "everywhere"),
        VariableSpec("body", "The body of the HTTP response.", "response"),
        VariableSpec("headers", "The headers of the HTTP response.", "response"),
        VariableSpec("statusCode", "The HTTP status code of the response.", "response"),
        VariableSpec("query", "The query string of the OAuth callback, in `authorize.response`.", "response"),
        VariableSpec("connection", "A connection's saved data, read from modules and RPCs.", "modules"),
        VariableSpec("item", "The current item while a module iterates a response.", "modules"),
        VariableSpec("iterate", "Iteration state of a module's response.", "modules"),
        VariableSpec("output", "The result of a module's `output`.", "modules"),
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
