"""Write a small Make app for a test: paths inside the app → text, or a value written as JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path


def write_files(root: Path, files: Mapping[str, object]) -> Path:
    """Write each file under ``root`` (folders made as needed) and return ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, indent=4) + "\n"
        path.write_text(text, encoding="utf-8")
    return root
