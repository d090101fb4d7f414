"""The diagnostics catalogue: every rule iml-ls reports, with its stable code, name and severity.

Codes never change meaning once released; a retired rule keeps its code reserved. Each rule has a
section in ``docs/diagnostics.md`` (anchor ``#<code>-<name>``, lower case) with a wrong and a right
example, and tests with a failing and a passing example.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """LSP severities (same numbers as the protocol)."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Rule:
    """One catalogue entry."""

    code: str
    name: str
    severity: Severity
    summary: str

    @property
    def anchor(self) -> str:
        return f"{self.code.lower()}-{self.name}"


DOCS_URL = "https://github.com/iml-ls/iml-ls/blob/main/docs/diagnostics.md"

_E, _W = Severity.ERROR, Severity.WARNING

RULES: tuple[Rule, ...] = (
    # Syntax
    Rule("IML001", "json-syntax", _E, "The file is not valid JSON (with comments)."),
    Rule("IML002", "trailing-comma", _W, "A comma before a closing bracket or brace."),
    Rule("IML003", "iml-syntax", _E, "An IML expression inside `{{ … }}` cannot be parsed."),
    # Names
    Rule("IML101", "unknown-function", _E, "A call to a function IML does not have."),
    Rule("IML102", "wrong-argument-count", _E, "A function called with too few or too many arguments."),
    Rule("IML103", "unknown-variable", _W, "A name that is not an IML variable where it is used."),
    Rule("IML110", "word-operator", _E, "`and`, `or` or `not` written as an operator (IML has `&&`, `||`, `!`)."),
    Rule("IML111", "hyphen-without-backticks", _W, "A key with `-` outside backticks, which IML reads as subtraction."),
    Rule("IML112", "inline-literal", _E, "An `[array]` or `{object}` literal, which IML does not have."),
    Rule("IML113", "zero-index", _W, "`[0]`: IML counts array items from 1, so it is always empty."),
    Rule("IML114", "semicolon-separator", _W, "Arguments separated by `;` (the scenario editor's separator)."),
    Rule("IML115", "not-a-make-function", _W, "A function iml-ls knows but no Make source lists, such as `hmac`."),
    Rule("IML116", "if-without-else", _W, "`if(condition, then)`: Make documents `if` with an else value."),
    Rule("IML201", "unknown-parameter", _E, "`parameters.x` where the params file declares no `x`."),
    Rule("IML202", "unknown-temp", _W, "`temp.x` where no `temp` directive defines `x`."),
    Rule("IML203", "variable-out-of-scope", _E, "A variable used where Make does not provide it."),
    Rule("IML204", "unknown-connection-value", _W, "`connection.x` where the linked connection has no `x`."),
    Rule("IML205", "unknown-webhook-value", _W, "`webhook.x` where the webhook's attach saves no `x`."),
    Rule("IML206", "unknown-rpc", _E, "`rpc://name` where the app has no RPC of that name."),
    Rule("IML207", "legacy-redirect-uri", _W, "`oauth.redirectUri`, the legacy callback on integromat.com."),
    Rule("IML208", "key-not-in-recording", _W, "`body.x` or `item.x` the recording lacks: misspelt, or Make needs it."),
    # jwt()
    Rule("IML301", "invalid-jwt-algorithm", _E, "The algorithm is not one of HS256, HS384, HS512, RS256."),
    Rule("IML302", "missing-jwt-claim", _W, "The JWT payload lacks a claim the workspace requires."),
    Rule("IML303", "jwt-claim-type", _E, "`exp`, `iat` or `nbf` is not a number."),
    Rule("IML304", "jwt-expiry-order", _E, "`exp` is not after `iat`/`nbf`."),
    Rule("IML305", "unknown-jwt-option", _E, "An options key that jsonwebtoken's `sign` rejects."),
    Rule("IML306", "jwt-option-conflict", _E, "An option and the claim it would set are both given."),
    Rule("IML307", "jwt-key-mismatch", _E, "The key does not fit the algorithm."),
    Rule("IML308", "hardcoded-secret", _W, "A literal secret as the `jwt()` key."),
    Rule("IML309", "invalid-jwt-option-value", _E, "An option value jsonwebtoken rejects or misreads."),
    Rule("IML310", "jwt-sign-error", _E, "Signing fails the way Make's runtime would fail."),
    Rule("IML311", "jwt-object-method-key", _E, "A payload or options key named like a JavaScript object method."),
    # Connection structure
    Rule("IML401", "unknown-connection-key", _E, "A key Make does not accept at this place."),
    Rule("IML402", "invalid-enum-value", _E, "A value outside the allowed set (e.g. `method`)."),
    Rule("IML403", "directive-not-available", _W, "A directive this kind of module, RPC or webhook ignores."),
    Rule("IML404", "relative-url-in-connection", _W, "A relative `url` in a connection, which base does not reach."),
    Rule("IML405", "relative-url-without-base", _W, "A relative `url` where base gives no `baseUrl`."),
    Rule("IML406", "missing-trigger", _W, "A polling trigger whose response has no `trigger` directive."),
    Rule("IML407", "parameters-not-a-list", _E, "A parameters or interface file that holds an object, not an array."),
    # Evaluation
    Rule("IML501", "evaluation-error", _W, "The expression fails when evaluated with the sample values."),
    Rule("IML502", "evaluation-limit", _W, "Evaluation stopped at a time or size budget."),
    Rule("IML503", "sample-file-tracked", _W, "A preview sample file holding secrets is tracked by git."),
    # Secrets in the app
    Rule("IML601", "secret-parameter-as-text", _W, "A parameter named like a secret has type `text`."),
    Rule("IML602", "unsanitized-secret", _W, "A secret sent in a header or query that `log.sanitize` leaves in logs."),
    Rule("IML603", "universal-url-from-input", _W, "A universal module whose URL starts with the user's input."),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}
