"""Files outside the app root, devices, FIFOs and /proc are never read (issue: committed symlinks made
`check` print a docker config, `.git/config` and `/proc/self/environ`; `/dev/zero` and `/dev/stdin`
made it grow without bound or hang)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from iml_ls import files
from iml_ls.analysis import Workspace
from iml_ls.checks import diagnostics

from .conftest import App, run
from .leaks import SECRET, assert_no_secret

DOCKER_CONFIG = '{"auths": {"ghcr.io": {"auth": "' + SECRET + '"}}}'
GIT_CONFIG = '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ' + SECRET + "\n"


def assert_not_read(*outputs: str) -> None:
    """Neither the secret nor the pieces a JSON syntax error would quote (``#vK``, ``!mW``)."""
    assert_no_secret(*outputs)
    assert not [output for output in outputs if "#vK" in output or "!mW" in output]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "docker.json").write_text(DOCKER_CONFIG, encoding="utf-8")
    (folder / "config").write_text(GIT_CONFIG, encoding="utf-8")
    return folder


def test_check_does_not_follow_a_symlink_out_of_the_app(app: App, outside: Path) -> None:
    (app.folder / "d.communication.iml.json").symlink_to(outside / "docker.json")
    (app.folder / "g.communication.iml.json").symlink_to(outside / "config")
    (app.root / "linked").symlink_to(outside, target_is_directory=True)
    _, out, err = run("check", str(app.root))
    assert_not_read(out, err)
    assert "auths" not in out and "extraheader" not in out


def test_check_reads_no_git_file_even_inside_the_app(app: App) -> None:
    (app.root / ".git").mkdir()
    (app.root / ".git" / "config").write_text(GIT_CONFIG, encoding="utf-8")
    (app.folder / "g.communication.iml.json").symlink_to(app.root / ".git" / "config")
    _, out, err = run("check", str(app.root))
    assert_not_read(out, err)


def test_check_does_not_read_proc(app: App) -> None:
    (app.folder / "e.communication.iml.json").symlink_to("/proc/self/environ")
    environment = {"CI_TOKEN": SECRET, **{k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH")}}
    result = subprocess.run(
        [sys.executable, "-m", "iml_ls", "check", str(app.root)], env=environment, capture_output=True, text=True
    )
    assert_not_read(result.stdout, result.stderr)


def test_a_related_file_linked_out_of_the_app_is_not_read(app: App, outside: Path) -> None:
    (app.folder / "c.params.iml.json").unlink()
    (app.folder / "c.params.iml.json").symlink_to(outside / "docker.json")
    app.communication({"url": "https://api.example.com/{{parameters.auths}}"})
    analysis = Workspace().analysis(str(app.connection))
    assert analysis is not None
    assert analysis.related.params is None


@pytest.mark.timeout(60)
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/stdin", "/dev/urandom"])
def test_a_related_file_linked_to_a_device_is_not_read(app: App, device: str) -> None:
    (app.folder / "c.samples.json").unlink()
    (app.folder / "c.samples.json").symlink_to(device)
    app.communication({"url": "https://api.example.com/{{parameters.clientId}}"})
    analysis = Workspace().analysis(str(app.connection))
    assert analysis is not None
    assert analysis.related.samples is None
    assert diagnostics(analysis) == []  # evaluated with the params file's defaults and placeholders


@pytest.mark.timeout(60)
def test_a_fifo_is_not_opened(app: App) -> None:
    fifo = app.folder / "c.samples.json"
    fifo.unlink()
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    assert files.read_text(fifo, app.root) is None
    status, _, _ = run("check", str(app.root))
    assert status == 0


def test_read_text_api(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.json").write_text("{}", encoding="utf-8")
    (root / "inside.json").symlink_to(root / "sub" / "a.json")
    (tmp_path / "out.json").write_text("[1]", encoding="utf-8")
    (root / "escape.json").symlink_to(tmp_path / "out.json")
    (root / "big.json").write_bytes(b" " * 101)
    assert files.read_text(root / "sub" / "a.json", root) == "{}"
    assert files.read_text(root / "inside.json", root) == "{}"
    assert files.read_text(root / "escape.json", root) is None
    assert files.read_text(tmp_path / "out.json", root) is None
    assert files.read_text(root / "big.json", root, limit=100) is None
    assert files.read_text(root / "missing.json", root) is None
    assert files.read_text(root / "sub", root) is None
    assert files.is_safe(root / "inside.json", root) and not files.is_safe(root / "escape.json", root)


def test_walk_and_app_root(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    app = root / "app"
    (app / "connections" / "c").mkdir(parents=True)
    (app / "makecomapp.json").write_text("{}", encoding="utf-8")
    (app / "connections" / "c" / "c.communication.iml.json").write_text("{}", encoding="utf-8")
    (root / "node_modules").mkdir()
    (root / "node_modules" / "x.json").write_text("{}", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "y.json").write_text("{}", encoding="utf-8")
    (root / "loop").symlink_to(root, target_is_directory=True)
    (tmp_path / "secret.json").write_text("{}", encoding="utf-8")
    (root / "link.json").symlink_to(tmp_path / "secret.json")
    found = [path.relative_to(root).as_posix() for path in files.walk(root, ".json")]
    assert found == ["app/connections/c/c.communication.iml.json", "app/makecomapp.json"]
    connection = app / "connections" / "c" / "c.communication.iml.json"
    assert files.app_root(connection) == app
    assert files.app_root(connection, limit=app / "connections") == app / "connections"
    assert files.app_root(tmp_path / "secret.json") == tmp_path
