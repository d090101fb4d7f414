"""Completion on half-typed text: jwt() arguments, members, functions, claims, options, keys, enums."""

from __future__ import annotations

from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, Workspace
from iml_ls.features.completion import complete

PARAMS = """[
    {"name": "clientId", "type": "text", "label": "Client ID"},
    {"name": "clientSecret", "type": "password", "label": "Client secret"}
]"""

HEAD = """{
    "url": "https://api.example.com",
    "temp": {
        "jwt": {"iss": "{{parameters.clientId}}", "exp": "{{timestamp + 3600}}"},
        "options": {"header": {"kid": "x"}, "keyid": "k"}
    },
    "headers": {"authorization": "Bearer """


def analysis_of(tmp_path: Path, text: str) -> Analysis:
    folder = tmp_path / "c"
    folder.mkdir(exist_ok=True)
    (folder / "c.params.iml.json").write_text(PARAMS, encoding="utf-8")
    path = folder / "c.communication.iml.json"
    path.write_text(text, encoding="utf-8")
    analysis = Workspace().analysis(str(path))
    assert analysis is not None
    return analysis


def labels_at(tmp_path: Path, text: str, marker: str = "|") -> list[str]:
    offset = text.index(marker)
    analysis = analysis_of(tmp_path, text.replace(marker, "", 1))
    return [item.label for item in complete(analysis, offset)]


def test_algorithms_inside_an_unclosed_quote_with_nothing_after(tmp_path: Path) -> None:
    labels = labels_at(tmp_path, HEAD + "{{jwt(temp.jwt, parameters.clientSecret, '|")
    assert labels == ["HS256", "HS384", "HS512", "RS256"]


def test_algorithms_as_third_argument_without_a_quote(tmp_path: Path) -> None:
    text = HEAD + '{{jwt(temp.jwt, parameters.clientSecret, |)}}"}\n}\n'
    labels = labels_at(tmp_path, text)
    assert labels[:4] == ["HS256", "HS384", "HS512", "RS256"]


def test_second_argument_offers_secrets_first(tmp_path: Path) -> None:
    offset_text = HEAD + "{{jwt(temp.jwt, param|"
    analysis = analysis_of(tmp_path, offset_text.replace("|", ""))
    items = complete(analysis, offset_text.index("|"))
    parameters = sorted((i for i in items if i.label.startswith("parameters.")), key=lambda i: i.sort_text or "")
    assert [i.label for i in parameters] == ["parameters.clientSecret", "parameters.clientId"]
    start, end = items[0].replace or (0, 0)
    assert analysis.text[start:end] == "param"


def test_first_and_fourth_arguments_offer_temp_objects(tmp_path: Path) -> None:
    first = labels_at(tmp_path, HEAD + "{{jwt(|")
    assert "temp.jwt" in first
    fourth = labels_at(tmp_path, HEAD + "{{jwt(temp.jwt, parameters.clientSecret, 'HS512', |")
    assert "temp.options" in fourth and "temp.jwtOptions (new)" in fourth


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("parameters.", {"clientId", "clientSecret"}), ("temp.", {"jwt", "options"}), ("temp.jwt.", {"iss", "exp"})],
)
def test_members(tmp_path: Path, typed: str, expected: set[str]) -> None:
    assert set(labels_at(tmp_path, HEAD + "{{" + typed + "|")) == expected


def test_functions_and_variables_at_the_start_of_an_expression(tmp_path: Path) -> None:
    labels = labels_at(tmp_path, HEAD + '{{|}}"}\n}\n')
    assert {"jwt", "base64", "parameters", "temp", "timestamp"} <= set(labels)
    assert "body" not in labels  # only inside response


def test_make_s_new_functions_and_keywords_are_offered_and_hmac_is_not(tmp_path: Path) -> None:
    labels = set(labels_at(tmp_path, HEAD + '{{|}}"}\n}\n'))
    assert {"parseJSON", "createJSON", "isArray", "median", "setDay", "mime", "cryptoSign"} <= labels
    assert {"uuid", "pi", "random", "executionId", "erase", "ignore", "nbsp", "carriagereturn"} <= labels
    assert "hmac" not in labels


def test_after_the_opening_braces_functions_sort_before_variables(tmp_path: Path) -> None:
    """The first screen of suggestions after `{{` shows functions, not a dozen variables."""
    text = HEAD + '{{|}}"}\n}\n'
    items = complete(analysis_of(tmp_path, text.replace("|", "", 1)), text.index("|"))
    ordered = [item.kind for item in sorted(items, key=lambda item: item.sort_text or item.label)]
    assert ordered[: ordered.count("function")] == ["function"] * ordered.count("function")


def test_claims_inside_a_payload_object_and_options_keys(tmp_path: Path) -> None:
    call = "{{jwt(temp.jwt, parameters.clientSecret, 'HS256', temp.o)}}"
    text = (
        '{\n    "temp": {\n        "jwt": {"iss": "x", |},\n        "o": {}\n    },\n'
        f'    "headers": {{"a": "{call}"}}\n}}\n'
    )
    labels = labels_at(tmp_path, text)
    assert {"sub", "aud", "exp", "nbf", "iat", "jti", "scope"} <= set(labels) and "iss" not in labels
    text = (
        '{\n    "temp": {\n        "jwt": {"iss": "x"},\n        "o": {|}\n    },\n'
        f'    "headers": {{"a": "{call}"}}\n}}\n'
    )
    assert {"header", "keyid", "expiresIn", "noTimestamp"} <= set(labels_at(tmp_path, text))


def test_connection_keys_and_enum_values(tmp_path: Path) -> None:
    assert {"method", "headers", "qs", "body", "response"} <= set(labels_at(tmp_path, '{\n    "url": "x",\n    |\n}\n'))
    assert labels_at(tmp_path, '{\n    "method": "|"\n}\n') == [
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
    ]
    response = labels_at(tmp_path, '{\n    "response": {"error": {"type": "|"}}\n}\n')
    assert "RateLimitError" in response


def test_an_algorithm_replaces_the_whole_literal_and_filters_by_the_quote(tmp_path: Path) -> None:
    """Regression (VS Code e2e): VS Code filters by the text from the range start, which is the quote."""
    text = HEAD + "{{jwt(temp.jwt, parameters.clientSecret, '|HS1')}}\"}\n}\n"
    offset = text.index("|")
    analysis = analysis_of(tmp_path, text.replace("|", "", 1))
    items = complete(analysis, offset)
    assert [item.label for item in items] == ["HS256", "HS384", "HS512", "RS256"]
    start, end = items[0].replace or (0, 0)
    assert analysis.text[start:end] == "'HS1'"
    assert items[0].filter_text == "'HS256'" and items[0].insert_text == "'HS256'"
