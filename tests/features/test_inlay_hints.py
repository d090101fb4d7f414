"""Inlay hints after the time claims of a jwt() payload and the timespan options, at a fixed clock."""

from __future__ import annotations

from iml_ls.features.hover import hover
from iml_ls.features.inlay_hints import InlayHint, inlay_hints

from .conftest import analysis_of

NOW = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
TEXT = """{
    "temp": {
        "jwt": {"sub": "Zoë 😀", "iat": "{{timestamp}}", "exp": "{{timestamp + 3600}}", "nbf": 1699999700},
        "later": {"iat": "{{timestamp - 60}}", "name": "x"},
        "options": {"expiresIn": "2h", "notBefore": "{{60 * 5}}", "audience": "api"}
    },
    "headers": {
        "a": "{{jwt(temp.jwt, parameters.key, 'HS256')}}",
        "b": "{{jwt(temp.jwt, parameters.key, 'HS512')}}",
        "c": "{{jwt(temp.later, parameters.key, 'HS256', temp.options)}}"
    }
}"""


def hints(text: str, start: int = 0, end: int | None = None) -> list[InlayHint]:
    return inlay_hints(analysis_of(text), start, len(text) if end is None else end, NOW)


def after(text: str, value: str) -> int:
    """The offset just after ``value`` (where a hint for it is drawn)."""
    return text.index(value) + len(value)


def test_a_time_more_than_a_day_away_is_shown_as_a_date_only() -> None:
    text = TEXT.replace('"{{timestamp + 3600}}"', "1000000000")
    found = {hint.offset: hint for hint in hints(text)}
    old = found[after(text, "1000000000")]
    assert old.label == "exp → 2001-09-09 01:46 UTC"
    assert old.tooltip.startswith("2001-09-09 01:46:40 UTC (") and old.tooltip.endswith(" ago)")


def test_payload_claims_show_when_they_fall() -> None:
    found = hints(TEXT)[:3]
    assert [hint.label for hint in found] == [
        "iat → 2023-11-14 22:13 UTC (now)",
        "exp → 2023-11-14 23:13 UTC (in 1 h)",
        "nbf → 2023-11-14 22:08 UTC (5 min ago)",
    ]
    assert [hint.offset for hint in found] == [
        after(TEXT, '"{{timestamp}}"'),
        after(TEXT, '"{{timestamp + 3600}}"'),
        after(TEXT, "1699999700"),
    ]
    assert found[1].tooltip == "2023-11-14 23:13:20 UTC (in 1 h)"


def test_options_show_the_claim_they_add_counted_from_the_payload_iat() -> None:
    found = {hint.offset: hint for hint in hints(TEXT)}
    issued = found[after(TEXT, '"{{timestamp - 60}}"')]
    assert issued.label == "iat → 2023-11-14 22:12 UTC (1 min ago)"
    expires = found[after(TEXT, '"2h"')]
    assert expires.label == "exp → 2023-11-15 00:12 UTC (in 1 h 59 min)"
    assert expires.tooltip == "jsonwebtoken adds exp = iat + 7200 s: 2023-11-15 00:12:20 UTC (in 1 h 59 min)"
    assert found[after(TEXT, '"{{60 * 5}}"')].label == "nbf → 2023-11-14 22:17 UTC (in 4 min)"


def test_options_count_from_now_without_an_iat() -> None:
    text = TEXT.replace('"iat": "{{timestamp - 60}}", ', "")
    found = {hint.offset: hint.label for hint in hints(text)}
    assert found[after(text, '"2h"')] == "exp → 2023-11-15 00:13 UTC (in 2 h)"


def test_a_payload_shared_by_two_calls_gets_one_hint_per_claim() -> None:
    labels = [hint.label for hint in hints(TEXT)]
    assert labels.count("exp → 2023-11-14 23:13 UTC (in 1 h)") == 1 and len(labels) == 6


def test_only_hints_inside_the_requested_range() -> None:
    exp_end = after(TEXT, '"{{timestamp + 3600}}"')
    assert [hint.label for hint in hints(TEXT, exp_end - 3, exp_end)] == ["exp → 2023-11-14 23:13 UTC (in 1 h)"]
    assert hints(TEXT, 0, TEXT.index('"jwt"')) == []


def test_values_that_are_not_times_get_no_hint() -> None:
    text = (
        TEXT.replace('"{{timestamp + 3600}}"', '"soon"')
        .replace('"2h"', '"two hours"')
        .replace("1699999700", '"{{1/0}}"')
    )
    labels = [hint.label for hint in hints(text)]
    assert labels == [
        "iat → 2023-11-14 22:13 UTC (now)",
        "iat → 2023-11-14 22:12 UTC (1 min ago)",
        "nbf → 2023-11-14 22:17 UTC (in 4 min)",
    ]


def test_claims_outside_a_jwt_payload_get_no_hint() -> None:
    text = '{"temp": {"claims": {"exp": "{{timestamp + 60}}"}}, "url": "{{temp.claims.exp}}"}'
    assert hints(text) == []


def test_a_time_claim_that_is_not_a_number_is_shown_as_such() -> None:
    """``timestamp * 'x'`` is NaN, as in JavaScript: hints and the hover's token preview say so."""
    text = TEXT.replace('"{{timestamp + 3600}}"', "\"{{timestamp * 'x'}}\"").replace("parameters.key", "'secret'")
    analysis = analysis_of(text)
    claim_end = after(text, "\"{{timestamp * 'x'}}\"")
    assert claim_end not in [hint.offset for hint in inlay_hints(analysis, 0, len(text), NOW)]
    found = hover(analysis, text.index("jwt(") + 1, now=NOW)
    assert found is not None and "NaN (not a time)" in found.markdown
