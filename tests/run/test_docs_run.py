"""docs/features/run.md shows a real session: each command of it, run again on a copy of the example
app against the local Acme stand-in, prints what the page shows (the port and the times the network
took aside)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.doc_pages import console_sessions, iml_ls, page
from tests.run.acme import copy_app, serve_acme
from tests.run.fake_api import FakeApi

PAGE = page("features/run.md")
DOCUMENTED_HOST = "127.0.0.1:8765"
_ELAPSED = re.compile(r"\(\d+(\.\d+)? ms\)")


def _normal(text: str, host: str) -> str:
    return _ELAPSED.sub("(… ms)", text.replace(host, DOCUMENTED_HOST))


def test_the_session_on_the_page_is_what_iml_ls_prints(tmp_path: Path, api: FakeApi) -> None:
    serve_acme(api)
    copy_app(tmp_path, api.url)
    sessions = console_sessions(PAGE, "run")
    assert len(sessions) == 5
    for arguments, expected in sessions:
        done = iml_ls(arguments, tmp_path)
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
