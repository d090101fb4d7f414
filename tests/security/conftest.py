"""A hostile repository to open: a Make app whose files try to run commands, leak secrets and hang."""

from __future__ import annotations

import base64
import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from iml_ls.cli import main

SECRET = "Qz7#vK2!mW9p"
"""A sample value every test keeps out of every output. Each run of six of its characters holds `#`
or `!`, which no token, hash or base64 text contains, so finding one means it leaked."""
PARAMS = [
    {"name": "clientId", "type": "text", "label": "Client ID"},
    {"name": "clientSecret", "type": "password", "label": "Client secret"},
]


def revealing_forms(secret: str = SECRET) -> list[str]:
    """The secret as an output could reveal it: as it is, in another case, reversed, encoded, or any
    six characters of it (a `substring()`, a piece of a `split()`)."""
    data = secret.encode()
    forms = {secret, secret.lower(), secret.upper(), secret[::-1], data.hex(), base64.b64encode(data).decode()}
    forms |= {base64.urlsafe_b64encode(data).decode().rstrip("=")}
    forms |= {secret[start : start + 6] for start in range(len(secret) - 5)}
    forms |= {form.lower() for form in list(forms)}
    return sorted(forms)


def assert_no_secret(*outputs: object, secret: str = SECRET) -> None:
    """No form of the secret in any of the outputs (texts, or anything JSON can write)."""
    for output in outputs:
        text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False, default=str)
        lowered = text.lower()
        for form in revealing_forms(secret):
            assert form.lower() not in lowered, f"{form!r} of the secret appears in {text[:2000]!r}"


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
