"""Grammar-aware generators: random IML from the grammar's shapes, and mutations of real connection files."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st

EXAMPLES = Path(__file__).parent.parent.parent / "examples"
EXAMPLE_TEXTS = sorted(
    path.read_text(encoding="utf-8") for path in EXAMPLES.rglob("*.json") if "samples" not in path.parts
)

settings.register_profile("ci", max_examples=120, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("deep", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

NAMES = st.sampled_from(["parameters", "temp", "common", "data", "body", "now", "timestamp", "foo", "x"])
PROPERTIES = st.sampled_from(["clientId", "clientSecret", "jwt", "options", "a", "`X-Hook`", "1"])
FUNCTIONS = st.sampled_from(["jwt", "base64", "length", "lower", "if", "ifempty", "replace", "formatDate",
                             "parseDate", "addDays", "split", "join", "get", "sum", "md5", "lenght"])  # fmt: skip
OPERATORS = st.sampled_from(["+", "-", "*", "/", "%", "==", "=", "!=", "<", "<=", ">", ">=", "&&", "||"])
LITERALS = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda x: repr(abs(x))),
    st.text(alphabet=st.characters(blacklist_characters="'\\\r\n"), max_size=8).map(lambda s: f"'{s}'"),
    st.sampled_from(["true", "false", "null", "'HS256'", "'hs512'", "'/(a+)+b/'", "'YYYY-MM-DD'"]),
)


def _member(base: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(base, PROPERTIES).map(lambda t: f"{t[0]}.{t[1]}")


def iml_expressions(max_leaves: int = 12) -> st.SearchStrategy[str]:
    """Expressions built from the grammar's productions (most valid, some deliberately not)."""
    leaves = st.one_of(LITERALS, NAMES, _member(NAMES), _member(_member(NAMES)))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, OPERATORS, inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
            st.tuples(st.sampled_from(["!", "-"]), inner).map(lambda t: f"{t[0]}{t[1]}"),
            inner.map(lambda e: f"({e})"),
            st.tuples(inner, st.integers(0, 3)).map(lambda t: f"{t[0]}[{t[1]}]"),
            st.tuples(FUNCTIONS, st.lists(inner, max_size=4)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


@st.composite
def mutated_connections(draw: st.DrawFn) -> str:
    """A real connection file with random edits: inserted IML, deleted ranges, typed characters."""
    text = draw(st.sampled_from(EXAMPLE_TEXTS))
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert-iml", "delete", "type", "duplicate"]))
        if action == "insert-iml":
            text = (
                text[:position]
                + "{{"
                + draw(iml_expressions(6))
                + draw(st.sampled_from(["}}", "", "}"]))
                + text[position:]
            )
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)) :]
        elif action == "type":
            typed = draw(st.text(alphabet="{}[]\":,'\\ \n\r\u2028😀é.()/*", max_size=6))
            text = text[:position] + typed + text[position:]
        else:
            text = text[:position] + text[position : position + draw(st.integers(1, 200))] + text[position:]
    return text
