"""A hostile repository to open: a Make app whose files try to run commands, leak secrets and hang."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from iml_ls.cli import main

from .leaks import SECRET

PARAMS = [
    {"name": "clientId", "type": "text", "label": "Client ID"},
    {"name": "clientSecret", "type": "password", "label": "Client secret"},
]


@dataclass
class App:
    """A Make app folder with one basic connection ``c``."""

    root: Path

    @property
    def folder(self) -> Path:
        return self.root / "connections" / "c"

    @property
    def connection(self) -> Path:
        return self.folder / "c.communication.iml.json"

    def write(self, name: str, content: object) -> Path:
        path = self.folder / name
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2), encoding="utf-8")
        return path

    def communication(self, content: object) -> Path:
        return self.write("c.communication.iml.json", content)

    def params(self, content: object) -> Path:
        return self.write("c.params.iml.json", content)

    def samples(self, parameters: dict[str, object], **sections: object) -> Path:
        return self.write("c.samples.json", {"parameters": parameters, **sections})


@pytest.fixture
def app(tmp_path: Path) -> App:
    root = tmp_path / "app"
    (root / "connections" / "c").mkdir(parents=True)
    (root / "makecomapp.json").write_text('{"name": "app"}', encoding="utf-8")
    made = App(root)
    made.params(PARAMS)
    made.samples({"clientId": "acme-client-42", "clientSecret": SECRET})
    return made


def run(*args: str) -> tuple[int, str, str]:
    """``iml-ls ARGS`` in this process: exit status, standard output, standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse rejects bad usage this way
            status = int(exit_.code or 0)
    return status, out.getvalue(), err.getvalue()
