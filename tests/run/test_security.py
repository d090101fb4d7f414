"""What a run must never do: send before the user confirmed the host (confirmations never come from
the app), show a secret, store outside ``.iml-ls/`` or without its ``.gitignore``, skip TLS
verification, or follow a redirect to a host nobody confirmed."""

from __future__ import annotations

import base64
import datetime as dt
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from iml_ls.run.session import Confirm, RunResult, render_run_text
from tests.app_files import write_files
from tests.run.apps import (
    ACCESS_TOKEN,
    CLIENT_SECRET,
    CODE,
    PASSWORD,
    REFRESH_TOKEN,
    SECRET_API_KEY,
    store_tokens,
    write_app,
)
from tests.run.fake_api import Answer, FakeApi, serving
from tests.run.helpers import host, result_of, run

SECRETS = (SECRET_API_KEY, PASSWORD, CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN, CODE)
MODULE = "modules/create-contact/create-contact.communication.iml.json"


def test_confirmations_are_never_read_from_the_app(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    hosts = [host(api)]
    store = json.loads((app / ".iml-ls/connection-data.json").read_text())
    write_files(
        app,
        {
            ".iml-ls/connection-data.json": store | {"confirmedHosts": hosts},
            ".iml-ls/confirmed-hosts.json": hosts,
            "iml-ls.json": {"confirmedHosts": hosts, "yes": True},
        },
    )
    answer = run(app, MODULE)
    assert isinstance(answer, Confirm)
    assert answer.host == host(api)
    assert answer.secrets == ("connection.accessToken",)
    assert api.received == []


def test_no_secret_is_shown_in_any_answer(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    echo = lambda request: Answer.of_json(  # noqa: E731 - every endpoint echoes what it received
        {
            "status": "ok",
            "access_token": ACCESS_TOKEN,
            "refresh_token": REFRESH_TOKEN,
            "expires_in": 3600,
            "echo": {"headers": request.headers, "body": request.body.decode(), "query": request.query},
            "contact": {"token": ACCESS_TOKEN},
        },
        headers=(("set-cookie", f"session={ACCESS_TOKEN}"),),
    )
    for method, path in (
        ("GET", "/v2/ping"),
        ("GET", "/v2/whoami"),
        ("POST", "/oauth/token"),
        ("GET", "/v2/me"),
        ("POST", "/v2/contacts"),
    ):
        api.answer(method, path, echo)
    files = [
        "connections/api-key/api-key.communication.iml.json",
        "connections/basic-auth/basic-auth.communication.iml.json",
        "connections/oauth2/oauth2.oauth-communication.iml.json",
        MODULE,
    ]
    for file in files:
        answer = run(app, file, api, code=CODE)
        assert isinstance(answer, RunResult)
        shown = answer.as_json()
        text = json.dumps(shown, ensure_ascii=False) + render_run_text(shown)
        for secret in SECRETS:
            assert secret not in text, (file, secret)
        assert "••••" in text
    assert len(api.received) == 5  # each file was really sent (the OAuth file twice: token, then info)
    assert (
        json.loads((app / ".iml-ls/connection-data.json").read_text())["connections"]["oauth2"]["data"]["accessToken"]
        == ACCESS_TOKEN
    )


def test_a_response_that_echoes_a_secret_encoded_shows_it_masked(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    data = ACCESS_TOKEN.encode()
    spellings = {
        "base64": base64.b64encode(data).decode(),
        "urlSafe": base64.urlsafe_b64encode(data).decode().rstrip("="),
        "hex": data.hex(),
        "reversed": ACCESS_TOKEN[::-1],
        "upper": ACCESS_TOKEN.upper(),
        "piece": ACCESS_TOKEN[2:11],  # a substring() of it
    }
    ordinary = "Ada Lovelace, acme-client, 2026-12-01T10:00:00Z, contact 42"  # shares no run of the secrets
    contact = spellings | {"note": ordinary}
    api.answer("POST", "/v2/contacts", Answer.of_json({"contact": contact}))
    answer = run(app, MODULE, api)
    assert isinstance(answer, RunResult)
    assert api.received[0].headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    shown = answer.as_json()
    assert shown["result"]["outputs"] == [dict.fromkeys(spellings, "••••") | {"note": ordinary}]
    text = json.dumps(shown, ensure_ascii=False) + render_run_text(shown)
    assert [name for name, spelling in spellings.items() if spelling.lower() in text.lower()] == []
    assert ordinary in shown["result"]["exchanges"][0]["response"]["body"]


def test_the_store_is_git_ignored_whatever_the_repository_shipped(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    write_files(app, {".iml-ls/.gitignore": "!connection-data.json\n"})
    api.answer("GET", "/v2/ping", Answer.of_json({"status": "ok", "account": "acme"}))
    result_of(app, "connections/api-key/api-key.communication.iml.json", api)
    assert (app / ".iml-ls/.gitignore").read_text() == "*\n"
    assert (app / ".iml-ls/connection-data.json").stat().st_mode & 0o077 == 0


def test_a_store_folder_that_is_a_symlink_is_not_written(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    outside = tmp_path / "outside"
    outside.mkdir()
    (app / ".iml-ls").symlink_to(outside)
    api.answer("GET", "/v2/ping", Answer.of_json({"status": "ok", "account": "acme"}))
    result = result_of(app, "connections/api-key/api-key.communication.iml.json", api)
    assert list(outside.iterdir()) == []
    assert result["notes"] == ["Not stored: .iml-ls in the app is not a plain folder."]


def _certificate(folder: Path) -> tuple[Path, Path, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_text(pem)
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file, pem


@pytest.fixture
def tls_api(tmp_path: Path) -> Iterator[tuple[FakeApi, str]]:
    """The fake API over HTTPS with a self-signed certificate (and that certificate's PEM)."""
    cert_file, key_file, pem = _certificate(tmp_path)
    api = FakeApi()
    server = serving(api)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    api.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield api, pem
    server.shutdown()
    server.server_close()


def _https_connection(app: Path, api: FakeApi, ca: str | None) -> None:
    request: dict[str, object] = {"url": f"https://127.0.0.1:{api.port}/v2/ping", "response": {"output": "{{body}}"}}
    if ca is not None:
        request["ca"] = ca
    write_files(app, {"connections/api-key/api-key.communication.iml.json": request})


def test_tls_certificates_are_verified(tmp_path: Path, tls_api: tuple[FakeApi, str]) -> None:
    api, pem = tls_api
    app = write_app(tmp_path / "app", "https://unused.example")
    _https_connection(app, api, None)
    api.answer("GET", "/v2/ping", Answer.of_json({"status": "ok"}))
    result = result_of(app, "connections/api-key/api-key.communication.iml.json", api)
    assert result["failure"]["errorType"] == "ConnectionError"
    assert result["failure"]["message"].startswith("TLS failed: CERTIFICATE_VERIFY_FAILED")
    assert api.received == []
    _https_connection(app, api, pem)  # the request's `ca` trusts the self-signed authority; still verified
    result = result_of(app, "connections/api-key/api-key.communication.iml.json", api)
    assert result["failure"] is None
    assert len(api.received) == 1


def _module(app: Path, request: dict[str, object]) -> None:
    write_files(app, {MODULE: {"response": {"output": "{{body}}"}} | request})


def test_a_get_follows_redirects_on_the_same_host(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    _module(app, {"url": "/old"})
    api.answer("GET", "/v2/old", Answer(302, headers=(("location", "/v2/new"),)))
    api.answer("GET", "/v2/new", Answer.of_json({"moved": True}))
    result = result_of(app, MODULE, api)
    assert [r.path for r in api.received] == ["/v2/old", "/v2/new"]
    assert api.received[1].headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert result["outputs"] == [{"moved": True}]


def test_a_redirect_to_an_unconfirmed_host_is_not_followed(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    _module(app, {"url": "/old"})
    elsewhere = f"http://localhost:{api.port}/v2/new"
    api.answer("GET", "/v2/old", Answer(302, headers=(("location", elsewhere),)))
    api.answer("GET", "/v2/new", Answer.of_json({"moved": True}))
    result = result_of(app, MODULE, api)
    assert [r.path for r in api.received] == ["/v2/old"]
    assert result["exchanges"][0]["response"]["status"] == 302
    assert result["notes"] == [f"request: the redirect to localhost:{api.port} was not followed."]
    both = frozenset({host(api), f"localhost:{api.port}"})
    answer = run(app, MODULE, None, confirmed_hosts=both)
    assert isinstance(answer, RunResult) and answer.outputs == [{"moved": True}]
    assert "authorization" not in api.received[-1].headers  # dropped when the host changes, as Make does


def test_other_methods_follow_only_with_follow_all_redirects(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    api.answer("POST", "/v2/old", Answer(303, headers=(("location", "/v2/new"),)))
    api.answer("POST", "/v2/keep", Answer(307, headers=(("location", "/v2/new"),)))
    api.answer("GET", "/v2/new", Answer.of_json({"method": "GET"}))
    api.answer("POST", "/v2/new", lambda request: Answer.of_json({"method": "POST", "body": request.json()}))
    _module(app, {"url": "/old", "method": "POST", "body": {"a": 1}})
    assert result_of(app, MODULE, api)["exchanges"][0]["response"]["status"] == 303
    _module(app, {"url": "/old", "method": "POST", "body": {"a": 1}, "followAllRedirects": True})
    assert result_of(app, MODULE, api)["outputs"] == [{"method": "GET"}]  # a 303 becomes a GET without the body
    _module(app, {"url": "/keep", "method": "POST", "body": {"a": 1}, "followAllRedirects": True})
    assert result_of(app, MODULE, api)["outputs"] == [{"method": "POST", "body": {"a": 1}}]  # a 307 keeps both


def test_a_request_times_out_after_its_timeout(tmp_path: Path, api: FakeApi) -> None:
    app = write_app(tmp_path / "app", api.url)
    store_tokens(app)
    release = threading.Event()
    api.answer("GET", "/v2/slow", lambda request: (release.wait(30), Answer.of_json({}))[1])
    _module(app, {"url": "/slow", "timeout": 100})
    try:
        result = result_of(app, MODULE, api)
    finally:
        release.set()
    assert result["failure"]["errorType"] == "ConnectionError"
    assert result["failure"]["message"] == "No response: TimeoutError: timed out"
