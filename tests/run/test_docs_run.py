"""docs/features/run.md shows a real session: each command of it, run again on a copy of the example
app against the local Acme stand-in, prints what the page shows (the port and the times the network
took aside)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.run.acme import copy_app, serve_acme
from tests.run.fake_api import FakeApi

PAGE = (Path(__file__).parent.parent.parent / "docs" / "features" / "run.md").read_text(encoding="utf-8")
DOCUMENTED_HOST = "127.0.0.1:8765"
_ELAPSED = re.compile(r"\(\d+(\.\d+)? ms\)")


def _normal(text: str, host: str) -> str:
    return _ELAPSED.sub("(… ms)", text.replace(host, DOCUMENTED_HOST))


def test_the_session_on_the_page_is_what_iml_ls_prints(tmp_path: Path, api: FakeApi) -> None:
    serve_acme(api)
    copy_app(tmp_path, api.url)
    blocks = re.findall(r"```console\n(.*?)```", PAGE, re.S)
    assert len(blocks) == 5
    for block in blocks:
        command, expected = block.split("\n", 1)
        words = shlex.split(command.removeprefix("$ "))
        assert words[:2] == ["iml-ls", "run"]
        done = subprocess.run(
            [sys.executable, "-m", "iml_ls", *words[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        assert _normal(done.stdout + done.stderr, f"127.0.0.1:{api.port}") == _normal(expected, DOCUMENTED_HOST)
    assert [r.path for r in api.received] == [
        "/oauth2/token",
        "/v2/me",
        "/v2/contacts",
        "/v2/contacts",
        "/v2/contacts",
        "/v2/contacts",
    ]
    assert (tmp_path / "make-app/.iml-ls/.gitignore").read_text() == "*\n"
