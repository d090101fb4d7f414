"""Code lens: one `Preview token` per jwt() call, drawn on its request's first line, previewing the call."""

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
    assert [(TEXT[lens.call_start :].split(")")[0] + ")", lens.title) for lens in lenses] == [
        ("jwt(temp.jwt, parameters.key, 'HS512')", "Preview token #1 (HS512)"),
        ("jwt(temp.jwt, parameters.key, parameters.algorithm)", "Preview token #2"),
        ("jwt(temp.jwt, parameters.key)", "Preview token #3 (HS256)"),
    ]
    assert {(lens.start, lens.end) for lens in code_lenses(analysis)} == {(0, 0)}  # the request is the whole file
    assert [lens.title for lens in code_lenses(analysis) if lens.command != PREVIEW_COMMAND] == [
        "Preview request",
        "Send request",
    ]
