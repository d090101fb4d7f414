"""``iml-ls check`` and ``iml-ls --version``: output formats, exit statuses, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iml_ls import __version__

from .app_files import write_files

PARAMS = '[{"name": "clientSecret", "type": "password"}]\n'
# A line with non-ASCII text before the expression, and an escaped quote inside it.
COMMUNICATION = """{
    "temp": {"x": {"exp": "{{timestamp + 60}}"}},
    "qs": {"q": "café ☕ {{if(true, \\"x\\", 'y')}} {{jwt(temp.x, parameters.clientSecret, 'HS1')}}"},
    "method": "FETCH"
}
"""


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "iml_ls", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    folder = tmp_path / "app" / "connections" / "demo"
    folder.mkdir(parents=True)
    (folder / "demo.params.iml.json").write_text(PARAMS, encoding="utf-8")
    (folder / "demo.communication.iml.json").write_text(COMMUNICATION, encoding="utf-8")
    return tmp_path / "app"


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"iml-ls {__version__}"


def test_json_output_has_lsp_ranges_in_utf16(app: Path) -> None:
    result = run("check", str(app), "--format", "json")
    assert result.returncode == 1, result.stderr
    output = json.loads(result.stdout)
    assert [file["role"] for file in output["files"]] == ["communication", "params"]
    assert output["files"][0]["component"] == {"kind": "connection", "type": "basic", "name": "demo"}
    items = output["diagnostics"]
    algorithm = next(item for item in items if item["code"] == "IML301")
    line = COMMUNICATION.splitlines()[2]
    start = len(line[: line.index("'HS1'")].encode("utf-16-le")) // 2
    assert algorithm["range"] == {"start": {"line": 2, "character": start}, "end": {"line": 2, "character": start + 5}}
    assert algorithm["severity"] == "error" and algorithm["name"] == "invalid-jwt-algorithm"
    assert algorithm["path"].endswith("demo.communication.iml.json")
    method = next(item for item in items if item["code"] == "IML402")
    assert method["range"]["start"] == {"line": 3, "character": 14}


def test_text_output_is_one_line_per_problem_with_1_based_columns(app: Path) -> None:
    result = run("check", str(app))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    method = next(line for line in lines if "IML402" in line)
    assert ":4:15: error invalid-enum-value[IML402] " in method


def test_exit_zero_without_errors(tmp_path: Path) -> None:
    path = tmp_path / "ok.communication.iml.json"
    path.write_text('{"url": "/v1/{{timestamp}}"}\n', encoding="utf-8")
    assert run("check", str(path)).returncode == 0


def test_bad_usage_and_missing_paths_exit_2_without_a_traceback(tmp_path: Path) -> None:
    missing = run("check", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr and "Traceback" not in missing.stderr
    assert run("check").returncode == 2
    assert run("frobnicate").returncode == 2


@pytest.mark.parametrize(
    "content",
    [b"", b"\xff\xfe\x00garbage\x80", b"[" * 10_000, b'{"url": "' + b"x" * 1_000_000 + b'"}', bytes(range(256))],
)
def test_any_input_gets_diagnostics_never_an_exception(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "weird.communication.iml.json"
    path.write_bytes(content)
    result = run("check", str(path), "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert isinstance(json.loads(result.stdout)["diagnostics"], list)


MODULE_APP = {
    "makecomapp.json": json.dumps(
        {
            "fileVersion": 1,
            "generalCodeFiles": {"base": "general/base.iml.json"},
            "components": {
                "connection": {
                    "acme": {
                        "connectionType": "basic",
                        "codeFiles": {
                            "communication": "connections/acme/api.json",
                            "params": "connections/acme/params.json",
                        },
                    }
                },
                "module": {
                    "listContacts": {
                        "moduleType": "search",
                        "connection": "acme",
                        "codeFiles": {
                            "communication": "modules/list-contacts/communication.json",
                            "mappableParams": "modules/list-contacts/parameters.json",
                        },
                    }
                },
            },
        }
    ),
    "general/base.iml.json": '{"baseUrl": "https://api.acme.example/v1", "headers": {"x-api-key": "{{connection.apiKey}}"},'
    ' "log": {"sanitize": ["request.headers.x-api-key"]}}',
    "connections/acme/api.json": '{"url": "https://api.acme.example/v1/me", "headers": {"x-api-key": "{{parameters.apiKey}}"},'
    ' "log": {"sanitize": ["request.headers.x-api-key"]}, "response": {"data": {"region": "{{body.region}}"}}}',
    "connections/acme/params.json": '[{"name": "apiKey", "type": "password", "label": "API key", "required": true}]',
    "modules/list-contacts/communication.json": '{"url": "/contacts", "qs": {"q": "{{parameters.query}}",'
    ' "region": "{{connection.regoin}}"}, "response": {"iterate": "{{body.items}}", "output": "{{item}}",'
    ' "limit": "{{parameters.limit}}"}, "pagination": {"qs": {"page": "{{pagination.page}}"}}}',
    "modules/list-contacts/parameters.json": '[{"name": "query", "type": "text", "label": "Query"},'
    ' {"name": "limit", "type": "uinteger", "label": "Limit"}]',
}


@pytest.fixture
def module_app(tmp_path: Path) -> Path:
    return write_files(tmp_path, MODULE_APP)


def test_a_module_is_checked_as_a_module_with_its_connection_in_view(module_app: Path) -> None:
    result = run("check", str(module_app / "modules"), "--format", "json")
    output = json.loads(result.stdout)
    assert output["files"] == [
        {
            "path": output["files"][0]["path"],
            "component": {"kind": "module", "type": "search", "name": "listContacts"},
            "role": "communication",
        },
        {
            "path": output["files"][1]["path"],
            "component": {"kind": "module", "type": "search", "name": "listContacts"},
            "role": "mappable-params",
        },
    ]
    assert [(item["code"], item["message"].split(".")[0]) for item in output["diagnostics"]] == [
        ("IML204", "The connection `acme` has no parameter `regoin` and saves no `regoin` in `response")
    ]
    assert result.returncode == 0


def test_any_file_inside_an_app_is_checked_with_the_whole_app(module_app: Path) -> None:
    result = run("check", str(module_app / "modules" / "list-contacts" / "communication.json"), "--format", "json")
    assert [item["code"] for item in json.loads(result.stdout)["diagnostics"]] == ["IML204"]


def test_a_folder_without_make_app_files_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    result = run("check", str(tmp_path))
    assert result.returncode == 2 and "no Make app files" in result.stderr


def test_a_folder_of_several_apps_checks_each(module_app: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    parent = tmp_path_factory.mktemp("apps")
    for copy in ("one", "two"):
        write_files(parent / copy, MODULE_APP)
    output = json.loads(run("check", str(parent), "--format", "json").stdout)
    assert len(output["files"]) == 2 * len(MODULE_APP)  # every file of both apps, the manifests included
    assert sorted(item["path"].split("/")[-4] for item in output["diagnostics"]) == ["one", "two"]


LONE_SURROGATES = r"""{
    "url": "https://api.example.com/v1/me",
    "temp": {"jwt": {"iss": "a\udfff", "exp": 1700003600, "\ud800k": 1}, "options": {"\udc00x": 1}},
    "headers": {
        "authorization": "Bearer {{jwt(temp.jwt, parameters.clientSecret, 'HS256')}}",
        "x-other": "{{jwt(temp.jwt, parameters.clientSecret, 'HS256', temp.options)}}"
    }
}
"""


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_lone_surrogates_are_written_as_escapes_never_a_crash(tmp_path: Path, output_format: str) -> None:
    """A JavaScript string may hold a lone surrogate (`"\\udfff"`); UTF-8 cannot, so it is written escaped."""
    folder = tmp_path / "connections" / "demo"
    folder.mkdir(parents=True)
    (folder / "demo.params.iml.json").write_text(PARAMS, encoding="utf-8")
    connection = folder / "demo.communication.iml.json"
    connection.write_text(LONE_SURROGATES, encoding="utf-8")
    samples = tmp_path / "samples.json"
    samples.write_text('{"parameters": {"clientSecret": "s3cret"}}', encoding="utf-8")
    preview = run(
        "preview", str(connection), "--samples", str(samples), "--now", "1700000000", "--format", output_format
    )
    check = run("check", str(tmp_path), "--format", output_format)
    for result in (preview, check):
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    if output_format == "json":
        tokens = json.loads(preview.stdout)["tokens"]
        assert tokens[0]["payload"] == {"iss": "a\udfff", "exp": 1700003600, "\ud800k": 1, "iat": 1700000000}
        assert tokens[1]["error"] == '"\udc00x" is not allowed in "options"'
        assert json.loads(check.stdout)["diagnostics"][0]["message"].startswith('"\udc00x" is not allowed')
    else:
        assert r'"a\udfff"' in preview.stdout and r'"\udc00x" is not allowed' in check.stdout


def test_format_check_names_what_would_change_and_format_changes_only_whitespace(app: Path) -> None:
    communication = app / "connections" / "demo" / "demo.communication.iml.json"
    communication.chmod(0o640)
    before = communication.read_text(encoding="utf-8")
    assert run("format", "--check", str(app)).returncode == 0  # written with 4 spaces, as the default
    checked = run("format", "--check", "--tab-size", "2", str(app))
    assert checked.returncode == 1 and checked.stdout.endswith("demo.communication.iml.json\n")
    assert checked.stdout.startswith("would format ") and communication.read_text(encoding="utf-8") == before
    formatted = run("format", "--tab-size", "2", str(app))
    assert formatted.returncode == 0 and formatted.stdout.startswith("formatted ")
    after = communication.read_text(encoding="utf-8")
    assert "".join(after.split()) == "".join(before.split())  # nothing but whitespace moved
    assert after.startswith('{\n  "temp": {"x": {"exp": "{{timestamp + 60}}"}},\n')
    assert communication.stat().st_mode & 0o777 == 0o640
    assert run("format", "--check", "--tab-size", "2", str(app)).returncode == 0


def test_format_leaves_a_file_with_a_syntax_error_and_a_symlink_alone(app: Path, tmp_path: Path) -> None:
    folder = app / "connections" / "demo"
    broken = '{"url": "/a"   "method": "GET"}\n'
    (folder / "demo.communication.iml.json").write_text(broken, encoding="utf-8")
    outside = tmp_path / "outside.json"
    outside.write_text('{"name":   "x"}', encoding="utf-8")
    (folder / "demo.params.iml.json").unlink()
    (folder / "demo.params.iml.json").symlink_to(outside)
    result = run("format", str(app))
    assert result.returncode == 1 and result.stdout == ""
    assert "demo.communication.iml.json: not formatted" in result.stderr
    assert (folder / "demo.communication.iml.json").read_text(encoding="utf-8") == broken
    assert outside.read_text(encoding="utf-8") == '{"name":   "x"}' and (folder / "demo.params.iml.json").is_symlink()


def test_a_reader_that_stops_early_ends_the_output_without_a_traceback(tmp_path: Path) -> None:
    """``iml-ls check . | head``: more output than a pipe holds, and the reader gone after one line."""
    folder = tmp_path / "app" / "connections" / "demo"
    folder.mkdir(parents=True)
    (folder / "demo.params.iml.json").write_text(PARAMS, encoding="utf-8")
    keys = ", ".join(f'"k{n}": "{{{{lenght(parameters.clientSecret)}}}}"' for n in range(3000))
    (folder / "demo.communication.iml.json").write_text(f'{{"url": "https://a.example", "qs": {{{keys}}}}}\n')
    process = subprocess.Popen(
        [sys.executable, "-m", "iml_ls", "check", str(tmp_path / "app")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    assert "IML101" in process.stdout.readline()
    process.stdout.close()
    assert process.wait(timeout=120) == 141
    assert "Traceback" not in process.stderr.read()


def test_check_fix_writes_the_safe_fixes_and_reports_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "app" / "connections" / "demo"
    folder.mkdir(parents=True)
    (folder / "demo.params.iml.json").write_text(PARAMS.replace("}]", "},]"), encoding="utf-8")  # a trailing comma
    communication = folder / "demo.communication.iml.json"
    communication.write_text(
        '{\n    "url": "https://api.example.com",\n'
        '    "qs": {"a": "{{parameters.clientSecret and true}}", "b": "{{lenght(parameters.clientSecret)}}"}\n}\n',
        encoding="utf-8",
    )
    outside = tmp_path / "elsewhere.json"
    outside.write_text('{"url": "{{true and false}}"}', encoding="utf-8")
    (folder / "linked.communication.iml.json").symlink_to(outside)
    fixed = run("check", "--fix", str(tmp_path / "app"))
    assert "fixed 2 problems" in fixed.stderr
    assert (folder / "demo.params.iml.json").read_text(encoding="utf-8") == PARAMS
    assert '"{{parameters.clientSecret && true}}"' in communication.read_text(encoding="utf-8")
    assert [line.split("[")[1].split("]")[0] for line in fixed.stdout.splitlines()] == ["IML101"]  # no safe fix
    assert fixed.returncode == 1
    assert outside.read_text(encoding="utf-8") == '{"url": "{{true and false}}"}'
    assert "fixed 0 problems" in run("check", "--fix", str(tmp_path / "app")).stderr
