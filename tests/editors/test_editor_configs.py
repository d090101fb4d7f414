"""The editor set-ups in docs/editors.md are valid for their tools and configure ``iml-ls serve``.

Each snippet is taken from the page itself, so a broken edit of the docs fails here.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from iml_ls.lsp.server import settings_from

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "editors.md"
CONNECTION_FILE = "jwt-auth.communication.iml.json"


def snippet(section: str, language: str) -> str:
    """The first fenced ``language`` block under the ``## section`` heading."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"docs/editors.md has no '## {section}' section"
    block = re.search(rf"^```{language}\n(.*?)^```$", match.group(1), re.MULTILINE | re.DOTALL)
    assert block, f"the {section} section has no {language} block"
    return block.group(1)


def assert_settings_understood(raw: dict[str, Any]) -> None:
    """Only settings the server knows, and it reads each one as written."""
    assert set(raw) <= {"requiredClaims", "samplesFile", "disabledDiagnostics"}
    settings = settings_from(raw)
    assert list(settings.required_claims) == raw.get("requiredClaims", ["exp"])
    assert settings.disabled_diagnostics == frozenset(raw.get("disabledDiagnostics", []))


def test_vscode_settings_are_the_extensions_settings() -> None:
    settings = json.loads(snippet("VS Code", "json"))
    manifest = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    declared = manifest["contributes"]["configuration"]["properties"]
    assert set(settings) <= set(declared)
    assert settings["imlLs.server.command"][-1] == "serve"
    assert_settings_understood(
        {
            key.removeprefix("imlLs."): value
            for key, value in settings.items()
            if key in ("imlLs.requiredClaims", "imlLs.samplesFile", "imlLs.disabledDiagnostics")
        }
    )


def test_helix_languages_toml() -> None:
    tomllib = pytest.importorskip("tomllib", reason="tomllib needs Python 3.11")
    config = tomllib.loads(snippet("Helix", "toml"))
    server = config["language-server"]["iml-ls"]
    assert [server["command"], *server["args"]] == ["iml-ls", "serve"]
    assert_settings_understood(server["config"])
    [language] = config["language"]
    assert "iml-ls" in language["language-servers"]
    assert language["grammar"] == "json"
    globs = [entry["glob"] for entry in language["file-types"]]
    assert any(fnmatch.fnmatch(CONNECTION_FILE, glob) for glob in globs)
    assert not any(fnmatch.fnmatch("package.json", glob) for glob in globs)


def test_zed_settings_json() -> None:
    settings = json.loads(snippet("Zed", "json"))
    server = settings["lsp"]["iml-ls"]
    assert server["binary"]["arguments"] == ["serve"]
    assert_settings_understood(server["initialization_options"])
    assert_settings_understood(server["settings"]["imlLs"])
    [(language, patterns)] = settings["file_types"].items()
    assert any(fnmatch.fnmatch(CONNECTION_FILE, pattern) for pattern in patterns)
    assert settings["languages"][language]["language_servers"][0] == "iml-ls"


@pytest.fixture
def emacs() -> None:
    """`make test` installs Emacs and eglot (.ci/system-packages); without them these tests fail, never skip."""
    assert shutil.which("emacs"), "Emacs is missing: run `make system-deps` (apt-get install emacs-nox elpa-eglot)"


EMACS_REPORT = """
(require 'json)
(let* ((mode (assoc-default "/app/connections/jwt-auth/%s" auto-mode-alist #'string-match))
       (program (cdr (assoc mode eglot-server-programs))))
  (princ (json-encode
          (list :mode (symbol-name mode)
                :command (vconcat (seq-take-while #'stringp program))
                :initializationOptions (plist-get (seq-drop-while #'stringp program) :initializationOptions)
                :workspaceConfiguration (default-value 'eglot-workspace-configuration)
                :startsEglot (and (memq #'iml-ls-start (symbol-value (intern (format "%%s-hook" mode)))) t)))))
"""


@pytest.mark.usefixtures("emacs")
def test_emacs_eglot_snippet_loads_and_maps_connection_files(tmp_path: Path) -> None:
    init = tmp_path / "iml-ls.el"
    init.write_text(snippet("Emacs (eglot)", "elisp"), encoding="utf-8")
    report = tmp_path / "report.el"
    report.write_text(EMACS_REPORT % CONNECTION_FILE, encoding="utf-8")
    result = subprocess.run(
        # no --quick: Debian's site-start puts elpa-eglot on the load path (Emacs 29 has eglot built in)
        ["emacs", "--batch", "--no-init-file", "--load", str(init), "--load", str(report)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["mode"] == "iml-json-mode"
    assert seen["command"] == ["iml-ls", "serve"]
    assert seen["startsEglot"] is True
    assert_settings_understood(seen["initializationOptions"])
    assert_settings_understood(seen["workspaceConfiguration"]["imlLs"])


EMACS_SESSION = """
(require 'json)
(require 'flymake)
(find-file "%(first)s")
(apply #'eglot (eglot--guess-contact))
(let ((deadline (+ (float-time) 60)))
  (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
    (accept-process-output nil 0.2)))
(let* ((server (eglot-current-server))
       (diagnostics (mapcar (lambda (d)
                              (list :line (line-number-at-pos (flymake-diagnostic-beg d))
                                    :text (flymake-diagnostic-text d)))
                            (flymake-diagnostics)))
       (root (project-root (eglot--project server)))
       (second (with-current-buffer (find-file-noselect "%(second)s") (eglot-current-server))))
  (goto-char (point-min))
  (search-forward "jwt(temp.claims")
  (iml-ls-preview-token)
  (princ (json-encode
          (list :diagnostics (vconcat diagnostics)
                :root root
                :sameServer (eq server second)
                :preview (with-current-buffer "*iml-ls preview*" (buffer-string)))))
  (eglot-shutdown server))
"""

CONNECTION = """{
    "url": "https://api.example.com/v1/me",
    "temp": {"claims": {"iss": "{{parameters.clientId}}", "exp": "{{timestamp + 3600}}"}},
    "headers": {
        "authorization": "Bearer {{jwt(temp.claims, parameters.clientSecret, 'HS1')}}"
    },
    "log": {"sanitize": ["request.headers.authorization"]}
}
"""

PARAMS = """[
    {"name": "clientId", "type": "text", "required": true},
    {"name": "clientSecret", "type": "password", "required": true}
]
"""


def emacs_app(tmp_path: Path) -> tuple[Path, Path]:
    """An app (makecomapp.json) with two connections, and the documented init file beside it."""
    app = tmp_path / "my-app"
    (app / "makecomapp.json").parent.mkdir(parents=True)
    (app / "makecomapp.json").write_text("{}", encoding="utf-8")
    files = []
    for name in ("demo", "other"):
        folder = app / "connections" / name
        folder.mkdir(parents=True)
        (folder / f"{name}.communication.iml.json").write_text(CONNECTION, encoding="utf-8")
        (folder / f"{name}.params.iml.json").write_text(PARAMS, encoding="utf-8")
        files.append(folder / f"{name}.communication.iml.json")
    (tmp_path / "iml-ls.el").write_text(snippet("Emacs (eglot)", "elisp"), encoding="utf-8")
    return files[0], files[1]


def run_emacs(tmp_path: Path, session: str, path: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "session.el").write_text(session, encoding="utf-8")
    return subprocess.run(
        [
            "emacs",
            "--batch",
            "--no-init-file",
            "--load",
            str(tmp_path / "iml-ls.el"),
            "--load",
            str(tmp_path / "session.el"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "PATH": path},
        cwd=tmp_path,
    )


@pytest.mark.usefixtures("emacs")
def test_emacs_eglot_shows_the_servers_diagnostic_and_previews_the_token(tmp_path: Path) -> None:
    """The documented set-up, in a real Emacs: IML301 through Flymake, one server for the app, the preview."""
    first, second = emacs_app(tmp_path)
    # the snippet runs `iml-ls` from the PATH: the one installed beside this test's Python
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    result = run_emacs(tmp_path, EMACS_SESSION % {"first": first, "second": second}, path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    [diagnostic] = seen["diagnostics"]
    assert diagnostic["line"] == 5
    assert "IML301" in diagnostic["text"]
    assert "HS1" in diagnostic["text"]
    assert Path(seen["root"]) == first.parents[2]  # the app, not the connection's folder
    assert seen["sameServer"] is True
    assert "jwt() #1 at line 5" in seen["preview"] and "Make would fail" in seen["preview"]


EMACS_WITHOUT_SERVER = """
(find-file "%s")
(princ (if (eglot-current-server) "server" "no server"))
"""


@pytest.mark.usefixtures("emacs")
def test_emacs_without_iml_ls_says_how_to_install_it(tmp_path: Path) -> None:
    first, _ = emacs_app(tmp_path)
    path = os.pathsep.join(
        folder for folder in os.environ.get("PATH", "").split(os.pathsep) if not (Path(folder) / "iml-ls").exists()
    )
    result = run_emacs(tmp_path, EMACS_WITHOUT_SERVER % first, path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "no server"
    assert "iml-ls is not installed: pipx install" in result.stderr
    assert "Debugger entered" not in result.stderr
