"""The request Make would send, for every component kind: base merged, temp, query, body encodings,
curl quoting checked by a real shell, secrets masked everywhere unless revealed, the second page."""

from __future__ import annotations

import base64
import json
import shlex
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from iml_ls.analysis import Workspace
from iml_ls.features.code_lens import code_lenses
from iml_ls.features.preview import preview
from iml_ls.features.request_preview import (
    MASK,
    RequestPreview,
    RequestPreviewResult,
    encode_query,
    query_pairs,
    request_preview,
)

NOW = 1700000000.0
API_KEY = "sk-live-4242-secret"
PASSWORD = "pa$$w'rd-9000"

MANIFEST = {
    "fileVersion": 1,
    "generalCodeFiles": {"base": "general/base.iml.json"},
    "components": {
        "connection": {
            "acme": {
                "connectionType": "basic",
                "codeFiles": {
                    "communication": "connections/acme/acme.communication.iml.json",
                    "params": "connections/acme/acme.params.iml.json",
                },
            },
            "acme-oauth": {
                "connectionType": "oauth",
                "codeFiles": {
                    "communication": "connections/acme-oauth/acme-oauth.oauth-communication.iml.json",
                    "common": "connections/acme-oauth/acme-oauth.common.json",
                },
            },
        },
        "module": {
            kind: {
                "moduleType": kind,
                "connection": "acme",
                **({"webhook": "hook"} if kind == "instant_trigger" else {}),
                "codeFiles": {
                    "communication": f"modules/{kind}/{kind}.communication.iml.json",
                    "mappable-params": f"modules/{kind}/{kind}.mappable-params.iml.json",
                    **({"epoch": f"modules/{kind}/{kind}.epoch.iml.json"} if kind == "trigger" else {}),
                },
            }
            for kind in ("action", "search", "trigger", "instant_trigger", "universal", "responder")
        },
        "rpc": {
            "tags": {"connection": "acme", "codeFiles": {"communication": "rpcs/tags/tags.communication.iml.json"}}
        },
        "webhook": {
            "hook": {
                "webhookType": "web",
                "connection": "acme",
                "codeFiles": {
                    "communication": "webhooks/hook/hook.communication.iml.json",
                    "attach": "webhooks/hook/hook.attach.iml.json",
                    "detach": "webhooks/hook/hook.detach.iml.json",
                },
            }
        },
    },
}

BASE = {
    "baseUrl": "https://api.acme.example/v2/",
    "headers": {"authorization": "Bearer {{connection.accessToken}}", "accept": "application/json"},
    "qs": {"locale": "en"},
}

FILES: dict[str, object] = {
    "general/base.iml.json": BASE,
    "connections/acme/acme.params.iml.json": [
        {"name": "apiKey", "type": "password"},
        {"name": "user", "type": "text"},
        {"name": "region", "type": "text", "default": "eu"},
    ],
    "connections/acme/acme.communication.iml.json": {
        "url": "https://api.acme.example/v2/token",
        "method": "POST",
        "temp": {"basic": "{{base64(parameters.user + ':' + parameters.apiKey)}}", "who": "{{parameters.user}}"},
        "headers": {"authorization": "Basic {{temp.basic}}", "x-user": "{{temp.who}}"},
        "body": {"grant": "client", "key": "{{parameters.apiKey}}", "user": "{{parameters.user}}"},
        "response": {"data": {"accessToken": "{{body.token}}"}},
    },
    "connections/acme/acme.samples.json": {"parameters": {"apiKey": API_KEY, "user": "zoë"}},
    "connections/acme-oauth/acme-oauth.common.json": {"clientId": "client-1", "clientSecret": PASSWORD},
    "connections/acme-oauth/acme-oauth.oauth-communication.iml.json": {
        "authorize": {
            "url": "https://auth.acme.example/authorize",
            "qs": {"client_id": "{{common.clientId}}", "redirect_uri": "{{oauth.makeRedirectUri}}"},
            "response": {"temp": {"code": "{{query.code}}"}},
        },
        "token": {
            "url": "https://auth.acme.example/token",
            "method": "POST",
            "type": "urlencoded",
            "body": {"code": "{{temp.code}}", "client_id": "{{common.clientId}}", "secret": "{{common.clientSecret}}"},
            "response": {"data": {"accessToken": "{{body.access_token}}"}},
        },
        "info": {"url": "https://api.acme.example/v2/me", "headers": {"authorization": "Bearer {{data.accessToken}}"}},
    },
    "modules/action/action.mappable-params.iml.json": [
        {"name": "name", "type": "text"},
        {"name": "n", "type": "number"},
    ],
    "modules/action/action.communication.iml.json": {
        "url": "/contacts",
        "method": "post",
        "headers": {"accept": "application/vnd.acme+json"},
        "body": {"name": "{{parameters.name}}", "count": "{{parameters.n}}", "region": "{{connection.region}}"},
    },
    "modules/search/search.mappable-params.iml.json": [{"name": "q", "type": "text", "default": "a b&c"}],
    "modules/search/search.communication.iml.json": {
        "url": "contacts",
        "qs": {"q": "{{parameters.q}}", "page": "{{pagination.page}}", "from": "{{pagination.offset}}"},
        "response": {"iterate": "{{body.items}}"},
        "pagination": {"qs": {"cursor": "{{body.next}}"}, "condition": "{{body.next}}"},
    },
    "modules/trigger/trigger.mappable-params.iml.json": [],
    "modules/trigger/trigger.communication.iml.json": {
        "url": "/contacts",
        "qs": {"sort": "created"},
        "response": {"iterate": "{{body}}", "trigger": {"type": "id", "order": "desc", "id": "{{item.id}}"}},
    },
    "modules/trigger/trigger.epoch.iml.json": {
        "url": "/contacts",
        "qs": {"limit": 5},
        "response": {"iterate": "{{body}}"},
    },
    "modules/instant_trigger/instant_trigger.mappable-params.iml.json": [],
    "modules/instant_trigger/instant_trigger.communication.iml.json": {
        "url": "/hooks/{{webhook.hookId}}/events",
        "response": {"output": "{{body}}"},
    },
    "modules/universal/universal.mappable-params.iml.json": [
        {"name": "url", "type": "text", "default": "/anything"},
        {"name": "method", "type": "select", "default": "PATCH"},
    ],
    "modules/universal/universal.communication.iml.json": {
        "url": "{{parameters.url}}",
        "method": "{{parameters.method}}",
        "type": "text",
        "body": "raw text",
    },
    "modules/responder/responder.mappable-params.iml.json": [],
    "modules/responder/responder.communication.iml.json": {"response": {"status": 200, "body": "ok"}},
    "rpcs/tags/tags.communication.iml.json": {"url": "/tags", "response": {"iterate": "{{body}}"}},
    "webhooks/hook/hook.communication.iml.json": {"output": "{{body}}"},
    "webhooks/hook/hook.attach.iml.json": {
        "url": "https://api.acme.example/v2/hooks",
        "method": "POST",
        "headers": {"x-key": "{{connection.apiKey}}"},
        "body": {"target": "{{webhook.url}}"},
        "response": {"data": {"hookId": "{{body.id}}"}},
    },
    "webhooks/hook/hook.detach.iml.json": {
        "url": "https://api.acme.example/v2/hooks/{{webhook.hookId}}",
        "method": "DELETE",
    },
}


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "makecomapp.json").write_text(json.dumps(MANIFEST), encoding="utf-8")
    for name, content in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
    return tmp_path


def previewed(app: Path, name: str, *, reveal: bool = False) -> RequestPreviewResult:
    workspace = Workspace()
    analysis = workspace.analysis(str(app / name))
    assert analysis is not None
    return request_preview(workspace, analysis, now=NOW, reveal_secrets=reveal)


def only(result: RequestPreviewResult) -> RequestPreview:
    [request] = result.requests
    return request


def everything(result: RequestPreviewResult, app: Path, name: str) -> str:
    """Every output form of a preview, as one text."""
    analysis = Workspace().analysis(str(app / name))
    assert analysis is not None
    shown = json.dumps(result.as_json(analysis), ensure_ascii=False)
    return shown + "".join(request.http() + request.curl() for request in result.requests)


def test_a_connection_evaluates_temp_and_masks_what_comes_from_the_key(app: Path) -> None:
    name = "connections/acme/acme.communication.iml.json"
    request = only(previewed(app, name))
    assert request.label == "request" and request.from_base == ()
    assert request.temp == (("basic", MASK), ("who", "zoë"))
    assert dict(request.headers) == {
        "authorization": f"Basic {MASK}",
        "x-user": "zoë",
        "content-type": "application/json",
    }
    assert request.body == f'{{"grant":"client","key":"{MASK}","user":"zoë"}}'
    revealed = only(previewed(app, name, reveal=True))
    derived = base64.b64encode(f"zoë:{API_KEY}".encode()).decode()
    assert dict(revealed.headers)["authorization"] == f"Basic {derived}"
    assert API_KEY in (revealed.body or "")


def test_no_secret_in_any_output_unless_revealed(app: Path) -> None:
    secrets = [API_KEY, PASSWORD, base64.b64encode(f"zoë:{API_KEY}".encode()).decode()]
    secrets += [urllib.parse.quote(secret, safe="") for secret in secrets]  # in a query or urlencoded body
    for name in (
        "connections/acme/acme.communication.iml.json",
        "connections/acme-oauth/acme-oauth.oauth-communication.iml.json",
        "webhooks/hook/hook.attach.iml.json",
    ):
        masked = everything(previewed(app, name), app, name)
        assert MASK in masked
        assert not [secret for secret in secrets if secret in masked], name
        revealed = everything(previewed(app, name, reveal=True), app, name)
        assert [secret for secret in secrets if secret in revealed], name


def test_oauth_stages_each_get_their_request(app: Path) -> None:
    result = previewed(app, "connections/acme-oauth/acme-oauth.oauth-communication.iml.json")
    assert [request.label for request in result.requests] == ["`authorize` stage", "`token` stage", "`info` stage"]
    authorize, token, info = result.requests
    assert authorize.url == (
        "https://auth.acme.example/authorize?client_id=client-1&redirect_uri=https%3A%2F%2Fwww.make.com%2Foauth%2Fcb%2Fapp"
    )
    assert token.body == f"code=%3Ccode%3E&client_id=client-1&secret={MASK}"  # authorize's response.temp
    assert "temp.code" in result.placeholders
    assert ("content-type", "application/x-www-form-urlencoded") in token.headers
    assert dict(info.headers)["authorization"] == f"Bearer {MASK}"  # data.accessToken: a token


def test_an_action_gets_base_merged_under_its_own_values(app: Path) -> None:
    result = previewed(app, "modules/action/action.communication.iml.json")
    request = only(result)
    assert request.method == "POST"
    assert request.url == "https://api.acme.example/v2/contacts?locale=en"
    assert request.headers[:2] == (("authorization", f"Bearer {MASK}"), ("accept", "application/vnd.acme+json"))
    assert request.from_base == ("baseUrl", "headers.authorization", "qs")
    assert request.body == '{"name":"<name>","count":1,"region":"eu"}'
    assert {"connection.accessToken", "parameters.name", "parameters.n"} <= set(result.placeholders)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        (
            "modules/trigger/trigger.communication.iml.json",
            "https://api.acme.example/v2/contacts?locale=en&sort=created",
        ),
        ("modules/trigger/trigger.epoch.iml.json", "https://api.acme.example/v2/contacts?locale=en&limit=5"),
        (
            "modules/instant_trigger/instant_trigger.communication.iml.json",
            "https://api.acme.example/v2/hooks/%3ChookId%3E/events?locale=en",
        ),
        ("modules/universal/universal.communication.iml.json", "https://api.acme.example/v2/anything?locale=en"),
        ("rpcs/tags/tags.communication.iml.json", "https://api.acme.example/v2/tags?locale=en"),
    ],
)
def test_modules_rpcs_and_epochs_start_from_base(app: Path, name: str, url: str) -> None:
    request = only(previewed(app, name))
    assert request.url == url
    assert request.from_base[0] == "baseUrl"
    assert request.curl().startswith("curl ")


def test_a_universal_module_sends_its_text_body_with_the_mapped_method(app: Path) -> None:
    request = only(previewed(app, "modules/universal/universal.communication.iml.json"))
    assert (request.method, request.body_type, request.body) == ("PATCH", "text", "raw text")
    assert request.http().endswith("\r\n\r\nraw text")


def test_a_responder_sends_no_request(app: Path) -> None:
    request = only(previewed(app, "modules/responder/responder.communication.iml.json"))
    assert request.url is None and request.curl() == "" and request.http() == "(no HTTP request)\n"


def test_a_search_shows_its_first_and_second_page(app: Path) -> None:
    result = previewed(app, "modules/search/search.communication.iml.json")
    first, second = result.requests
    assert first.url == "https://api.acme.example/v2/contacts?locale=en&q=a%20b%26c&page=1&from=0"
    assert (second.page, second.label) == (2, "request, page 2")
    assert (
        second.url == "https://api.acme.example/v2/contacts?locale=en&q=a%20b%26c&page=2&from=20&cursor=%3Cbody.next%3E"
    )
    assert second.pagination_condition == "{{body.next}}"
    assert "body.next" in result.placeholders


def test_webhook_attach_and_detach_read_the_webhook_and_not_base(app: Path) -> None:
    attach = only(previewed(app, "webhooks/hook/hook.attach.iml.json"))
    assert attach.label == "attach" and attach.from_base == ()
    assert attach.body == '{"target":"https://hook.make.com/<webhook.id>"}'
    assert dict(attach.headers)["x-key"] == MASK
    detach = only(previewed(app, "webhooks/hook/hook.detach.iml.json"))
    assert (detach.label, detach.method, detach.url) == (
        "detach",
        "DELETE",
        "https://api.acme.example/v2/hooks/%3ChookId%3E",
    )
    assert previewed(app, "webhooks/hook/hook.communication.iml.json").requests == []


def test_the_samples_file_gives_connection_values_to_a_module(app: Path) -> None:
    (app / "modules/action/action.samples.json").write_text(
        json.dumps({"parameters": {"name": "Zoë"}, "connection": {"accessToken": "tok-123456"}}), encoding="utf-8"
    )
    masked = previewed(app, "modules/action/action.communication.iml.json")
    assert dict(only(masked).headers)["authorization"] == f"Bearer {MASK}"
    assert "connection.accessToken" not in masked.placeholders
    revealed = only(previewed(app, "modules/action/action.communication.iml.json", reveal=True))
    assert dict(revealed.headers)["authorization"] == "Bearer tok-123456"
    assert revealed.body == '{"name":"Zoë","count":1,"region":"eu"}'


def test_the_jwt_token_is_folded_in_and_is_the_one_the_token_preview_signs(tmp_path: Path) -> None:
    folder = tmp_path / "connections" / "signed"
    folder.mkdir(parents=True)
    (folder / "signed.params.iml.json").write_text('[{"name": "secret", "type": "password"}]', encoding="utf-8")
    path = folder / "signed.communication.iml.json"
    path.write_text(
        '{"url": "https://x.example/me", "temp": {"claims": {"sub": "me", "exp": "{{timestamp + 60}}"}},\n'
        ' "headers": {"authorization": "Bearer {{jwt(temp.claims, parameters.secret, \'HS384\')}}"}}',
        encoding="utf-8",
    )
    workspace = Workspace()
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    [token] = only(request_preview(workspace, analysis, now=NOW)).tokens
    assert (token.token, token.algorithm, token.payload) == (MASK, "HS384", {"sub": "me", "exp": NOW + 60, "iat": NOW})
    revealed = only(request_preview(workspace, analysis, now=NOW, reveal_secrets=True))
    [signed] = preview(analysis, now=NOW).tokens
    assert revealed.tokens[0].token == signed.token
    assert dict(revealed.headers)["authorization"] == f"Bearer {signed.token}"


def _module(tmp_path: Path, request: dict[str, object]) -> RequestPreview:
    folder = tmp_path / "modules" / "m"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "m.communication.iml.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    workspace = Workspace()
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    return only(request_preview(workspace, analysis, now=NOW))


def test_body_encodings(tmp_path: Path) -> None:
    body = {"a": "x y", "n": {"k": [1, None]}, "skip": "{{undefined}}"}
    json_body = _module(tmp_path, {"url": "https://x.example", "method": "POST", "body": body})
    assert json_body.body == '{"a":"x y","n":{"k":[1,null]}}'
    form = _module(tmp_path, {"url": "https://x.example", "method": "POST", "type": "urlencoded", "body": body})
    assert form.body == "a=x%20y&n%5Bk%5D%5B0%5D=1&n%5Bk%5D%5B1%5D="
    multipart = _module(
        tmp_path,
        {
            "url": "https://x.example",
            "method": "POST",
            "type": "multipart/form-data",
            "body": {"title": "Zoë", "file": {"value": "{{toBinary('hello')}}", "options": {"filename": "a.txt"}}},
        },
    )
    assert multipart.body == (
        '------iml-ls-preview-boundary\r\nContent-Disposition: form-data; name="title"\r\n\r\nZoë\r\n'
        '------iml-ls-preview-boundary\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        "<5 bytes>\r\n------iml-ls-preview-boundary--\r\n"
    )
    assert "--form-string 'title=Zoë'" in multipart.curl() and "--form file=@a.txt" in multipart.curl()
    assert "content-type" not in multipart.curl()
    text = _module(tmp_path, {"url": "https://x.example", "method": "PUT", "type": "text", "body": "{{1 + 1}}"})
    assert (text.body, dict(text.headers)) == ("2", {})


def test_the_curl_command_gives_the_shell_exactly_the_values(tmp_path: Path) -> None:
    tricky = 'it\'s $HOME `id` "q" \\ ; & | * \n next line'
    request = _module(
        tmp_path,
        {"url": "https://x.example/p?q=1", "method": "POST", "headers": {"x-tricky": tricky}, "body": {"t": tricky}},
    )
    dump = f"{shlex.quote(sys.executable)} -c 'import json, sys; print(json.dumps(sys.argv[1:]))'"
    command = request.curl()
    assert command.startswith("curl ")
    shell = subprocess.run(["sh", "-c", dump + command[len("curl") :]], capture_output=True, text=True, check=True)
    assert json.loads(shell.stdout) == [
        "--request",
        "POST",
        "https://x.example/p?q=1",
        "--header",
        f"x-tricky: {tricky}",
        "--header",
        "content-type: application/json",
        "--data-raw",
        json.dumps({"t": tricky}, ensure_ascii=False, separators=(",", ":")),
    ]


def test_query_strings_nest_as_the_qs_package_writes_them() -> None:
    pairs = query_pairs({"a": [1, 2], "b": {"c": True}, "d": None, "e": "é"})
    assert encode_query(pairs) == "a%5B0%5D=1&a%5B1%5D=2&b%5Bc%5D=true&d=&e=%C3%A9"


def test_a_false_condition_is_shown(tmp_path: Path) -> None:
    request = _module(tmp_path, {"url": "https://x.example", "condition": "{{1 = 2}}"})
    assert request.skipped is not None and "condition" in request.skipped


def test_a_preview_request_lens_sits_on_every_request(app: Path) -> None:
    workspace = Workspace()
    analysis = workspace.analysis(str(app / "connections/acme-oauth/acme-oauth.oauth-communication.iml.json"))
    assert analysis is not None
    lenses = [lens for lens in code_lenses(analysis) if lens.command == "iml.previewRequest"]
    assert [analysis.text[lens.start] for lens in lenses] == ["{", "{", "{"]
    token_stage = lenses[1].start
    result = request_preview(workspace, analysis, now=NOW, at=token_stage)
    assert [request.label for request in result.requests] == ["`token` stage"]
    for name in ("general/base.iml.json", "webhooks/hook/hook.communication.iml.json"):
        other = workspace.analysis(str(app / name))
        assert other is not None and [lens for lens in code_lenses(other) if lens.command == "iml.previewRequest"] == []


def test_temp_accumulates_request_by_request(tmp_path: Path) -> None:
    folder = tmp_path / "modules" / "two"
    folder.mkdir(parents=True)
    path = folder / "two.communication.iml.json"
    path.write_text(
        json.dumps(
            [
                {"url": "https://x.example/a", "temp": {"first": "one"}},
                {"url": "https://x.example/b/{{temp.first}}", "temp": {"second": "{{temp.first}}-two"}},
            ]
        ),
        encoding="utf-8",
    )
    workspace = Workspace()
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    first, second = request_preview(workspace, analysis, now=NOW).requests
    assert (first.label, first.temp) == ("request 1 of 2", (("first", "one"),))
    assert (second.label, second.url, second.temp) == (
        "request 2 of 2",
        "https://x.example/b/one",
        (("second", "one-two"),),
    )


def test_a_page_without_merge_with_parent_sends_only_its_own_directives(tmp_path: Path) -> None:
    request = {
        "url": "https://x.example/items",
        "qs": {"size": 10},
        "headers": {"x-a": "1"},
        "pagination": {"mergeWithParent": False, "url": "https://x.example/next", "qs": {"after": "{{body.last}}"}},
    }
    folder = tmp_path / "modules" / "m"
    folder.mkdir(parents=True)
    path = folder / "m.communication.iml.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    workspace = Workspace()
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    first, second = request_preview(workspace, analysis, now=NOW).requests
    assert first.url == "https://x.example/items?size=10" and first.headers == (("x-a", "1"),)
    assert (second.url, second.headers) == ("https://x.example/next?after=%3Cbody.last%3E", ())


def test_a_lone_surrogate_goes_out_as_a_replacement_character(tmp_path: Path) -> None:
    request = _module(tmp_path, {"url": "https://x.example", "headers": {"x-cut": "{{substring('😀x', 0, 1)}}"}})
    assert request.headers == (("x-cut", "\ufffd"),)
    request.http().encode("utf-8")  # well formed: it can be written out
    cut_url = _module(tmp_path, {"url": "https://x.example/{{substring('😀', 0, 1)}}", "qs": {"\ud800": "1"}})
    assert cut_url.url == "https://x.example/%EF%BF%BD?%EF%BF%BD=1"


def test_a_failing_temp_expression_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "modules" / "m"
    folder.mkdir(parents=True)
    path = folder / "m.communication.iml.json"
    path.write_text('{"url": "https://x.example", "temp": {"bad": "{{nosuchfunction(1)}}"}}', encoding="utf-8")
    workspace = Workspace()
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    result = request_preview(workspace, analysis, now=NOW)
    assert [message for _, _, _, message in result.errors] == ["IML has no function `nosuchfunction`."]
    assert not result.complete


def test_base_pagination_gives_an_rpc_its_second_page(app: Path) -> None:
    base = dict(BASE, pagination={"qs": {"page": "{{pagination.page}}"}, "url": "/next"})
    (app / "general/base.iml.json").write_text(json.dumps(base), encoding="utf-8")
    first, second = previewed(app, "rpcs/tags/tags.communication.iml.json").requests
    assert first.url == "https://api.acme.example/v2/tags?locale=en"
    assert second.url == "https://api.acme.example/v2/next?locale=en&page=2"


def test_an_oauth_stage_with_many_requests_labels_each(tmp_path: Path) -> None:
    folder = tmp_path / "connections" / "o"
    folder.mkdir(parents=True)
    path = folder / "o.oauth-communication.iml.json"
    path.write_text(
        json.dumps({"token": [{"url": "https://x.example/1"}, {"url": "https://x.example/2", "method": "POST"}]}),
        encoding="utf-8",
    )
    workspace = Workspace()
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    result = request_preview(workspace, analysis, now=NOW)
    assert [(r.label, r.method) for r in result.requests] == [
        ("`token` stage, request 1", "GET"),
        ("`token` stage, request 2", "POST"),
    ]


def test_a_temp_key_computed_from_a_secret_through_another_is_masked(tmp_path: Path) -> None:
    folder = tmp_path / "connections" / "c"
    folder.mkdir(parents=True)
    (folder / "c.params.iml.json").write_text('[{"name": "pin", "type": "password"}]', encoding="utf-8")
    (folder / "c.samples.json").write_text('{"parameters": {"pin": "8675309"}}', encoding="utf-8")
    path = folder / "c.communication.iml.json"
    path.write_text(
        json.dumps(
            {
                "url": "https://x.example",
                "temp": {"plain": "id-1", "a": "{{sha256(parameters.pin)}}", "b": "{{upper(temp.a)}}"},
                "headers": {"x-b": "{{temp.b}}", "x-plain": "{{temp.plain}}"},
            }
        ),
        encoding="utf-8",
    )
    workspace = Workspace()
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    request = only(request_preview(workspace, analysis, now=NOW))
    assert request.temp == (("plain", "id-1"), ("a", MASK), ("b", MASK))
    assert request.headers == (("x-b", MASK), ("x-plain", "id-1"))


def test_later_oauth_stages_read_what_earlier_ones_save_as_placeholders(tmp_path: Path) -> None:
    folder = tmp_path / "connections" / "o"
    folder.mkdir(parents=True)
    path = folder / "o.oauth-communication.iml.json"
    stages = {
        "token": {
            "url": "https://x.example/token",
            "response": {"data": {"accessToken": "{{body.t}}", "until": "{{now}}"}},
        },
        "info": {"url": "https://x.example/me", "headers": {"authorization": "Bearer {{data.accessToken}}"}},
        "refresh": {"condition": "{{data.until < now}}", "url": "https://x.example/refresh"},
    }
    path.write_text(json.dumps(stages), encoding="utf-8")
    workspace = Workspace()
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    result = request_preview(workspace, analysis, now=NOW, reveal_secrets=True)
    _, info, refresh = result.requests
    assert info.headers == (("authorization", "Bearer <accessToken>"),)
    assert refresh.skipped == "Make may skip this request: its `condition` is false with made-up values (data.until)."
    assert {"data.accessToken", "data.until"} <= set(result.placeholders)


def test_an_apps_own_function_is_named_as_such_not_as_unknown() -> None:
    """The example app's create-contact calls its own ``slugify`` (JavaScript in ``functions/``): never run, and
    the preview says why it has no value instead of calling the function unknown."""
    example = Path(__file__).resolve().parents[2] / "examples/make-app"
    result = previewed(example, "modules/create-contact/create-contact.communication.iml.json")
    messages = [message for _, _, _, message in result.errors]
    assert any("`slugify` is one of your app's own functions (functions/slugify)" in m for m in messages), messages
    assert not any("IML has no function" in message for message in messages)


def test_a_secret_the_file_spells_otherwise_is_masked_in_every_spelling(tmp_path: Path) -> None:
    """A key pasted into the file URL-encoded, in base64, reversed or JSON-escaped is masked like the key."""
    secret = "open/sesame:Zö 42"
    folder = tmp_path / "connections" / "c"
    folder.mkdir(parents=True)
    (folder / "c.params.iml.json").write_text('[{"name": "apiKey", "type": "text"}]', encoding="utf-8")
    (folder / "c.samples.json").write_text(json.dumps({"parameters": {"apiKey": secret}}), encoding="utf-8")
    spellings = {
        "url": urllib.parse.quote(secret, safe="/:"),  # as encodeURI leaves it
        "base64": base64.b64encode(secret.encode()).decode(),  # percent-encoded again in the query
        "reversed": secret[::-1],
        "json": json.dumps(secret).replace("/", "\\/")[1:-1],  # ASCII-escaped, as PHP's json_encode writes it
    }
    path = folder / "c.communication.iml.json"
    request = {
        "url": "https://x.example/items/" + spellings["url"],
        "qs": {"sig": spellings["base64"]},
        "headers": {"x-reversed": spellings["reversed"], "x-payload": '{"key": "' + spellings["json"] + '"}'},
    }
    path.write_text(json.dumps(request), encoding="utf-8")
    workspace = Workspace()
    analysis = workspace.analysis(str(path))
    assert analysis is not None
    masked = only(request_preview(workspace, analysis, now=NOW))
    assert masked.url == f"https://x.example/items/{MASK}?sig={MASK}"
    assert masked.headers == (("x-reversed", MASK), ("x-payload", f'{{"key": "{MASK}"}}'))
    revealed = only(request_preview(workspace, analysis, now=NOW, reveal_secrets=True))
    assert revealed.url == "https://x.example/items/open/sesame:Z%C3%B6%2042?sig=" + urllib.parse.quote(
        spellings["base64"], safe=""
    )
