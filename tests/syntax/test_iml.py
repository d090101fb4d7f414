"""The IML grammar: literals, names, members, calls, operators with JavaScript precedence, errors."""

from __future__ import annotations

import pytest

from iml_ls.syntax.iml import (
    Binary,
    Call,
    ImlSyntaxError,
    Index,
    InlineLiteral,
    Literal,
    Member,
    Name,
    Unary,
    find_templates,
    is_word_operator,
    member_path,
    parse_expression,
    unsupported_syntax,
)


def expr(source: str):  # type: ignore[no-untyped-def]
    result = parse_expression(source)
    assert not isinstance(result, ImlSyntaxError), result
    return result


def test_the_make_jwt_example_parses_with_exact_ranges() -> None:
    source = "jwt(temp.jwt, parameters.clientSecret, 'HS512', temp.options)"
    call = expr(source)
    assert isinstance(call, Call) and call.name == "jwt" and len(call.args) == 4
    assert source[call.start : call.end] == source
    secret = call.args[1]
    assert isinstance(secret, Member) and source[secret.start : secret.end] == "parameters.clientSecret"
    assert member_path(secret) == ("parameters", "clientSecret")
    algorithm = call.args[2]
    assert isinstance(algorithm, Literal) and algorithm.value == "HS512"
    assert source[algorithm.start : algorithm.end] == "'HS512'"


@pytest.mark.parametrize(
    ("source", "value"),
    [("'a\\'b'", "a'b"), ('"x"', "x"), ("12", 12), ("1.5", 1.5), ("1e3", 1000.0), ("true", True), ("null", None)],
)
def test_literals(source: str, value: object) -> None:
    literal = expr(source)
    assert isinstance(literal, Literal) and literal.value == value


def test_precedence_follows_javascript() -> None:
    tree = expr("a || b && c == 1 + 2 * -3")
    assert isinstance(tree, Binary) and tree.op == "||"
    right = tree.right
    assert isinstance(right, Binary) and right.op == "&&"
    comparison = right.right
    assert isinstance(comparison, Binary) and comparison.op == "=="
    addition = comparison.right
    assert isinstance(addition, Binary) and addition.op == "+"
    product = addition.right
    assert isinstance(product, Binary) and product.op == "*" and isinstance(product.right, Unary)


@pytest.mark.parametrize("op", ["==", "=", "===", "!=", "!==", "<", "<=", ">", ">="])
def test_comparison_operators(op: str) -> None:
    tree = expr(f"a {op} b")
    assert isinstance(tree, Binary) and tree.op == op


def test_backticks_and_bracket_indexing() -> None:
    tree = expr("headers.`X-Hook`[1].id")
    assert isinstance(tree, Member) and tree.name == "id"
    index = tree.object
    assert isinstance(index, Index)
    assert isinstance(index.object, Member) and index.object.name == "X-Hook"
    assert isinstance(index.object.object, Name)


@pytest.mark.parametrize("source", ["1 +", "jwt(", "'open", "a..b", "", ")"])
def test_syntax_errors_are_values_not_exceptions(source: str) -> None:
    assert isinstance(parse_expression(source), ImlSyntaxError)


def test_templates_in_a_string() -> None:
    templates = find_templates("Bearer {{jwt(temp.x)}} and {{ '}}' }} {{open")
    assert [t.source for t in templates] == ["jwt(temp.x)", " '}}' ", "open"]
    assert [t.closed for t in templates] == [True, True, False]
    assert templates[2].error is not None
    assert find_templates("no braces") == []
    assert find_templates("escaped \\{{x}}") == []


def test_word_operators_parse_with_the_precedence_of_their_symbols() -> None:
    tree = expr("a or b AND not c")
    assert isinstance(tree, Binary) and tree.op == "or"
    assert isinstance(tree.right, Binary) and tree.right.op == "AND"
    assert isinstance(tree.right.right, Unary) and tree.right.right.op == "not"
    assert is_word_operator("OR") and not is_word_operator("||")
    assert unsupported_syntax(tree) is tree


@pytest.mark.parametrize("source", ["temp.and", "android", "notes", "temp.or + orders", "`and`"])
def test_names_that_contain_or_are_the_words_stay_names(source: str) -> None:
    tree = expr(source)
    assert unsupported_syntax(tree) is None


def test_single_ampersand_and_bar_are_logical_operators() -> None:
    tree = expr("a & b | c")
    assert isinstance(tree, Binary) and tree.op == "|"
    assert isinstance(tree.left, Binary) and tree.left.op == "&"


def test_inline_literals_parse_with_their_ranges_and_items() -> None:
    source = "join(['a', temp.x], {k: 1, 'q': [2]})"
    call = expr(source)
    assert isinstance(call, Call)
    array, obj = call.args
    assert (
        isinstance(array, InlineLiteral)
        and array.kind == "array"
        and source[array.start : array.end] == "['a', temp.x]"
    )
    assert isinstance(obj, InlineLiteral) and obj.kind == "object" and source[obj.start : obj.end] == "{k: 1, 'q': [2]}"
    assert [type(item).__name__ for item in obj.items] == ["Literal", "InlineLiteral"]
    empty = expr("[]")
    assert isinstance(empty, InlineLiteral) and (empty.start, empty.end, empty.items) == (0, 2, ())
    assert unsupported_syntax(call) is array


def test_semicolons_between_arguments_are_recorded() -> None:
    call = expr("f(a; b, c;d)")
    assert isinstance(call, Call) and len(call.args) == 4 and call.semicolons == (3, 9)
    assert expr("f(a, b)").semicolons == ()  # type: ignore[union-attr]
    assert isinstance(parse_expression("a; b"), ImlSyntaxError)


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("{{{k: v}}}", ["{k: v}"]), ("{{ {k: {a: 1}} }}", [" {k: {a: 1}} "]), ("{{a {b}}", ["a {b"]),
        ("{{x{{y}}", ["x{{y"]), ("{{a}}} {{b}}", ["a", "b"]), ("{{'}}'}}", ["'}}'"]),
    ],
)  # fmt: skip
def test_a_lone_brace_inside_braces_is_matched_first(text: str, sources: list[str]) -> None:
    assert [template.source for template in find_templates(text)] == sources
    assert all(template.closed for template in find_templates(text))


def test_an_argument_left_empty_is_an_empty_value() -> None:
    """Make's mapping panel leaves arguments empty (`if(x; y; )`): an empty value, not a syntax error."""
    call = parse_expression("if(parameters.x, parameters.x, )")
    assert isinstance(call, Call) and len(call.args) == 3
    assert isinstance(call.args[2], Literal) and call.args[2].value is None
    empty = parse_expression("now()")
    assert isinstance(empty, Call) and empty.args == ()


def test_empty_brackets_read_the_first_item() -> None:
    """IML paths count from 1, and `items[]` is `items[1]` (real apps write `body.errors[]`)."""
    found = parse_expression("body.detail[].msg")
    assert isinstance(found, Member) and isinstance(found.object, Index)
    index = found.object.index
    assert isinstance(index, Literal) and index.value == 1
    assert (found.object.start, found.object.end) == (0, 13)
