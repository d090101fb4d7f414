"""The functions Make's app runtime adds to IML: JSON, XML, MIME types, array helpers, signing, errors.

They are not part of Make's IML library but are available in every app. Those whose behaviour is
public enough (``parseJSON``, ``createJSON``, ``isArray``, ``pop``, ``shift``, ``mime``) are evaluated;
the others are known by name and arguments only: their result is a :class:`StandIn` (an empty value
of the type they return), so a preview says it made the value up and no check reports on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from iml_ls.evaluate.coerce import parse_json_text
from iml_ls.evaluate.functions.spec import (
    BuiltinFunction,
    StandIn,
    arg,
    array_argument,
    check_size,
    function,
    show_value,
    text_argument,
)
from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.values import UNDEFINED, EvalContext, EvaluationError, JsValue

_NOT_PUBLIC = (
    "Make's runtime adds this function but does not publish how it works: iml-ls knows its name and arguments, "
    "and does not evaluate it (a preview shows an empty stand-in, and no check reports on its result)."
)


@function(
    "parseJSON",
    "text",
    "any",
    "The value written as JSON in the text: a collection, an array, text, a number, a boolean or null.",
    'parseJSON(\'{"scope": ["read", "write"]}\')',
    '{"scope":["read","write"]}',
    "Empty text (or an empty value) gives null here; what Make gives for it is not documented.",
    text='JSON text, e.g. `\'{"k": "v"}\'`: the way to write a fixed collection in IML.',
)
def parse_json(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = text_argument("parseJSON", arg(args, 0))
    if not text.strip():
        return None
    try:
        return parse_json_text(text)
    except ValueError as error:
        raise EvaluationError(f"parseJSON(): the text is not valid JSON ({error}).") from None


@function(
    "createJSON",
    "value",
    "text",
    "The value written as JSON text (JavaScript's `JSON.stringify`).",
    "createJSON(pick(temp.user, 'name'))",
    '{"name":"Zoë"}',
    value="Any value: a collection, an array, text, a number…",
)
def create_json(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    text = stringify(arg(args, 0))
    return UNDEFINED if text is None else check_size(ctx, text)


@function(
    "isArray",
    "value",
    "boolean",
    "Whether the value is an array.",
    "isArray(temp.user.emails)",
    "true",
    value="Any value.",
)
def is_array(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    return isinstance(arg(args, 0), list)


@function(
    "pop",
    "array",
    "any",
    "The last item of the array (undefined when it is empty).",
    "pop(temp.user.emails)",
    "b@example.com",
    "In Make's runtime (JavaScript's `pop`) the array passed in may also lose that item; iml-ls leaves it as it is.",
    array="The array.",
)
def pop(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = array_argument("pop", arg(args, 0))
    return items[-1] if items else UNDEFINED


@function(
    "shift",
    "array",
    "any",
    "The first item of the array (undefined when it is empty).",
    "shift(temp.user.emails)",
    "a@example.com",
    "In Make's runtime (JavaScript's `shift`) the array passed in may also lose that item; iml-ls leaves it as it is.",
    array="The array.",
)
def shift(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue:
    items = array_argument("shift", arg(args, 0))
    return items[0] if items else UNDEFINED


_MIME_TYPES = {
    "aac": "audio/aac", "avi": "video/x-msvideo", "bin": "application/octet-stream", "bmp": "image/bmp",
    "css": "text/css", "csv": "text/csv", "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "eml": "message/rfc822", "epub": "application/epub+zip", "flac": "audio/flac", "gif": "image/gif",
    "gz": "application/gzip", "heic": "image/heic", "htm": "text/html", "html": "text/html",
    "ico": "image/vnd.microsoft.icon", "ics": "text/calendar", "jpeg": "image/jpeg", "jpg": "image/jpeg",
    "js": "text/javascript", "json": "application/json", "m4a": "audio/mp4", "md": "text/markdown",
    "mov": "video/quicktime", "mp3": "audio/mpeg", "mp4": "video/mp4", "mpeg": "video/mpeg",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "ods": "application/vnd.oasis.opendocument.spreadsheet", "odt": "application/vnd.oasis.opendocument.text",
    "oga": "audio/ogg", "ogg": "audio/ogg", "ogv": "video/ogg", "otf": "font/otf", "pdf": "application/pdf",
    "png": "image/png", "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "rar": "application/vnd.rar", "rtf": "application/rtf", "svg": "image/svg+xml", "tar": "application/x-tar",
    "tif": "image/tiff", "tiff": "image/tiff", "ttf": "font/ttf", "txt": "text/plain", "vcf": "text/vcard",
    "wav": "audio/wav", "webm": "video/webm", "webp": "image/webp", "woff": "font/woff", "woff2": "font/woff2",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xml": "application/xml",
    "yaml": "application/yaml", "yml": "application/yaml", "zip": "application/zip",
    "7z": "application/x-7z-compressed",
}  # fmt: skip
"""The common file extensions and their MIME types (IANA registrations)."""


@function(
    "mime",
    "filename",
    "text",
    "The MIME type of a file, from the extension of its name.",
    "mime('report.pdf')",
    "application/pdf",
    "iml-ls knows the common extensions (documents, images, audio, video, archives, fonts); for any other, "
    "Make's answer is unknown, and the result is a placeholder (null).",
    filename="A file name or path such as `'invoice.PDF'`.",
)
def mime(ctx: EvalContext, args: Sequence[JsValue]) -> JsValue | StandIn:
    name = text_argument("mime", arg(args, 0))
    extension = name.rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower() if "." in name else name.lower()
    found = _MIME_TYPES.get(extension)
    return found if found is not None else StandIn(None)


def _stand_in_for(name: str, returns: str) -> JsValue:
    """What a function not evaluated gives in a preview: a marked text, or an empty value of its type."""
    if returns == "text":
        return f"<{name}()>"
    if returns == "collection":
        return {}
    return [] if returns == "array" else UNDEFINED


def _known_by_name(
    name: str, parameters: str, returns: str, summary: str, example: str, **described: str
) -> BuiltinFunction:
    """A runtime function whose behaviour is not public: its result is always a stand-in."""

    def implementation(ctx: EvalContext, args: Sequence[JsValue]) -> StandIn:
        return StandIn(_stand_in_for(name, returns))

    shown = show_value(_stand_in_for(name, returns))
    return function(name, parameters, returns, summary, example, shown, _NOT_PUBLIC, **described)(implementation)


parse_xml = _known_by_name(
    "parseXML",
    "text",
    "collection",
    "The XML document in the text as a collection of its elements and attributes.",
    "parseXML('<user><name>Ann</name></user>')",
    text="XML text.",
)
create_xml = _known_by_name(
    "createXML",
    "value",
    "text",
    "A collection written as an XML document.",
    "createXML(pick(temp.user, 'name'))",
    value="The collection to write as XML.",
)
to_data_structure = _known_by_name(
    "toDataStructure",
    "data, [type]",
    "array",
    "A Make data structure (a list of field definitions) generated from sample data.",
    "toDataStructure(temp.user)",
    data="Sample data, e.g. a parsed response.",
    type="The kind of the sample: `json` (default).",
)
error_factory = _known_by_name(
    "errorFactory",
    "errorType, message",
    "any",
    "A Make error of the given type (such as `DataError`) with a message.",
    "errorFactory('DataError', 'The record is locked.')",
    errorType="An error type such as `RuntimeError`, `DataError` or `RateLimitError`.",
    message="The error message.",
)
crypto_sign = _known_by_name(
    "cryptoSign",
    "algorithm, data, key, [outputEncoding]",
    "text",
    "The signature of the data made with a private key (Node's crypto signing).",
    "cryptoSign('RSA-SHA256', 'message', parameters.clientSecret)",
    algorithm="The signature algorithm, e.g. `'RSA-SHA256'`.",
    data="The text to sign.",
    key="The private key (PEM).",
    outputEncoding="`hex` (default) or `base64`.",
)
generate_jwt_with_key_id = _known_by_name(
    "generateJwtWithKeyId",
    "payload, key, [jwtAlgorithm], [thumbprintAlgorithm], [options]",
    "text",
    "A JSON Web Token like `jwt()` makes, with a `kid` header computed from the key (its RFC 7517 thumbprint).",
    "generateJwtWithKeyId(temp.jwt, parameters.clientSecret)",
    payload="The claims (a collection).",
    key="The signing key.",
    jwtAlgorithm="The signing algorithm, e.g. `'RS256'`.",
    thumbprintAlgorithm="The hash of the key thumbprint, e.g. `'sha256'`.",
    options="jsonwebtoken options, as for `jwt()`.",
)

FUNCTIONS: tuple[BuiltinFunction, ...] = (
    parse_json, create_json, parse_xml, create_xml, to_data_structure, is_array, pop, shift, mime, error_factory,
    crypto_sign, generate_jwt_with_key_id,
)  # fmt: skip
