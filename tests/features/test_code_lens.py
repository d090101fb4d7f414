"""Code lens: one `Preview token` per jwt() call, running the preview command at the call."""

from __future__ import annotations

from iml_ls.analysis import Workspace
from iml_ls.features.code_lens import code_lenses
from iml_ls.features.preview import PREVIEW_COMMAND

TEXT = """{
    "temp": {"jwt": {"sub": "😀"}},
    "headers": {
        "a": "\\"{{jwt(temp.jwt, parameters.key, 'HS512')}}",
        "b": "{{jwt(temp.jwt, parameters.key, parameters.algorithm) + '.' + jwt(temp.jwt, parameters.key)}}"
    },
    "url": "{{base64(temp.jwt)}}"
}"""


def test_one_lens_per_call_titled_with_its_algorithm() -> None:
    workspace = Workspace()
    path = "/app/connections/demo/demo.communication.iml.json"
    workspace.open_document(path, TEXT, 1)
    analysis = workspace.analysis(path)
    assert analysis is not None
    lenses = [lens for lens in code_lenses(analysis) if lens.command == PREVIEW_COMMAND]
    assert [(TEXT[lens.start : lens.end], lens.title) for lens in lenses] == [
        ("jwt(temp.jwt, parameters.key, 'HS512')", "Preview token (HS512)"),
        ("jwt(temp.jwt, parameters.key, parameters.algorithm)", "Preview token"),
        ("jwt(temp.jwt, parameters.key)", "Preview token (HS256)"),
    ]
    assert [lens.title for lens in code_lenses(analysis) if lens.command != PREVIEW_COMMAND] == ["Preview request"]
