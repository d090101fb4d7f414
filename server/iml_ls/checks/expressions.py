"""IML forms that Make does not have or does not read as written: IML110 word-operator, IML111
hyphen-without-backticks, IML112 inline-literal, IML113 zero-index, IML114 semicolon-separator,
IML115 not-a-make-function.

The grammar parses the first forms tolerantly (``a and b``, ``['a']``, ``f(a; b)``), so that these
rules can say precisely what is wrong where a bare syntax error would not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from iml_ls.analysis import Analysis, ImlString, Scope
from iml_ls.checks.diagnostic import Diagnostic, Fix, TextEdit, diagnostic
from iml_ls.evaluate.functions import FUNCTIONS
from iml_ls.model.schema import VARIABLES
from iml_ls.syntax.iml import (
    WORD_OPERATORS,
    Binary,
    Call,
    Index,
    InlineLiteral,
    Literal,
    Member,
    Name,
    Template,
    Unary,
    is_word_operator,
    walk_expr,
)

_NAME = r"[A-Za-z_$][A-Za-z0-9_$]*"
_HYPHENATED = re.compile(rf"(?<=\.)({_NAME}(?:-{_NAME})+)(?![A-Za-z0-9_$(])")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", re.S)
_HMAC_ALGORITHMS = ("sha1", "sha256", "sha512")
_LOGICAL = ("&&", "||", "&", "|", "and", "or")


def check(analysis: Analysis, scope: Scope) -> Iterator[Diagnostic]:
    for string in scope.strings:
        yield from check_string(analysis, string)


def check_string(analysis: Analysis, string: ImlString) -> Iterator[Diagnostic]:
    """The forms of one string: a function of its source text (and of the file's path, in the fixes)."""
    for template in string.templates:
        if template.expr is None:
            continue
        yield from _hyphenated_names(analysis, string, template)
        outer_literals: list[InlineLiteral] = []
        for node in walk_expr(template.expr):
            if isinstance(node, Binary | Unary) and is_word_operator(node.op):
                yield _word_operator(analysis, string, template, node)
            elif isinstance(node, InlineLiteral) and not any(_inside(node, outer) for outer in outer_literals):
                outer_literals.append(node)
                yield _inline_literal(analysis, string, template, node)
            elif isinstance(node, Index) and _is_zero(node.index):
                yield _zero_index(analysis, string, template, node)
            elif isinstance(node, Call):
                yield from _call(analysis, string, template, node)


def _inside(node: InlineLiteral, outer: InlineLiteral) -> bool:
    return outer.start <= node.start and node.end <= outer.end


def _word_operator(analysis: Analysis, string: ImlString, template: Template, node: Binary | Unary) -> Diagnostic:
    """``a and b``, ``a or b``, ``not a``: IML's operators are symbols."""
    word, symbol = node.op, WORD_OPERATORS[node.op.lower()]
    if isinstance(node, Unary):
        at = node.start
    else:
        between = template.source[node.left.end : node.right.start]
        at = node.left.end + between.lower().index(word.lower())
    start, end = string.offset(template, at), string.offset(template, at + len(word))
    message = (
        f"IML has no `{word}` operator, so Make cannot read this expression: write `{symbol}`. IML's logical "
        "operators are `&&` (also written `&`), `||` (also `|`) and `!`."
    )
    # `not a == b` parses as `(!a) == b`; whoever wrote it probably meant `!(a == b)`, so no fix there
    # (`not a and b` means `!a && b` in both readings).
    if isinstance(node, Unary) and _is_left_operand(template, node):
        return diagnostic("word-operator", start, end, message + " Put the condition in parentheses: `!(…)`.")
    fix = Fix(f"Change to `{symbol}`", (TextEdit(analysis.path, start, end, symbol),), safe=True)
    return diagnostic("word-operator", start, end, message, fix)


def _is_left_operand(template: Template, node: Unary) -> bool:
    """Whether ``node`` is the left operand of an operator that binds tighter than a word ``not``."""
    assert template.expr is not None
    return any(
        isinstance(parent, Binary) and parent.left is node and parent.op.lower() not in _LOGICAL
        for parent in walk_expr(template.expr)
    )


def hyphenated_name_parts(template: Template) -> set[int]:
    """Where each part of an unquoted hyphenated key starts (``x`` and ``total`` in ``body.x-total``):
    IML111 reports the whole key, so the name rules do not report its parts (`parameters.x`, the
    variable `total`) as well."""
    return {start for first, _, rest in _hyphen_runs(template) for start in (first, *rest)}


def _hyphen_runs(template: Template) -> Iterator[tuple[int, int, list[int]]]:
    """``x-total`` in ``body.x-total``: a property name, then names joined by `-` without spaces,
    where IML subtracts names that are no variables (a known variable after `-` may be meant)."""
    if template.expr is None:
        return
    source = template.source
    quoted = [match.span() for match in _QUOTED.finditer(source)]
    names = {node.start: node for node in walk_expr(template.expr) if isinstance(node, Name)}
    for match in _HYPHENATED.finditer(source):
        if any(start <= match.start() < end for start, end in quoted):
            continue
        parts = [match.start() + offset + 1 for offset, char in enumerate(match.group()) if char == "-"]
        # Each part must be a bare variable name in the parse (not a call, not a backticked name).
        if all(part in names and names[part].name not in VARIABLES and source[part] != "`" for part in parts):
            yield match.start(), match.end(), parts


def _hyphenated_names(analysis: Analysis, string: ImlString, template: Template) -> Iterator[Diagnostic]:
    assert template.expr is not None
    members = {node.name_start: node for node in walk_expr(template.expr) if isinstance(node, Member)}
    for start, end, _ in _hyphen_runs(template):
        name = template.source[start:end]
        first, *rest = name.split("-")
        member = members.get(start)
        prefix = template.source[member.start : start] if member is not None else "."
        subtracted = " minus ".join(f"`{part}`" for part in rest)
        at, until = string.offset(template, start), string.offset(template, end)
        message = (
            f"IML reads `{prefix}{name}` as `{prefix}{first}` minus {subtracted}: write a key holding `-` in "
            f"backticks, {prefix}`{name}`."
        )
        fix = Fix(f"Write {prefix}`{name}`", (TextEdit(analysis.path, at, until, f"`{name}`"),), safe=True)
        yield diagnostic("hyphen-without-backticks", at, until, message, fix)


def _inline_literal(analysis: Analysis, string: ImlString, template: Template, node: InlineLiteral) -> Diagnostic:
    """``['a', 'b']`` and ``{key: value}``: IML has neither."""
    start, end = string.offset(template, node.start), string.offset(template, node.end)
    if node.kind == "object":
        message = (
            "IML has no object literals: Make does not build an object from `{…}` inside `{{…}}`. Write the "
            "object as JSON in the file (for example under `temp`, then use `{{temp.name}}`), or use "
            '`parseJSON(\'{"key": "value"}\')`.'
        )
        return diagnostic("inline-literal", start, end, message)
    message = (
        "IML has no array literals: Make does not build an array from `[…]` inside `{{…}}`. Use "
        "`split('a,b', ',')`, `add(emptyarray, …)`, `emptyarray`, or a JSON array in the file."
    )
    replacement = _array_replacement(node)
    if replacement is None:
        return diagnostic("inline-literal", start, end, message)
    fix = Fix(f"Change to `{replacement}`", (TextEdit(analysis.path, start, end, replacement),))
    return diagnostic("inline-literal", start, end, message, fix)


def _array_replacement(node: InlineLiteral) -> str | None:
    """``[]`` → ``emptyarray``; ``['a', 'b']`` → ``split('a,b', ',')`` when the texts are plain."""
    if not node.items:
        return "emptyarray"
    texts = [item.value for item in node.items if isinstance(item, Literal) and isinstance(item.value, str)]
    if len(texts) != len(node.items) or not all(re.fullmatch(r"[^,'\"\\\x00-\x1f]+", text) for text in texts):
        return None
    return f"split('{','.join(texts)}', ',')"


def _is_zero(expr: object) -> bool:
    return isinstance(expr, Literal) and type(expr.value) in (int, float) and expr.value == 0


def _zero_index(analysis: Analysis, string: ImlString, template: Template, node: Index) -> Diagnostic:
    """``items[0]``: IML counts array items from 1."""
    index = node.index
    start, end = string.offset(template, index.start), string.offset(template, index.end)
    message = (
        "IML counts array items from 1, so `[0]` of an array is always empty: the first item is `[1]` "
        '(`[0]` only finds a key named "0" of an object).'
    )
    fix = Fix("Change to `[1]`, the first item", (TextEdit(analysis.path, start, end, "1"),), preferred=False)
    return diagnostic("zero-index", start, end, message, fix)


def _zero_in_get_path(analysis: Analysis, string: ImlString, template: Template, call: Call) -> Iterator[Diagnostic]:
    """``get(x, 'items[0].id')``: the path of ``get`` counts array items from 1 too."""
    path = call.args[1] if call.name == "get" and len(call.args) == 2 else None
    if not (isinstance(path, Literal) and isinstance(path.value, str)):
        return
    for match in re.finditer(r"\[0\]", template.source[path.start : path.end]):
        at = path.start + match.start() + 1
        start, end = string.offset(template, at), string.offset(template, at + 1)
        message = "The path of `get` counts array items from 1, so `[0]` is always empty: the first item is `[1]`."
        fix = Fix("Change to `[1]`, the first item", (TextEdit(analysis.path, start, end, "1"),))
        yield diagnostic("zero-index", start, end, message, fix)


def _call(analysis: Analysis, string: ImlString, template: Template, call: Call) -> Iterator[Diagnostic]:
    yield from _zero_in_get_path(analysis, string, template, call)
    if call.semicolons:
        at = string.offset(template, call.semicolons[0])
        message = (
            f"`;` separates the arguments of `{call.name}`, as in Make's scenario editor. Make's custom-app "
            "documentation separates arguments with `,` only and does not say whether app code accepts `;` (a "
            "guide written from Make's IML library says `;` is for the scenario editor only): write `,`."
        )
        edits = tuple(
            TextEdit(analysis.path, string.offset(template, position), string.offset(template, position + 1), ",")
            for position in call.semicolons
        )
        yield diagnostic(
            "semicolon-separator", at, at + 1, message, Fix("Separate the arguments with `,`", edits, safe=True)
        )
    function = FUNCTIONS.get(call.name)
    if function is not None and function.not_in_make:
        start, end = string.offset(template, call.start), string.offset(template, call.name_end)
        fix = _hmac_fix(analysis, string, template, call) if call.name == "hmac" else None
        yield diagnostic("not-a-make-function", start, end, function.not_in_make, *((fix,) if fix else ()))


def _hmac_fix(analysis: Analysis, string: ImlString, template: Template, call: Call) -> Fix | None:
    """``hmac(text, key, 'sha256', 'base64')`` → ``sha256(text, 'base64', key)``, Make's own HMAC."""
    if not 2 <= len(call.args) <= 4:
        return None
    source = [analysis.text[string.offset(template, arg.start) : string.offset(template, arg.end)] for arg in call.args]
    algorithm = call.args[2] if len(call.args) > 2 else None
    name = "sha256"
    if algorithm is not None:
        if not (isinstance(algorithm, Literal) and isinstance(algorithm.value, str)):
            return None
        name = algorithm.value.lower()
        if name not in _HMAC_ALGORITHMS:
            return None
    encoding = source[3] if len(source) > 3 else "'hex'"
    replacement = f"{name}({source[0]}, {encoding}, {source[1]})"
    start, end = string.offset(template, call.start), string.offset(template, call.end)
    return Fix(f"Change to `{replacement}`", (TextEdit(analysis.path, start, end, replacement),))
