"""The outline: requests or OAuth stages, their sections and keys, jwt() calls; parameters in a params file."""

from __future__ import annotations

from iml_ls.analysis import Analysis, Workspace
from iml_ls.features.symbols import DocumentSymbol, OutlineKind, document_symbols

COMMUNICATION = """{
    "url": "https://api.example.com/v1/😀",
    "method": "POST",
    "temp": {
        "jwt": {"iss": "{{parameters.clientId}}", "exp": "{{timestamp + 3600}}"},
        "": "empty key"
    },
    "headers": {"authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS512')}}"},
    "response": {"temp": {"expires": "{{body.expires_in}}"}, "output": {"token": "{{body.token}}"}}
}"""


def symbols_of(name: str, text: str) -> list[DocumentSymbol]:
    workspace = Workspace()
    path = f"/app/connections/demo/{name}"
    workspace.open_document(path, text, 1)
    analysis = workspace.analysis(path)
    assert isinstance(analysis, Analysis)
    return document_symbols(analysis)


def shape(symbol: DocumentSymbol) -> object:
    """Names as a nested structure: a leaf is its name, a parent is (name, [children])."""
    return (symbol.name, [shape(child) for child in symbol.children]) if symbol.children else symbol.name


def assert_well_nested(symbols: list[DocumentSymbol], start: int, end: int) -> None:
    """Every symbol inside its parent, its name inside itself, siblings in document order."""
    previous = start
    for symbol in symbols:
        assert start <= symbol.start <= symbol.end <= end
        assert symbol.start <= symbol.selection_start <= symbol.selection_end <= symbol.end
        assert symbol.start >= previous
        previous = symbol.start
        assert_well_nested(symbol.children, symbol.start, symbol.end)


def test_a_request_lists_its_sections_keys_directives_and_jwt_calls() -> None:
    symbols = symbols_of("demo.communication.iml.json", COMMUNICATION)
    assert [shape(symbol) for symbol in symbols] == [
        (
            "request",
            [
                "url",
                "method",
                ("temp", ["jwt", '""']),
                ("headers", ["authorization"]),
                "jwt(HS512)",
                ("response", [("temp", ["expires"]), ("output", ["token"])]),
            ],
        )
    ]
    [request] = symbols
    assert request.kind is OutlineKind.REQUEST and request.detail == "POST https://api.example.com/v1/😀"
    call = next(child for child in request.children if child.kind is OutlineKind.CALL)
    assert call.detail == "signs temp.jwt"
    assert COMMUNICATION[call.selection_start : call.selection_end] == "jwt"
    assert COMMUNICATION[call.start : call.end] == "jwt(temp.jwt, parameters.clientSecret, 'HS512')"
    assert_well_nested(symbols, 0, len(COMMUNICATION))


def test_sections_and_keys_have_their_kinds_and_string_values_as_detail() -> None:
    [request] = symbols_of("demo.communication.iml.json", COMMUNICATION)
    url, _method, temp, *_ = request.children
    assert (url.kind, url.detail) == (OutlineKind.SECTION, "https://api.example.com/v1/😀")
    assert COMMUNICATION[url.selection_start : url.selection_end] == '"url"'
    assert temp.kind is OutlineKind.SECTION and {child.kind for child in temp.children} == {OutlineKind.KEY}


def test_several_requests_are_numbered() -> None:
    text = '[{"url": "https://a.example.com"}, {"url": "https://b.example.com", "method": "PUT"}]'
    symbols = symbols_of("demo.communication.iml.json", text)
    assert [(s.name, s.detail) for s in symbols] == [
        ("request 1", "https://a.example.com"),
        ("request 2", "PUT https://b.example.com"),
    ]


def test_oauth_stages_are_named_by_the_stage_and_cover_its_key() -> None:
    text = """{
    "authorize": {"url": "https://example.com/auth", "qs": {"client_id": "{{common.clientId}}"}},
    "token": [{"url": "https://example.com/token", "method": "POST"}, {"url": "https://example.com/me"}],
    "info": {"url": "https://example.com/me"}
}"""
    symbols = symbols_of("demo.oauth-communication.iml.json", text)
    assert [shape(s) for s in symbols] == [
        ("authorize", ["url", ("qs", ["client_id"])]),
        ("token 1", ["url", "method"]),
        ("token 2", ["url"]),
        ("info", ["url"]),
    ]
    authorize = symbols[0]
    assert text[authorize.selection_start : authorize.selection_end] == '"authorize"'
    assert text[authorize.start :].startswith('"authorize": {')
    assert_well_nested(symbols, 0, len(text))


def test_a_params_file_lists_parameters_with_types_and_nested_ones_under_their_parent() -> None:
    text = """[
    {"name": "clientId", "type": "text", "required": true},
    {"name": "mode", "type": "select", "options": [
        {"label": "Service account", "value": "sa", "nested": [{"name": "keyFile", "type": "cert"}]}
    ], "nested": [{"name": "region", "type": "text"}]},
    {"name": "clientSecret", "type": "password"}
]"""
    symbols = symbols_of("demo.params.iml.json", text)
    assert [shape(s) for s in symbols] == ["clientId", ("mode", ["keyFile", "region"]), "clientSecret"]
    assert [(s.kind, s.detail) for s in symbols] == [
        (OutlineKind.PARAMETER, "text, required"),
        (OutlineKind.PARAMETER, "select"),
        (OutlineKind.PARAMETER, "password"),
    ]
    assert text[symbols[0].selection_start : symbols[0].selection_end] == '"clientId"'
    assert_well_nested(symbols, 0, len(text))


def test_other_files_list_their_keys() -> None:
    symbols = symbols_of("demo.common.json", '{"clientId": "abc", "urls": {"auth": "https://example.com"}}')
    assert [shape(s) for s in symbols] == ["clientId", ("urls", ["auth"])]


def test_half_typed_text_still_has_an_outline() -> None:
    text = '{\n    "url": "https://example.com",\n    "headers": {"authorization": "Bearer {{jwt(temp.\n}\n'
    symbols = symbols_of("demo.communication.iml.json", text)
    assert [s.name for s in symbols[0].children][:2] == ["url", "headers"]
    assert_well_nested(symbols, 0, len(text))
