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


EMACS_REPORT = """
(require 'json)
(let* ((mode (assoc-default "/app/connections/jwt-auth/%s" auto-mode-alist #'string-match))
       (program (cdr (assoc mode eglot-server-programs))))
  (princ (json-encode
          (list :mode (symbol-name mode)
                :command (vconcat (seq-take-while #'stringp program))
                :initializationOptions (plist-get (seq-drop-while #'stringp program) :initializationOptions)
                :workspaceConfiguration (default-value 'eglot-workspace-configuration)
                :startsEglot (and (memq #'eglot-ensure (symbol-value (intern (format "%%s-hook" mode)))) t)))))
"""


@pytest.mark.skipif(
    shutil.which("emacs") is None, reason="Emacs is not installed (apt-get install emacs-nox elpa-eglot)"
)
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
(find-file "%s")
(apply #'eglot (eglot--guess-contact))
(let ((deadline (+ (float-time) 60)))
  (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
    (accept-process-output nil 0.2)))
(princ (json-encode (vconcat (mapcar (lambda (d)
                                       (list :line (line-number-at-pos (flymake-diagnostic-beg d))
                                             :text (flymake-diagnostic-text d)))
                                     (flymake-diagnostics)))))
(eglot-shutdown (eglot-current-server))
"""

CONNECTION = """{
    "url": "https://api.example.com/v1/me",
    "temp": {"claims": {"iss": "{{parameters.clientId}}", "exp": "{{timestamp + 3600}}"}},
    "headers": {
        "authorization": "Bearer {{jwt(temp.claims, parameters.clientSecret, 'HS1')}}"
    }
}
"""

PARAMS = """[
    {"name": "clientId", "type": "text", "required": true},
    {"name": "clientSecret", "type": "password", "required": true}
]
"""


@pytest.mark.skipif(
    shutil.which("emacs") is None, reason="Emacs is not installed (apt-get install emacs-nox elpa-eglot)"
)
def test_emacs_eglot_shows_the_servers_diagnostic(tmp_path: Path) -> None:
    """The documented set-up, in a real Emacs, starts iml-ls and shows its IML301 through Flymake."""
    (tmp_path / "demo.communication.iml.json").write_text(CONNECTION, encoding="utf-8")
    (tmp_path / "demo.params.iml.json").write_text(PARAMS, encoding="utf-8")
    init = tmp_path / "iml-ls.el"
    init.write_text(snippet("Emacs (eglot)", "elisp"), encoding="utf-8")
    session = tmp_path / "session.el"
    session.write_text(EMACS_SESSION % (tmp_path / "demo.communication.iml.json"), encoding="utf-8")
    # the snippet runs `iml-ls` from the PATH: the one installed beside this test's Python
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    result = subprocess.run(
        ["emacs", "--batch", "--no-init-file", "--load", str(init), "--load", str(session)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "PATH": path},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    [diagnostic] = json.loads(result.stdout)
    assert diagnostic["line"] == 5
    assert "IML301" in diagnostic["text"]
    assert "HS1" in diagnostic["text"]
