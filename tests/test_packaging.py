"""The wheel ships the IML grammar and the console script."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_wheel_contains_the_grammar_and_the_entry_point(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("iml_ls-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        grammar = archive.read("iml_ls/iml.lark").decode()
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert grammar == (ROOT / "grammar" / "iml.lark").read_text(encoding="utf-8")
    assert "iml-ls = iml_ls.cli:main" in entry_points
    assert "iml_ls/py.typed" in names
