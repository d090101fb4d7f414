"""JavaScript regular expressions (``/ab+/gi``, as Make's ``replace()`` accepts them) on Python's engine.

The pattern is translated where JavaScript and Python disagree: ``\\d``, ``\\w`` and ``\\b`` are
ASCII-only and ``\\s`` is JavaScript's white space; ``.``, ``^`` and ``$`` know JavaScript's line
terminators (``\\r``, U+2028, U+2029), and without the ``m`` flag ``$`` only matches at the very end;
``(?<name>…)`` and ``\\k<name>`` name groups; ``[^]`` matches anything; an unknown escape such as
``\\e`` is the letter itself. Without the ``u`` flag the text is matched as UTF-16 code units, as
JavaScript does (``.`` matches half an emoji). Replacement text uses JavaScript's ``$&``, ``$1``,
``$<name>``, ``$```, ``$'`` and ``$$``.

Matching uses the ``regex`` package, whose matching can be stopped: it runs within the evaluation's
deadline (:class:`~iml_ls.evaluate.values.Deadline`), so no pattern (``(a|a)*$`` backtracks
exponentially) can hang the server. A pattern that repeats a group which itself repeats (``(a+)+``,
``(\\w*\\s?)*``), the classic cause of catastrophic backtracking, is refused before it runs, and
patterns only run on texts up to :data:`MAX_REGEX_INPUT` characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import regex

from iml_ls.evaluate.coerce import JS_WHITESPACE, from_code_units, to_code_units
from iml_ls.evaluate.values import EvalContext, EvaluationError, EvaluationLimitError

MAX_REGEX_INPUT = 100_000
REGEX_LITERAL = re.compile(r"/(.+)/([dgimsuy]*)", re.S)

_WORD = "A-Za-z0-9_"
_SPACE = "".join(f"\\u{ord(char):04x}" for char in JS_WHITESPACE)
_ESCAPES_OUTSIDE = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "w": f"[{_WORD}]",
    "W": f"[^{_WORD}]",
    "s": f"[{_SPACE}]",
    "S": f"[^{_SPACE}]",
    "b": f"(?:(?<=[{_WORD}])(?![{_WORD}])|(?<![{_WORD}])(?=[{_WORD}]))",
    "B": f"(?:(?<=[{_WORD}])(?=[{_WORD}])|(?<![{_WORD}])(?![{_WORD}]))",
}
"""JavaScript's classes and word boundaries, which are ASCII (``\\s``: JavaScript's white space)."""
_ESCAPES_INSIDE = {"d": "0-9", "w": _WORD, "s": _SPACE}
_PYTHON_ESCAPE_LETTERS = set("bBdDwWsSfnrtvxu0123456789")
_LINE_TERMINATORS = "\\n\\r\\u2028\\u2029"
_QUANTIFIER = re.compile(r"\*|\+|\?|\{(\d+)(,(\d*))?\}")


@dataclass(frozen=True)
class JsRegex:
    pattern: regex.Pattern[str]
    global_: bool
    """The ``g`` flag: replace every match, not just the first."""
    unicode: bool
    """The ``u`` flag: match code points; without it JavaScript matches UTF-16 code units."""


@dataclass
class _Group:
    repeats_inside: bool = False
    """Whether a repeating quantifier occurs anywhere in the group (nested groups included)."""


@dataclass
class _Translation:
    source: str
    dot_all: bool
    multiline: bool
    out: list[str] = field(default_factory=list)
    groups: list[_Group] = field(default_factory=lambda: [_Group()])
    closed_group: _Group | None = None
    """The group just closed, which a following quantifier repeats."""


def parse_literal(text: str) -> tuple[str, str] | None:
    """``'/ab+/gi'`` → ``('ab+', 'gi')``; None when the text is not a regex literal (plain search text)."""
    match = REGEX_LITERAL.fullmatch(text)
    return (match[1], match[2]) if match else None


def compile_js_regex(source: str, flags: str) -> JsRegex:
    """Compile a JavaScript pattern and flags, refusing patterns that could backtrack catastrophically."""
    if "y" in flags:
        raise EvaluationError("The sticky flag `y` is not supported in replace(); remove it.")
    unicode = "u" in flags
    state = _Translation(source if unicode else to_code_units(source), dot_all="s" in flags, multiline="m" in flags)
    _translate(state)
    try:
        compiled = regex.compile("".join(state.out), regex.IGNORECASE if "i" in flags else 0)
        return JsRegex(compiled, "g" in flags, unicode)
    except regex.error as error:
        raise EvaluationError(f"Invalid regular expression /{source}/: {error}.") from None


def _translate(state: _Translation) -> None:
    source, position = state.source, 0
    while position < len(source):
        char = source[position]
        quantifier = _QUANTIFIER.match(source, position)
        if quantifier:
            _quantify(state, quantifier)
            position = quantifier.end()
            continue
        state.closed_group = None
        if char == "\\":
            position = _escape(state, position, inside_class=False)
        elif char == "[":
            position = _character_class(state, position)
        elif char == "(":
            position = _open_group(state, position)
        elif char == ")":
            _close_group(state)
            position += 1
        else:
            state.out.append(_plain(state, char))
            position += 1


def _plain(state: _Translation, char: str) -> str:
    """``.``, ``^`` and ``$`` with JavaScript's line terminators (``\\r`` and U+2028/9 count too)."""
    if char == ".":
        return r"[\s\S]" if state.dot_all else f"[^{_LINE_TERMINATORS}]"
    if char == "^":
        return f"(?<![^{_LINE_TERMINATORS}])" if state.multiline else r"(?<![\s\S])"
    if char == "$":
        return f"(?![^{_LINE_TERMINATORS}])" if state.multiline else r"(?![\s\S])"
    return char


def _quantify(state: _Translation, quantifier: re.Match[str]) -> None:
    """A quantifier repeats the previous atom; refuse it when that atom is a group that repeats inside.

    Only variable repetition counts (``*``, ``+``, ``?``, ``{2,}``, ``{2,5}``): a fixed count such as
    ``(\\d{3}){2}`` cannot match one text in many ways.
    """
    text = quantifier.group()
    low, comma, high = quantifier[1], quantifier[2], quantifier[3]
    variable = not text.startswith("{") or (comma is not None and (not high or int(high) > int(low)))
    unbounded_or_many = text in ("*", "+") or (comma is not None and (not high or int(high) > 1))
    if variable:
        if unbounded_or_many and state.closed_group is not None and state.closed_group.repeats_inside:
            raise EvaluationLimitError(
                "This regular expression repeats a group that itself repeats (like `(a+)+`), which can take "
                "forever on some texts; rewrite it without the nested repetition."
            )
        state.groups[-1].repeats_inside = True
    state.out.append(text)
    state.closed_group = None


def _open_group(state: _Translation, position: int) -> int:
    source = state.source
    state.groups.append(_Group())
    if source.startswith("(?<", position) and not source.startswith(("(?<=", "(?<!"), position):
        state.out.append("(?P<")
        return position + 3
    opening = next((o for o in ("(?:", "(?=", "(?!", "(?<=", "(?<!") if source.startswith(o, position)), "(")
    state.out.append(opening)
    return position + len(opening)


def _close_group(state: _Translation) -> None:
    if len(state.groups) == 1:
        raise EvaluationError(f"Invalid regular expression /{state.source}/: unmatched `)`.")
    group = state.groups.pop()
    state.groups[-1].repeats_inside |= group.repeats_inside
    state.closed_group = group
    state.out.append(")")


def _escape(state: _Translation, position: int, *, inside_class: bool) -> int:
    """Translate the escape at ``position`` (a backslash); return the position after it."""
    source = state.source
    if position + 1 >= len(source):
        raise EvaluationError(f"Invalid regular expression /{source}/: it ends with a backslash.")
    letter = source[position + 1]
    named_reference = re.match(r"\\k<([A-Za-z_][A-Za-z0-9_]*)>", source[position:]) if letter == "k" else None
    if named_reference and not inside_class:
        state.out.append(f"(?P={named_reference[1]})")
        return position + named_reference.end()
    control = source[position + 2 : position + 3]
    if letter == "c" and control.isascii() and control.isalpha():
        state.out.append(re.escape(chr(ord(control) % 32)))
        return position + 3
    table = _ESCAPES_INSIDE if inside_class else _ESCAPES_OUTSIDE
    if letter in table:
        state.out.append(table[letter])
    elif letter.isascii() and letter.isalnum() and letter not in _PYTHON_ESCAPE_LETTERS:
        state.out.append(letter)  # JavaScript reads an unknown escape as the letter itself
    else:
        state.out.append("\\" + letter)
    return position + 2


def _character_class(state: _Translation, position: int) -> int:
    source = state.source
    if source.startswith("[^]", position):
        state.out.append(r"[\s\S]")
        return position + 3
    if source.startswith("[]", position):
        state.out.append("(?!)")
        return position + 2
    state.out.append("[")
    position += 1
    if source.startswith("^", position):
        state.out.append("^")
        position += 1
    while position < len(source) and source[position] != "]":
        if source[position] == "\\":
            position = _escape(state, position, inside_class=True)
        else:
            char = source[position]
            state.out.append("\\" + char if char in "[&~|" else char)
            position += 1
    if position >= len(source):
        raise EvaluationError(f"Invalid regular expression /{source}/: unterminated `[`.")
    state.out.append("]")
    return position + 1


def expand_replacement(replacement: str, match: regex.Match[str]) -> str:
    """JavaScript's replacement patterns for one match: ``$&``, ``$1``…``$99``, ``$<name>``, ``$```, ``$'``, ``$$``."""
    if "$" not in replacement:
        return replacement
    pieces: list[str] = []
    position = 0
    group_count = match.re.groups
    while position < len(replacement):
        char = replacement[position]
        following = replacement[position + 1 : position + 2]
        if char != "$" or not following:
            pieces.append(char)
            position += 1
            continue
        substitution, consumed = _substitution(replacement, position, following, match, group_count)
        pieces.append(substitution)
        position += consumed
    return "".join(pieces)


def _substitution(
    replacement: str, position: int, following: str, match: regex.Match[str], group_count: int
) -> tuple[str, int]:
    """The text one ``$`` pattern at ``position`` stands for, and how many characters it spans."""
    simple: dict[str, Callable[[], str]] = {
        "$": lambda: "$",
        "&": lambda: match.group(),
        "`": lambda: match.string[: match.start()],
        "'": lambda: match.string[match.end() :],
    }
    if following in simple:
        return simple[following](), 2
    if following.isdigit():
        two = replacement[position + 1 : position + 3]
        for digits in (two, following) if len(two) == 2 and two.isdigit() else (following,):
            if 1 <= int(digits) <= group_count:
                return match.group(int(digits)) or "", 1 + len(digits)
        return "$", 1
    if following == "<" and match.re.groupindex:
        end = replacement.find(">", position)
        if end != -1:
            name = replacement[position + 2 : end]
            value = match.group(name) if name in match.re.groupindex else None
            return value or "", end + 1 - position
    return "$", 1


def regex_replace(ctx: EvalContext, pattern: JsRegex, text: str, replacement: str) -> str:
    """``text.replace(regex, replacement)`` as JavaScript does it, within the text budget."""
    if len(text) > MAX_REGEX_INPUT:
        raise EvaluationLimitError(f"Regular expressions run on texts of at most {MAX_REGEX_INPUT:,} characters here.")
    if not pattern.unicode:
        text, replacement = to_code_units(text), to_code_units(replacement)
    pieces: list[str] = []
    length = 0
    position = 0
    try:
        for match in pattern.pattern.finditer(text, concurrent=True, timeout=ctx.deadline.remaining()):
            for piece in (text[position : match.start()], expand_replacement(replacement, match)):
                length += len(piece)
                if length > ctx.max_string_length:
                    raise EvaluationLimitError(f"The result would be longer than {ctx.max_string_length:,} characters.")
                pieces.append(piece)
            position = match.end()
            if not pattern.global_:
                break
    except TimeoutError:
        raise EvaluationLimitError("The regular expression took too long on this text and was stopped.") from None
    pieces.append(text[position:])
    return from_code_units("".join(pieces))
