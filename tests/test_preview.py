"""``iml-ls preview``: the JSON shape, placeholders, the sample-file warning, and parity of its token with node."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from iml_ls.analysis import Workspace
from iml_ls.checks import diagnostics

ROOT = Path(__file__).parent.parent
CONNECTION = ROOT / "examples/make-app/connections/jwt-auth/jwt-auth.communication.iml.json"
SAMPLES = CONNECTION.with_name("jwt-auth.samples.json")


def preview(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iml_ls", "preview", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_the_example_token_is_the_one_node_jsonwebtoken_signs() -> None:
    result = preview(str(CONNECTION), "--samples", str(SAMPLES), "--now", "1700000000", "--format", "json")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    [token] = output["tokens"]
    assert output["placeholders"] == []
    assert token["header"] == {"alg": "HS512", "typ": "JWT", "kid": "acme-client-42"}
    assert token["payload"]["iat"] == 1700000000 and token["payload"]["exp"] == 1700003600
    assert token["times"]["exp"] == "2023-11-14 23:13:20 UTC (in 1 h)"
    # the connection's log.sanitize covers the header, so the preview masks it as Make's logs would
    assert output["requests"][0]["headers"]["authorization"] == "••••"
    node = shutil.which("node")
    assert node is not None
    script = (
        "const jwt=require('jsonwebtoken');Date.now=()=>1700000000000;"
        "const [p,s,o]=JSON.parse(process.argv[1]);process.stdout.write(jwt.sign(p,s,o));"
    )
    secret = json.loads(SAMPLES.read_text(encoding="utf-8"))["parameters"]["clientSecret"]
    arguments = json.dumps([token["payload"], secret, {"algorithm": "HS512", "header": {"kid": "acme-client-42"}}])
    signed = subprocess.run(
        [node, "-e", script, arguments], capture_output=True, text=True, cwd=ROOT / "tests" / "parity", timeout=60
    )
    assert signed.returncode == 0, signed.stderr
    assert signed.stdout == token["token"]


def test_the_example_apps_samples_are_found_without_naming_them() -> None:
    """`make demo` and an editor's first preview (no --samples, no setting) sign the same token."""
    named = preview(str(CONNECTION), "--samples", str(SAMPLES), "--now", "1700000000", "--format", "json")
    found = preview(str(CONNECTION), "--now", "1700000000", "--format", "json")
    assert json.loads(found.stdout)["placeholders"] == []
    assert json.loads(found.stdout)["tokens"] == json.loads(named.stdout)["tokens"]


def test_without_samples_placeholders_are_listed_and_the_text_form_says_so(tmp_path: Path) -> None:
    connection = tmp_path / CONNECTION.name
    shutil.copy(CONNECTION, connection)
    shutil.copy(CONNECTION.with_name("jwt-auth.params.iml.json"), tmp_path)
    result = preview(str(connection), "--now", "1700000000")
    assert result.returncode == 0
    assert "Placeholders used (not real values): parameters.clientId, parameters.clientSecret" in result.stdout
    assert "exp: 2023-11-14 23:13:20 UTC (in 1 h)" in result.stdout


def test_a_failing_jwt_exits_1_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "c.communication.iml.json"
    path.write_text(
        '{"headers": {"a": "{{jwt(temp.x, \'k\', \'HS256\')}}"}, "temp": {"x": {"exp": "soon"}}}', encoding="utf-8"
    )
    result = preview(str(path), "--format", "json")
    assert result.returncode == 1
    [token] = json.loads(result.stdout)["tokens"]
    assert token["token"] is None and token["error"] == '"exp" should be a number of seconds'


def test_a_key_named_like_an_object_method_fails_with_the_key_named(tmp_path: Path) -> None:
    """jsonwebtoken's own message (`validator.isValid is not a function`) names no key: the preview does."""
    path = tmp_path / "c.communication.iml.json"
    path.write_text(
        '{"headers": {"a": "{{jwt(temp.x, \'k\', \'HS256\')}}"}, "temp": {"x": {"exp": 1e+10, "valueOf": 1}}}',
        encoding="utf-8",
    )
    result = preview(str(path), "--format", "json")
    assert result.returncode == 1
    [token] = json.loads(result.stdout)["tokens"]
    assert token["token"] is None and token["error"].startswith("validator.isValid is not a function (")
    assert "payload key `valueOf`" in token["error"]
    text = preview(str(path))
    assert "Make would fail: validator.isValid is not a function (" in text.stdout


def test_a_samples_file_with_secrets_tracked_by_git_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "connections" / "c"
    folder.mkdir(parents=True)
    (folder / "c.params.iml.json").write_text('[{"name": "secret", "type": "password"}]', encoding="utf-8")
    (folder / "c.communication.iml.json").write_text(
        '{"url": "https://api.example.com/{{parameters.secret}}"}\n', encoding="utf-8"
    )
    (folder / "c.samples.json").write_text('{"parameters": {"secret": "hunter2"}}', encoding="utf-8")
    path = str(folder / "c.communication.iml.json")
    analysis = Workspace().analysis(path)
    assert analysis is not None and [d.rule.code for d in diagnostics(analysis)] == []
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    analysis = Workspace().analysis(path)
    assert analysis is not None
    [tracked] = diagnostics(analysis)
    assert tracked.rule.code == "IML503" and "git rm --cached c.samples.json" in tracked.message


def test_a_tracked_samples_file_that_declares_demo_values_is_not_reported(tmp_path: Path) -> None:
    """The example apps track their made-up samples beside the connection, where the lookup finds them."""
    folder = tmp_path / "connections" / "c"
    folder.mkdir(parents=True)
    (folder / "c.params.iml.json").write_text('[{"name": "secret", "type": "password"}]', encoding="utf-8")
    (folder / "c.communication.iml.json").write_text(
        '{"url": "https://api.example.com/{{parameters.secret}}"}\n', encoding="utf-8"
    )
    (folder / "c.samples.json").write_text('{"demo": true, "parameters": {"secret": "demo"}}', encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    analysis = Workspace().analysis(str(folder / "c.communication.iml.json"))
    assert analysis is not None and [d.rule.code for d in diagnostics(analysis)] == []


def test_a_connection_without_a_params_file_is_told_why_its_parameters_are_placeholders(tmp_path: Path) -> None:
    connection = tmp_path / CONNECTION.name
    shutil.copy(CONNECTION, connection)
    result = preview(str(connection), "--now", "1700000000", "--format", "json")
    notes = json.loads(result.stdout)["notes"]
    assert any("no params file (jwt-auth.params.iml.json beside it)" in note for note in notes), notes
    text = preview(str(connection), "--now", "1700000000").stdout
    assert "no params file" in text
    shutil.copy(CONNECTION.with_name("jwt-auth.params.iml.json"), tmp_path)
    notes = json.loads(preview(str(connection), "--now", "1700000000", "--format", "json").stdout)["notes"]
    assert not any("params file" in note for note in notes), notes
    assert any("create jwt-auth.samples.json beside the connection" in note for note in notes), notes


def test_the_preview_of_one_call_carries_the_request_that_holds_it() -> None:
    """Editors offer that request as curl beside the token."""
    from iml_ls.features.preview import preview as preview_of

    analysis = Workspace().analysis(str(CONNECTION))
    assert analysis is not None
    result = preview_of(analysis, now=1700000000, at=analysis.text.index("jwt(temp.jwt") + 1)
    [token] = result.tokens
    [request] = result.requests
    assert token.token is not None  # the header holding it is masked: the connection's log.sanitize names it
    assert isinstance(request["headers"], dict) and request["headers"]["authorization"] == "••••"
    assert (
        preview_of(analysis, now=1700000000, at=analysis.text.index("jwt(temp.jwt") + 1, with_requests=False).requests
        == []
    )
