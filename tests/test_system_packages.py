"""`.ci/system-packages`, which `make test` runs first: it installs what is missing as root, and
otherwise stops with the exact command to run (never a silent skip of the editor tests)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / ".ci" / "system-packages"


def run(tmp_path: Path, uid: int, installed: set[str]) -> subprocess.CompletedProcess[str]:
    """The script with stand-ins for `id`, `dpkg-query` and `apt-get` that log what they were asked."""
    shims = tmp_path / "bin"
    shims.mkdir(exist_ok=True)
    log = tmp_path / "apt.log"
    scripts = {
        "id": f"#!/bin/sh\necho {uid}\n",
        "dpkg-query": "#!/bin/sh\n"
        + 'for p in "$@"; do last=$p; done\n'
        + 'case " '
        + " ".join(sorted(installed))
        + ' " in *" $last "*) printf \'install ok installed\';; *) exit 1;; esac\n',
        "apt-get": f'#!/bin/sh\necho "apt-get $*" >> {log}\n',
    }
    for name, text in scripts.items():
        (shims / name).write_text(text, encoding="utf-8")
        (shims / name).chmod(0o755)
    environment = {**os.environ, "PATH": f"{shims}{os.pathsep}/usr/bin{os.pathsep}/bin"}
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=environment, timeout=60)


def packages() -> list[str]:
    text = SCRIPT.read_text(encoding="utf-8")
    block = text.split("packages=(", 1)[1].split("\n)", 1)[0]
    return [word for line in block.splitlines() for word in line.split("#", 1)[0].split()]


def test_nothing_happens_when_every_package_is_there(tmp_path: Path) -> None:
    result = run(tmp_path, 1000, set(packages()))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_as_a_user_it_stops_with_the_exact_command(tmp_path: Path) -> None:
    result = run(tmp_path, 1000, set(packages()) - {"neovim", "chromium"})
    assert result.returncode == 1
    assert "sudo apt-get install -y --no-install-recommends chromium neovim" in result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_as_root_it_installs_what_is_missing(tmp_path: Path) -> None:
    result = run(tmp_path, 0, set(packages()) - {"emacs-nox", "elpa-eglot"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "apt.log").read_text(encoding="utf-8").splitlines() == [
        "apt-get update",
        "apt-get install -y --no-install-recommends emacs-nox elpa-eglot",
    ]


def test_the_editor_tests_packages_are_listed() -> None:
    assert {"neovim", "emacs-nox", "elpa-eglot", "chromium", "ripgrep"} <= set(packages())
