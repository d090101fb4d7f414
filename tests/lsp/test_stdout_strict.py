"""stdout carries LSP frames only: checked with vscode-jsonrpc, which fails on any stray byte."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

STRICT_CLIENT = Path(__file__).parent / "strict-client"
TEXT = """{
    "temp": {"jwt": {"iss": "é", "exp": "{{timestamp + 60}}"}},
    "headers": {"authorization": "Bearer {{jwt(temp.jwt, 'secret', 'HS1')}}"}
}
"""


def test_stdout_is_pure_lsp_for_vscode_jsonrpc(tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node is not None, "node is required (make test installs it)"
    assert (STRICT_CLIENT / "node_modules" / "vscode-jsonrpc").is_dir(), (
        f"run `npm ci --prefix {STRICT_CLIENT}` (make test does)"
    )
    path = tmp_path / "c.communication.iml.json"
    path.write_text(TEXT, encoding="utf-8")
    result = subprocess.run(
        [
            node,
            str(STRICT_CLIENT / "strict_client.js"),
            path.as_uri(),
            str(path),
            sys.executable,
            "-m",
            "iml_ls",
            "serve",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["failed"] is None
    assert summary["hover"] is True
    assert summary["completionItems"] > 0
    assert summary["tokens"] == 1
    assert summary["diagnosticsPublished"] >= 1
    assert summary["badRequestError"] is not None
