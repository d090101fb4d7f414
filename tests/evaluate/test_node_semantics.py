"""Our JavaScript semantics against node's own answers (one node process per test, see node_oracle.js).

Covers what is easiest to get subtly wrong in Python: regular expressions and replacement patterns,
``Number()`` parsing, UTF-16 comparisons and positions, case mapping, trimming, URI encoding,
``Math.round`` and ``JSON.parse``.
"""

from __future__ import annotations

import itertools
import json
import math
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from iml_ls.evaluate import coerce
from iml_ls.evaluate.js_json import number_to_string, stringify
from iml_ls.evaluate.values import EvaluationError, EvaluationLimitError, JsValue

from .conftest import call

ORACLE = Path(__file__).with_name("node_oracle.js")
EMOJI = "\U0001f600"


def ask_node(questions: list[list[JsValue]]) -> list[dict[str, JsValue]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is required for these tests: install Node.js 20")
    result = subprocess.run(
        [node, str(ORACLE)], input=json.dumps(questions), capture_output=True, text=True, timeout=300, check=True
    )
    answers: list[dict[str, JsValue]] = json.loads(result.stdout)
    return answers


def ours(function: Callable[[], JsValue]) -> dict[str, JsValue]:
    """Our answer in the oracle's shape: ``{"value": …}`` or ``{"error": …}``."""
    try:
        return {"value": function()}
    except EvaluationLimitError:
        raise
    except EvaluationError:
        return {"error": "Error"}


def newer_unicode(question: list[JsValue], answer: dict[str, JsValue]) -> bool:
    """Whether node's answer involves a character Python's (older) Unicode database does not know yet."""
    texts = [value for value in [*question, answer.get("value")] if isinstance(value, str)]
    return any(unicodedata.category(char) == "Cn" for text in texts for char in text)


def assert_same(
    questions: list[list[JsValue]],
    answers: list[dict[str, JsValue]],
    tolerated: Callable[[list[JsValue], dict[str, JsValue]], bool] = lambda question, answer: False,
) -> None:
    theirs = ask_node(questions)
    mismatches = [
        f"{question!r}: node {their!r}, ours {our!r}"
        for question, their, our in zip(questions, theirs, answers, strict=True)
        if (("error" in their) != ("error" in our) or their.get("value") != our.get("value"))
        and not tolerated(question, their)
    ]
    assert not mismatches, f"{len(mismatches)} of {len(questions)} differ:\n" + "\n".join(mismatches[:30])


TEXTS = ["", "abc", "aaa bbb", "John Smith", "a\nb\r\nc", "x1y22z333", "café Ünïcode", f"{EMOJI}a{EMOJI}", "A-b_C d"]
PATTERNS = [
    ("a", ""), ("a", "g"), ("A", "gi"), ("(\\w+) (\\w+)", ""), ("\\d+", "g"), ("\\d", "g"), ("^", "gm"), ("$", "gm"),
    ("$", "g"), (".", "g"), (".", "gs"), ("\\s+", "g"), ("\\b", "g"), ("\\B", "g"), ("[^a-z]", "gi"), ("x*", "g"),
    ("(?<first>\\w)(\\w)?", "g"), ("(a)|(b)", "g"), ("[\\d\\s]", "g"), ("\\W+", "g"), ("(?:ab|b)c?", "g"),
    ("é|ü", "gi"), ("a(?=b)", "g"), ("(?<!a)b", "g"), ("[^]", ""), ("\\u00e9", "g"), ("\\x41", "gi"), ("(\\w)\\1", "g"),
]  # fmt: skip
REPLACEMENTS = ["-", "$&$&", "[$1|$2]", "$<first>", "$`|$'", "$$", "$10", "$0", "\\"]


def test_replace_with_regular_expressions_matches_node() -> None:
    questions: list[list[JsValue]] = []
    answers: list[dict[str, JsValue]] = []
    for text, (source, flags), replacement in itertools.product(TEXTS, PATTERNS, REPLACEMENTS):
        questions.append(["replace", text, source, flags, replacement])
        answers.append(ours(lambda: call("replace", text, f"/{source}/{flags}", replacement)))  # noqa: B023
    assert_same(questions, answers)


NUMBER_TEXTS = [
    "", " ", "12", " 12 ", "\n\t12\u00a0", "\ufeff1", "1e3", "1E-3", "1e", ".5", "5.", ".", "+5", "-5", "+-5", "-0",
    "0x1F", "0X1f", "-0x1", "0o17", "0b101", "0b2", "Infinity", "-Infinity", "infinity", "inf", "NaN", "1_000",
    "1,5", "12px", "00012", "1e400", "\u0661", "\u2007" + "3", "\x1c3", "0.1e-6", "9007199254740993",
]  # fmt: skip


def test_number_parsing_matches_node() -> None:
    def shown(value: float | int) -> str:
        if math.isnan(value):
            return "NaN"
        return "-0" if coerce.is_negative_zero(value) else number_to_string(value)

    questions: list[list[JsValue]] = [["number", text] for text in NUMBER_TEXTS]
    assert_same(questions, [{"value": shown(coerce.to_number(text))} for text in NUMBER_TEXTS])


def test_text_comparison_matches_node() -> None:
    texts = ["", "a", "B", "ab", "é", "\uffff", EMOJI, "\ud83d", "10", "9", "a\x00"]
    pairs = list(itertools.product(texts, repeat=2))
    questions: list[list[JsValue]] = [["less", a, b] for a, b in pairs]
    assert_same(questions, [{"value": coerce.compare("<", a, b)} for a, b in pairs])


def test_case_mapping_and_trimming_match_node_for_every_bmp_character() -> None:
    """Node 20's ICU knows a few newer case pairs (Unicode 15/16) than Python 3.11; only those may differ."""
    characters = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    questions: list[list[JsValue]] = []
    answers: list[dict[str, JsValue]] = []
    for name in ("lower", "upper"):
        questions += [[name, char] for char in characters]
        answers += [ours(lambda: call(name, char)) for char in characters]  # noqa: B023
    questions += [["trim", f"{char}x{char}"] for char in characters]
    answers += [ours(lambda: call("trim", f"{char}x{char}")) for char in characters]  # noqa: B023
    assert_same(questions, answers, tolerated=newer_unicode)


def test_uri_encoding_matches_node() -> None:
    samples = [
        "a b&c=é/?#[]!'()*~",
        EMOJI,
        "%",
        "%zz",
        "%C3",
        "%C3%A9",
        "%E0%A4%A",
        "%FF",
        "a+b",
        "%2B",
        "%f0%9f%98%80",
    ]
    questions: list[list[JsValue]] = []
    answers: list[dict[str, JsValue]] = []
    for sample in samples:
        questions += [["encodeURIComponent", sample], ["decodeURIComponent", sample]]
        answers += [ours(lambda: call("encodeURL", sample)), ours(lambda: call("decodeURL", sample))]  # noqa: B023
    assert_same(questions, answers)


def test_positions_count_utf16_units_like_node() -> None:
    text = f"a{EMOJI}b{EMOJI}"
    questions: list[list[JsValue]] = [["length", text]]
    answers: list[dict[str, JsValue]] = [ours(lambda: call("length", text))]
    for start, end in itertools.product([-1, 0, 1, 2, 3, 4, 10], [None, 0, 2, 3, 6]):
        questions.append(["substring", text, start, end])
        answers.append(ours(lambda: call("substring", text, start, end)))  # noqa: B023
    for search, start in itertools.product(["b", EMOJI, "\ude00", "", "zz"], [0, 2, 4, 9]):
        questions.append(["indexOf", text, search, start])
        answers.append(ours(lambda: call("indexOf", text, search, start)))  # noqa: B023
    for separator in ["", "b", EMOJI]:
        questions.append(["split", text, separator])
        answers.append(ours(lambda: call("split", text, separator)))  # noqa: B023
    assert_same(questions, answers)


def test_round_matches_node() -> None:
    values = [
        0.5,
        1.5,
        2.5,
        -0.5,
        -1.5,
        -2.5,
        0.49999999999999994,
        -0.49999999999999994,
        1e300,
        -0.4,
        4503599627370495.5,
    ]
    questions: list[list[JsValue]] = [["round", value] for value in values]
    answers = []
    for value in values:
        rounded = call("round", value)
        assert isinstance(rounded, int | float)
        answers.append({"value": "-0" if coerce.is_negative_zero(rounded) else number_to_string(rounded)})
    assert_same(questions, answers)


JSON_TEXTS = [
    '{"b": 1, "2": [true, null], "a": {"c": "d"}}', "[]", "{}", '"x"', "12", "-0", "1.5e3", "1E400", "-1e-400",
    "12345678901234567890", "0.1", "01", "1.", ".5", "+1", "0x10", "NaN", "Infinity", "[1,]", "{'a': 1}",
    '{"a": 1} x', ' \t\n\r[1] ', "\u00a0[1]", '"\\ud800"', '"\\u00e9\\n"', '"a\tb"', '"\u2028"',
    '{"a": 1, "a": 2}', '{"__proto__": 1}', "true", "nul", '"\\x41"', "[1e5, 1e21, 123e-20]", '{"1": 1, "01": 2}',
]  # fmt: skip


def test_parse_json_matches_node() -> None:
    questions: list[list[JsValue]] = [["parseJSON", text] for text in JSON_TEXTS]
    answers = [ours(lambda: stringify(call("parseJSON", text))) for text in JSON_TEXTS]  # noqa: B023
    assert_same(questions, answers)
