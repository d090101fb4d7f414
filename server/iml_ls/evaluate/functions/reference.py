"""The function reference page (``docs/functions.md``), written from the catalogue so it never drifts.

Regenerate with ``python -m iml_ls.evaluate.functions.reference > docs/functions.md``; a test
compares the committed page with :func:`render_markdown` and evaluates every example against
:data:`EXAMPLE_VARIABLES` at :data:`EXAMPLE_NOW`.
"""

from __future__ import annotations

import datetime as dt
import sys

from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.values import JsValue

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


def render_markdown() -> str:
    lines = [_INTRODUCTION.replace("{variables}", stringify(EXAMPLE_VARIABLES, 2) or "")]
    for name in sorted(FUNCTIONS, key=str.lower):
        function = FUNCTIONS[name]
        lines += [f"## {name}", "", f"`{function.signature()}` → {function.returns}", "", function.summary, ""]
        lines += [f"- `{p.name}`: {p.description}" for p in function.parameters]
        lines += ["", f"Example: `{function.example}` → `{function.example_result}`", ""]
        if function.caveat:
            lines += [f"*Uncertain:* {function.caveat}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
