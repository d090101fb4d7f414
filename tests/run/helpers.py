"""Running a file of the test app through the library, as the CLI and the server do."""

from __future__ import annotations

from pathlib import Path

from iml_ls.analysis import Workspace
from iml_ls.run.session import Answer, Run, RunOptions, RunResult
from tests.run.fake_api import FakeApi


def host(api: FakeApi) -> str:
    return f"127.0.0.1:{api.port}"


def run(root: Path, file: str, api: FakeApi | None = None, **options: object) -> Answer:
    """Run ``file`` of the app with ``options`` (the test server's host confirmed when given)."""
    workspace = Workspace()
    analysis = workspace.analysis(str(root / file))
    assert analysis is not None
    if api is not None:
        options.setdefault("confirmed_hosts", frozenset({host(api)}))
    return Run(workspace, analysis, RunOptions(**options)).run()  # type: ignore[arg-type]


def result_of(root: Path, file: str, api: FakeApi, **options: object) -> dict[str, object]:
    answer = run(root, file, api, **options)
    assert isinstance(answer, RunResult), answer
    shown = answer.as_json()["result"]
    assert isinstance(shown, dict)
    return shown
