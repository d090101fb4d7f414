"""``jwt()`` calls: algorithm, claims, options and key, checked as jsonwebtoken's ``sign`` would.

Most rules read the connection statically: the payload and options are usually ``temp`` objects
defined in the same file. Rules that need values (the order of ``exp`` and ``iat``, what signing
rejects) evaluate with the sample values, and stay silent when a made-up placeholder was involved.

Every call is also signed (IML310), whatever the static rules found: a static error that reports the
very rejection jsonwebtoken raises stands for it (each static finding says which rejections it
reports), anything else is reported on the call, so no rejection hides behind a warning, another
error or a disabled rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from iml_ls.analysis import Analysis, ImlString, Scope
from iml_ls.checks.catalogue import Severity
from iml_ls.checks.diagnostic import Diagnostic, Fix, TextEdit, diagnostic
from iml_ls.checks.evaluation import failures
from iml_ls.checks.json_edits import add_member, remove_member
from iml_ls.checks.names import nearest
from iml_ls.evaluate.environment import ConnectionEvaluation, TempState, shared_evaluation
from iml_ls.evaluate.infer import NUMBER, static_type
from iml_ls.evaluate.js_json import number_to_string
from iml_ls.evaluate.jsonwebtoken import (
    MAKE_ALGORITHMS,
    OBJECT_METHOD_MESSAGE,
    OBJECT_METHOD_NAMES,
    SIGN_OPTIONS,
    JwtSignError,
    SecretKind,
    classify_secret,
    parse_timespan,
)
from iml_ls.model.connection import Request
from iml_ls.syntax.iml import Call, Expr, Literal, Template, member_path, walk_expr
from iml_ls.syntax.json_tree import JsonArray, JsonLiteral, JsonMember, JsonNumber, JsonObject, JsonString, JsonValue

TIME_CLAIMS = ("iat", "exp", "nbf")
CLAIM_FOR_OPTION = {
    "expiresIn": "exp",
    "notBefore": "nbf",
    "audience": "aud",
    "issuer": "iss",
    "subject": "sub",
    "jwtid": "jti",
}
DEFAULT_CLAIM_VALUES = {"exp": '"{{timestamp + 3600}}"', "iat": '"{{timestamp}}"', "nbf": '"{{timestamp}}"'}
RSA_KEY_TYPES = ("pkey", "cert")
_UNITLESS = re.compile(r"-?(?:\d+)?\.?\d+")
Rejection = tuple[str, str | None]
"""A jsonwebtoken rejection: the :class:`JwtSignError` kind, and its subject (None: whatever it is about)."""
_KEY_REJECTIONS: frozenset[Rejection] = frozenset(
    (kind, None)
    for kind in (
        "key-symmetric-required",
        "key-asymmetric-required",
        "key-type-mismatch",
        "key-type-unknown",
        "key-pss-parameters",
    )
)
_ALGORITHM_REJECTIONS: frozenset[Rejection] = frozenset(
    {("option-value", "algorithm"), ("algorithm-type", None), ("algorithm-invalid", None)}
)


@dataclass(frozen=True)
class Finding:
    """A static diagnostic and the jsonwebtoken rejections it reports (so IML310 need not repeat them)."""

    diagnostic: Diagnostic
    reports: frozenset[Rejection] = frozenset()

    def stands_for(self, analysis: Analysis) -> frozenset[Rejection]:
        """What it reports when it is shown: an enabled error (a warning or a disabled rule reports nothing)."""
        rule = self.diagnostic.rule
        shown = rule.severity is Severity.ERROR and analysis.is_enabled(rule.code, rule.name)
        return self.reports if shown else frozenset()


def _finding(diagnostic: Diagnostic, *reports: Rejection) -> Finding:
    return Finding(diagnostic, frozenset(reports))


@dataclass(frozen=True)
class JwtCall:
    """A ``jwt(payload, key, [algorithm], [options])`` call and what its arguments refer to."""

    string: ImlString
    template: Template
    call: Call
    payload: JsonObject | None
    options: JsonObject | None

    def span(self, expr: Expr) -> tuple[int, int]:
        return self.string.offset(self.template, expr.start), self.string.offset(self.template, expr.end)

    def argument(self, position: int) -> Expr | None:
        return self.call.args[position] if len(self.call.args) > position else None

    @property
    def algorithm(self) -> str | None:
        """The algorithm when it is written literally (HS256 when omitted), else None."""
        argument = self.argument(2)
        if argument is None:
            return "HS256"
        return argument.value if isinstance(argument, Literal) and isinstance(argument.value, str) else None


def temp_object(analysis: Analysis, expr: Expr | None, request: Request | None) -> JsonObject | None:
    """The JSON object a ``temp.<key>`` argument refers to, when the file defines it literally."""
    path = member_path(expr) if expr is not None else None
    if path is None or len(path) != 2 or path[0] != "temp":
        return None
    definition = analysis.temp_object(path[1], request)
    return definition.value if definition is not None and isinstance(definition.value, JsonObject) else None


def jwt_calls(analysis: Analysis) -> list[JwtCall]:
    """Every ``jwt()`` call of the file, found once per analysis."""
    calls = analysis.memo.get("jwt_calls")
    if calls is None:
        calls = analysis.memo["jwt_calls"] = list(_find_jwt_calls(analysis, analysis.iml_strings))
    assert isinstance(calls, list)
    return calls


def jwt_calls_at(analysis: Analysis, offset: int) -> list[JwtCall]:
    """The ``jwt()`` calls around ``offset`` (only its string is searched)."""
    string = analysis.syntax.iml_string_at(offset)
    calls = _find_jwt_calls(analysis, [string] if string is not None else [])
    return [call for call in calls if (span := call.span(call.call))[0] <= offset <= span[1]]


def calls_in(analysis: Analysis, strings: list[ImlString]) -> list[JwtCall]:
    """The ``jwt()`` calls of some strings, with what their arguments refer to."""
    return list(_find_jwt_calls(analysis, strings))


def _find_jwt_calls(analysis: Analysis, strings: list[ImlString]) -> Iterator[JwtCall]:
    for string in strings:
        if "jwt" not in string.node.value:  # a call names its function in the text: no walk needed
            continue
        for template in string.templates:
            if template.expr is None:
                continue
            for node in walk_expr(template.expr):
                if isinstance(node, Call) and node.name == "jwt" and node.args:
                    request = analysis.request_at(string.path)
                    payload = temp_object(analysis, node.args[0], request)
                    options = temp_object(analysis, node.args[3] if len(node.args) > 3 else None, request)
                    yield JwtCall(string, template, node, payload, options)


def check(analysis: Analysis, scope: Scope, calls: list[JwtCall] | None = None) -> Iterator[Diagnostic]:
    """The calls of one scope (``calls``, when they were found already); a payload or options object is
    checked with the first call that uses it, and what it reports counts for every call that uses it."""
    if not analysis.kind.holds_requests:
        return
    calls = calls_in(analysis, scope.strings) if calls is None else calls
    evaluation = shared_evaluation(analysis)
    from_options: dict[int, set[str]] = {}
    for call in calls:
        if call.payload is not None and call.options is not None:
            claims = {CLAIM_FOR_OPTION[m.key.value] for m in call.options.members if m.key.value in CLAIM_FOR_OPTION}
            from_options.setdefault(id(call.payload), set()).update(claims)
    of_payload: dict[int, list[Finding]] = {}
    of_options: dict[int, list[Finding]] = {}
    for call in calls:
        findings = [*_algorithm(analysis, call), *_key(analysis, call)]
        yield from (finding.diagnostic for finding in findings)
        payload, options = call.payload, call.options
        if payload is not None:
            if id(payload) not in of_payload:
                claims = from_options.get(id(payload), set())
                of_payload[id(payload)] = list(_payload(analysis, payload, evaluation, claims))
                yield from (finding.diagnostic for finding in of_payload[id(payload)])
            findings += of_payload[id(payload)]
        if options is not None:
            if id(options) not in of_options:
                of_options[id(options)] = list(_options(analysis, call))
                yield from (finding.diagnostic for finding in of_options[id(options)])
            findings += of_options[id(options)]
        reported = frozenset().union(*(finding.stands_for(analysis) for finding in findings))
        yield from _sign(call, evaluation, reported)


def _quoted(literal: Literal, source: str, replacement: str) -> str:
    quote = source[literal.start] if literal.start < len(source) else "'"
    return f"{quote}{replacement}{quote}"


def _algorithm(analysis: Analysis, call: JwtCall) -> Iterator[Finding]:
    argument = call.argument(2)
    if not isinstance(argument, Literal):
        return
    start, end = call.span(argument)
    if not isinstance(argument.value, str):
        found = diagnostic("invalid-jwt-algorithm", start, end, "The algorithm must be text, e.g. `'HS256'`.")
        yield Finding(found, _ALGORITHM_REJECTIONS)
        return
    name = argument.value
    if name in MAKE_ALGORITHMS:
        return
    allowed = ", ".join(MAKE_ALGORITHMS)
    suggestion = nearest(name, list(MAKE_ALGORITHMS))
    if suggestion and suggestion.lower() == name.lower():
        message = f"`{name}` is not accepted: algorithm names are case-sensitive; write `{suggestion}`."
    elif name in ("ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS384", "RS512", "none"):
        message = f"`{name}` is valid in jsonwebtoken, but Make's jwt() offers only {allowed}."
    else:
        message = f"`{name}` is not an algorithm Make's jwt() accepts; use one of {allowed}."
    fixes = []
    if suggestion:
        # the literal lies inside a JSON string: its quotes are written `\"` there when they are double
        replacement = json.dumps(_quoted(argument, call.template.source, suggestion), ensure_ascii=False)[1:-1]
        case_only = suggestion.lower() == name.lower()
        fixes.append(
            Fix(f"Change to '{suggestion}'", (TextEdit(analysis.path, start, end, replacement),), safe=case_only)
        )
    yield Finding(diagnostic("invalid-jwt-algorithm", start, end, message, *fixes), _ALGORITHM_REJECTIONS)


def _key(analysis: Analysis, call: JwtCall) -> Iterator[Finding]:
    argument = call.argument(1)
    algorithm = call.algorithm
    if argument is None or algorithm not in MAKE_ALGORITHMS:
        return
    start, end = call.span(argument)
    rsa = algorithm.startswith("RS")
    if isinstance(argument, Literal) and isinstance(argument.value, str):
        kind = classify_secret(argument.value)
        if rsa and kind is SecretKind.OTHER_PRIVATE_KEY:
            message = (
                f"{algorithm} signs with an RSA private key; this is another kind of key, which jsonwebtoken rejects."
            )
            yield Finding(diagnostic("jwt-key-mismatch", start, end, message), _KEY_REJECTIONS)
        elif rsa and kind is not SecretKind.RSA_PRIVATE_KEY:
            message = f"{algorithm} signs with a PEM private key; this is not one."
            yield Finding(diagnostic("jwt-key-mismatch", start, end, message), _KEY_REJECTIONS)
        elif not rsa and kind in (SecretKind.RSA_PRIVATE_KEY, SecretKind.OTHER_PRIVATE_KEY):
            message = f"{algorithm} needs a shared secret, not a private key; jsonwebtoken rejects it. Use RS256."
            yield Finding(diagnostic("jwt-key-mismatch", start, end, message), _KEY_REJECTIONS)
        yield from _hardcoded(analysis, call, argument, start, end)
        return
    path = member_path(argument)
    if path is None or len(path) != 2 or path[0] != "parameters":
        return
    parameter = next((p for p in analysis.parameters if p.name == path[1]), None)
    if parameter is None or not parameter.type:
        return
    if rsa and parameter.type not in RSA_KEY_TYPES:
        message = (
            f"{algorithm} signs with a PEM private key, but `{parameter.name}` is a `{parameter.type}` parameter; "
            "declare it with type `pkey` (private key)."
        )
        yield Finding(diagnostic("jwt-key-mismatch", start, end, message), _KEY_REJECTIONS)
    elif not rsa and parameter.type in RSA_KEY_TYPES:
        message = (
            f"{algorithm} needs a shared secret, but `{parameter.name}` is a `{parameter.type}` (key) parameter: "
            "jsonwebtoken rejects a private key, and takes an encrypted, public or unreadable PEM as the secret "
            "text itself, signing a token the API cannot verify. Use RS256 or a `password` parameter."
        )
        yield Finding(diagnostic("jwt-key-mismatch", start, end, message), _KEY_REJECTIONS)


def _hardcoded(analysis: Analysis, call: JwtCall, literal: Literal, start: int, end: int) -> Iterator[Finding]:
    message = "This secret is written in the file; anyone who sees the app sees it. Use a `password` parameter."
    fixes: list[Fix] = []
    params = analysis.related.params
    if params is not None and isinstance(params.root, JsonArray):
        from iml_ls.checks.names import _declare_parameter_fix

        name = _unused_name(analysis, "secretKey")
        declare = _declare_parameter_fix(analysis, name)
        if declare is not None:
            edits = (
                TextEdit(analysis.path, start, end, f"parameters.{name}"),
                *(
                    TextEdit(
                        edit.path, edit.start, edit.end, edit.new_text.replace('"type": "text"', '"type": "password"')
                    )
                    for edit in declare.edits
                ),
            )
            fixes.append(Fix(f"Move the secret into a new `password` parameter `{name}`", edits))
    yield _finding(diagnostic("hardcoded-secret", start, end, message, *fixes))


def _unused_name(analysis: Analysis, base: str) -> str:
    taken = {parameter.name for parameter in analysis.parameters}
    name, counter = base, 2
    while name in taken:
        name, counter = f"{base}{counter}", counter + 1
    return name


def _payload(
    analysis: Analysis, payload: JsonObject, evaluation: ConnectionEvaluation, from_options: set[str]
) -> Iterator[Finding]:
    """Claim rules; ``from_options`` are claims the calls' options add (``expiresIn`` adds ``exp``)."""
    keys = {member.key.value for member in payload.members} | from_options
    owner = _owner_key(analysis, payload)
    for claim in analysis.settings.required_claims:
        if claim in keys:
            continue
        fixes = []
        if claim in DEFAULT_CLAIM_VALUES:
            edit = add_member(analysis, payload, claim, DEFAULT_CLAIM_VALUES[claim])
            fixes.append(Fix(f'Add `"{claim}": {DEFAULT_CLAIM_VALUES[claim]}`', (edit,)))
        start, end = (owner.start, owner.end) if owner is not None else (payload.start, payload.start + 1)
        hint = " A token without `exp` never expires." if claim == "exp" else ""
        message = f"The JWT payload has no `{claim}` claim.{hint}"
        yield _finding(diagnostic("missing-jwt-claim", start, end, message, *fixes))
    for named in payload.members:
        if named.key.value in OBJECT_METHOD_NAMES:
            yield _object_method_key(named, "payload", ())
    for claim in TIME_CLAIMS:
        member = payload.member(claim)
        if member is not None and member.value is not None:
            yield from _claim_type(analysis, member)
    yield from _expiry_order(analysis, payload, evaluation)


def _owner_key(analysis: Analysis, node: JsonValue) -> JsonString | None:
    definition = analysis.temp_definition_of(node)
    return definition.key if definition is not None else None


def _object_method_key(member: JsonMember, where: str, fixes: Iterable[Fix]) -> Finding:
    key = member.key.value
    message = (
        f"`{key}` is the name of a method every JavaScript object has, and jsonwebtoken fails on such a key in "
        f'the {where}: Make\'s runtime throws "{OBJECT_METHOD_MESSAGE}" (a jsonwebtoken bug). '
        + ("Rename the claim." if where == "payload" else "Remove the key.")
    )
    found = diagnostic("jwt-object-method-key", member.key.start, member.key.end, message, *fixes)
    return _finding(found, ("object-method-key", key))


def _claim_type(analysis: Analysis, member: JsonMember) -> Iterator[Finding]:
    value = member.value
    claim = member.key.value
    if isinstance(value, JsonNumber):
        return
    described = _describe(analysis, value)
    if described is None:
        return
    fixes: list[Fix] = []
    if isinstance(value, JsonString):
        string = analysis.iml_string_of(value)
        if string is not None and len(string.templates) == 1 and string.templates[0].closed:
            template = string.templates[0]
            if not (value.value[: template.start] + value.value[template.end :]).strip():
                inner = analysis.text[value.source_offset(template.start) : value.source_offset(template.end)]
                fixes.append(
                    Fix(
                        "Remove the text around the expression",
                        (TextEdit(analysis.path, value.start, value.end, f'"{inner}"'),),
                    )
                )
    message = (
        f"`{claim}` must be a number of seconds, but this is {described}; jsonwebtoken rejects it "
        f'("{claim}" should be a number of seconds).'
    )
    assert value is not None
    yield _finding(diagnostic("jwt-claim-type", value.start, value.end, message, *fixes), ("claim-type", claim))


def _describe(analysis: Analysis, value: JsonValue | None) -> str | None:
    """How to name a claim value that is certainly not a number (None when it is or may be one)."""
    if isinstance(value, JsonLiteral):
        return "`null`" if value.value is None else "a boolean"
    if isinstance(value, JsonObject | JsonArray):
        return "an object" if isinstance(value, JsonObject) else "an array"
    if not isinstance(value, JsonString):
        return None
    string = analysis.iml_string_of(value)
    if string is None:
        return "text"
    single = string.single
    if single is None:
        if all(t.closed and t.expr is not None for t in string.templates):
            return "text (the text around `{{…}}` makes the whole value a string)"
        return None
    kind = static_type(single.expr) if single.expr is not None else None
    return None if kind in (None, NUMBER) else f"a {kind}" if kind != "text" else "text"


def _expiry_order(analysis: Analysis, payload: JsonObject, evaluation: ConnectionEvaluation) -> Iterator[Finding]:
    exp = payload.member("exp")
    if exp is None or exp.value is None:
        return
    path = _path_of(analysis, exp.value)
    evaluator = evaluation.evaluator_at(path) if path is not None else evaluation.evaluator(TempState())
    values = {}
    for claim in TIME_CLAIMS:
        member = payload.member(claim)
        if member is None or member.value is None:
            continue
        value = evaluation.value(member.value, evaluator)
        trusted = not evaluator.used_placeholders and not evaluator.used_secrets  # the message quotes it
        if isinstance(value, int | float) and not isinstance(value, bool) and trusted:
            values[claim] = value
    expires = values.get("exp")
    if expires is None:
        return
    for claim in ("iat", "nbf"):
        other = values.get(claim)
        if other is not None and expires <= other:
            message = (
                f"`exp` ({number_to_string(expires)}) is not after `{claim}` ({number_to_string(other)}): "
                "the token is expired when it is issued."
            )
            yield _finding(diagnostic("jwt-expiry-order", exp.value.start, exp.value.end, message))
            return


def _path_of(analysis: Analysis, node: JsonValue) -> tuple[str | int, ...] | None:
    string = analysis.iml_string_of(node)
    return string.path if string is not None else None


def _options(analysis: Analysis, call: JwtCall) -> Iterator[Finding]:
    options = call.options
    assert options is not None
    payload_keys = {member.key.value for member in call.payload.members} if call.payload is not None else set()
    for member in options.members:
        key = member.key.value
        start, end = member.key.start, member.key.end
        if key in OBJECT_METHOD_NAMES:
            yield _object_method_key(
                member, "options", [Fix(f"Remove `{key}`", (remove_member(analysis, options, member),))]
            )
            continue
        if key not in SIGN_OPTIONS:
            suggestion = nearest(key, list(SIGN_OPTIONS))
            if key in ("kid", "typ", "alg", "x5t", "cty", "jku"):
                hint = f' Header fields go inside `"header": {{"{key}": …}}`' + (
                    " or use `keyid`." if key == "kid" else "."
                )
            elif suggestion:
                hint = f" Did you mean `{suggestion}`?"
            else:
                hint = ""
            fixes = (
                [Fix(f"Change to `{suggestion}`", (TextEdit(analysis.path, start, end, f'"{suggestion}"'),))]
                if suggestion and key not in ("kid",)
                else []
            )
            fixes.append(Fix(f"Remove `{key}`", (remove_member(analysis, options, member),), preferred=False))
            message = f'"{key}" is not allowed in "options": jsonwebtoken throws.{hint}'
            yield _finding(diagnostic("unknown-jwt-option", start, end, message, *fixes), ("option-unknown", key))
            continue
        claim = CLAIM_FOR_OPTION.get(key)
        if claim is not None and claim in payload_keys:
            message = f"Both the option `{key}` and the payload claim `{claim}` are set; jsonwebtoken throws. Keep one."
            fix = Fix(f"Remove the option `{key}`", (remove_member(analysis, options, member),))
            yield _finding(diagnostic("jwt-option-conflict", start, end, message, fix), ("option-conflict", key))
            continue
        if member.value is not None:
            yield from _option_value(analysis, key, member.value)


def _option_value(analysis: Analysis, key: str, value: JsonValue) -> Iterator[Finding]:
    if isinstance(value, JsonString) and "{{" in value.value:
        return
    expected = SIGN_OPTIONS[key].value_kind
    problem: str | None = None
    fixes: list[Fix] = []
    if key in ("expiresIn", "notBefore"):
        if isinstance(value, JsonNumber):
            if not float(value.value).is_integer():
                problem = f'`{key}` must be a whole number of seconds or a timespan such as "1h".'
        elif isinstance(value, JsonString):
            if _UNITLESS.fullmatch(value.value.strip()) and value.value == value.value.strip():
                problem = (
                    f'`"{value.value}"` is read as milliseconds by jsonwebtoken ({float(value.value) / 1000:g} s). '
                    f'Write `{value.value}` (a number of seconds) or add a unit such as `"{value.value}s"`.'
                )
                fixes.append(
                    Fix(f"Use {value.value} seconds", (TextEdit(analysis.path, value.start, value.end, value.value),))
                )
            elif parse_timespan(value.value) is None:
                problem = (
                    f'`"{value.value}"` is not a timespan jsonwebtoken understands; use e.g. `"1h"`, `"20m"` or 3600.'
                )
        else:
            problem = f'`{key}` must be a number of seconds or a timespan such as "1h".'
    elif expected == "boolean" and not (isinstance(value, JsonLiteral) and isinstance(value.value, bool)):
        problem = f"`{key}` must be `true` or `false`; jsonwebtoken rejects anything else."
    elif expected == "string" and not isinstance(value, JsonString):
        problem = f"`{key}` must be text."
    elif expected == "object" and not isinstance(value, JsonObject):
        problem = f"`{key}` must be an object."
    elif expected == "string or array" and not isinstance(value, JsonString | JsonArray):
        problem = f"`{key}` must be text or an array."
    elif key == "algorithm" and isinstance(value, JsonString) and value.value not in MAKE_ALGORITHMS:
        problem = f"`{value.value}` is not an algorithm Make's jwt() accepts; use one of {', '.join(MAKE_ALGORITHMS)}."
    if problem is not None:
        found = diagnostic("invalid-jwt-option-value", value.start, value.end, problem, *fixes)
        yield _finding(found, ("option-value", key), ("timespan", key))


def _sign(call: JwtCall, evaluation: ConnectionEvaluation, reported: frozenset[Rejection]) -> Iterator[Diagnostic]:
    """Sign with the sample values and report what Make's runtime would reject, unless ``reported``."""

    def already_reported(error: JwtSignError) -> bool:
        return (error.kind, error.subject) in reported or (error.kind, None) in reported

    start, end = call.span(call.call)
    evaluator = evaluation.evaluator_at(call.string.path)
    yield from failures(evaluation, evaluator, call.call, start, end, already_reported=already_reported)
