"""The function reference page (``docs/functions.md``), written from the catalogue so it never drifts.

Regenerate with ``python -m iml_ls.evaluate.functions.reference > docs/functions.md``.
"""

from __future__ import annotations

import sys

from iml_ls.evaluate.functions import FUNCTIONS


def render_markdown() -> str:
    lines = [
        "# IML functions",
        "",
        "The built-in functions iml-ls knows, evaluates for previews, and offers in completion, hover and",
        "signature help. *Uncertain* marks where Make's exact behaviour is not documented publicly and",
        "iml-ls made a choice. Arrays count from 1 in IML paths (`get(x, 'a[1]')`, `x[1]`), but",
        "`substring`, `slice` and `indexOf` count from 0, as in JavaScript.",
        "",
        "The variables `timestamp` (Unix seconds) and `now` (the current date) come from the clock, which",
        "`iml-ls preview --now EPOCH` fixes.",
        "",
    ]
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
