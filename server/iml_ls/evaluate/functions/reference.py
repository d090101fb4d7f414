"""The function reference page (``docs/functions.md``), written from the catalogue so it never drifts.

Regenerate with ``python -m iml_ls.evaluate.functions.reference > docs/functions.md``; a test
compares the committed page with :func:`render_markdown` and evaluates every example against
:data:`EXAMPLE_VARIABLES` at :data:`EXAMPLE_NOW`.
"""

from __future__ import annotations

import datetime as dt
import sys

from iml_ls.evaluate.evaluator import BUILT_IN_NAMES, Evaluator
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.evaluate.functions.spec import show_value
from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.values import EvalContext, JsValue
from iml_ls.model.schema import VARIABLES
from iml_ls.syntax.iml import ImlSyntaxError, parse_expression

EXAMPLE_NOW = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
"""The clock of every example: ``timestamp`` is 1700000000."""

EXAMPLE_VARIABLES: dict[str, JsValue] = {
    "temp": {
        "user": {"name": "Zoë", "emails": ["a@example.com", "b@example.com"]},
        "nested": [1, [2, 3, [4]]],
        "contacts": [
            {"email": "ann@example.com", "type": "work"},
            {"email": "bob@example.com", "type": "home"},
        ],
        "jwt": {"iss": "acme", "scope": "read"},
        "options": {"header": {"kid": "key-1"}},
    },
    "parameters": {"clientSecret": "s3cret"},
}
"""The sample values the examples read (``temp.user``, ``parameters.clientSecret``…)."""

_INTRODUCTION = """\
# IML functions

The built-in functions iml-ls knows, evaluates for previews, and offers in completion, hover and
signature help. *Uncertain* marks where Make's exact behaviour is not documented publicly and
iml-ls made a choice; check those against Make before relying on them.

In a signature, `[name]` may be left out, `name...` is one or more arguments and `[name...]` any
number of them. Arguments are separated by `,` (see IML114 in `docs/diagnostics.md` about `;`).

Some results are not Make's: random ones (`shuffle`, `uuid`, `random`) and those of the functions
Make's runtime adds without publishing how they work (`parseXML`, `cryptoSign`…). iml-ls evaluates
them to a stand-in, a preview lists them as placeholders, and no check reports on what follows from
them, as for a parameter without a sample value.

Arrays count from 1 in IML paths (`get(x, 'a[1]')`, `x[1]`), but `substring`, `slice` and
`indexOf` count from 0, as in JavaScript.

## How arguments are read

- A text parameter takes text, and converts numbers (`12`), booleans, dates (ISO 8601) and binary
  data (UTF-8) to text. `null` and a missing value count as empty text: `lower(temp.missing)` is `''`.
- An array parameter takes an array; `null` and a missing value count as an empty array.
- A number parameter takes a number or text holding one (`'12.5'`); anything else is an error that
  names the function, such as `abs() expects a number, got the text 'abc'.`
- A date parameter takes a date (`now`, `parseDate(…)`), ISO 8601 text or milliseconds since 1970.
- Results longer than the evaluation budget (1,000,000 characters or 100,000 items) stop the preview.

## Sample values used by the examples

The examples run at `now` = `2023-11-14T22:13:20.000Z` (`timestamp` = 1700000000) with:

```json
{variables}
```
"""


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\u00a0": "\\u00a0"}


def _keywords() -> list[str]:
    """The variables and keywords that need no sample values, with what they evaluate to."""
    evaluator = Evaluator(EvalContext(now=EXAMPLE_NOW), {})
    lines = [
        "## Variables and keywords",
        "",
        "Names IML provides everywhere, and what the examples evaluate them to (`null`, `true` and `false`",
        "are written as in JavaScript):",
        "",
        "| name | meaning | evaluates to |",
        "|---|---|---|",
    ]
    for name in BUILT_IN_NAMES:
        expr = parse_expression(name)
        assert not isinstance(expr, ImlSyntaxError)
        evaluator.used_placeholders.clear()
        value = evaluator.evaluate(expr)
        shown = show_value(value)
        if isinstance(value, str):
            escaped = "".join(_ESCAPES.get(char, char) for char in value)
            shown = f"'{escaped}'"
        made_up = " (a stand-in)" if evaluator.used_placeholders else ""
        lines.append(f"| `{name}` | {VARIABLES[name].description} | `{shown}`{made_up} |")
    return [*lines, ""]


def _gives_a_stand_in(example: str) -> bool:
    expr = parse_expression(example)
    assert not isinstance(expr, ImlSyntaxError)
    evaluator = Evaluator(EvalContext(now=EXAMPLE_NOW), EXAMPLE_VARIABLES)
    evaluator.evaluate(expr)
    return bool(evaluator.used_placeholders)


def render_markdown() -> str:
    lines = [_INTRODUCTION.replace("{variables}", stringify(EXAMPLE_VARIABLES, 2) or ""), *_keywords()]
    for name in sorted(FUNCTIONS, key=str.lower):
        function = FUNCTIONS[name]
        lines += [f"## {name}", "", f"`{function.signature()}` → {function.returns}", "", function.summary, ""]
        lines += [f"- `{p.name}`: {p.description}" for p in function.parameters]
        made_up = " (a stand-in)" if _gives_a_stand_in(function.example) else ""
        lines += ["", f"Example: `{function.example}` → `{function.example_result}`{made_up}", ""]
        if function.caveat:
            lines += [f"*Uncertain:* {function.caveat}", ""]
        if function.not_in_make:
            lines += [f"*Not a Make function:* {function.not_in_make} (IML115)", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
