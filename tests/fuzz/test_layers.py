"""Property-based fuzzing of every layer: for any text and any position, no exception, ranges inside the
document, and the same answer twice."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iml_ls.analysis import Workspace
from iml_ls.checks import diagnostics
from iml_ls.evaluate.evaluator import Evaluator
from iml_ls.evaluate.values import EvalContext, EvaluationError
from iml_ls.features.code_actions import quick_fixes
from iml_ls.features.code_lens import code_lenses
from iml_ls.features.completion import complete
from iml_ls.features.hover import hover
from iml_ls.features.inlay_hints import inlay_hints
from iml_ls.features.navigation import RenameError, definition, references, rename
from iml_ls.features.preview import preview, render_preview_text
from iml_ls.features.semantic_tokens import semantic_tokens
from iml_ls.features.signature_help import signature_help
from iml_ls.features.symbols import DocumentSymbol, document_symbols
from iml_ls.syntax.iml import ImlSyntaxError, find_templates, parse_expression
from iml_ls.text.line_index import LineIndex, PositionEncoding
from tests.security.leaks import SECRET, assert_no_secret

from .strategies import iml_expressions, mutated_connections

NOW = 1_700_000_000.0
PARAMS = '[{"name": "clientId", "type": "text"}, {"name": "clientSecret", "type": "password"}]'
SAMPLES = json.dumps({"parameters": {"clientId": "acme", "clientSecret": SECRET, "apiKey": SECRET[::-1] + "x"}})
"""Sample values: `clientSecret` is a password, `apiKey` a secret by its name (the params file omits it)."""
TEXTS = st.one_of(mutated_connections(), st.text(max_size=300))
SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def workspace_with(tmp: Path, text: str) -> tuple[Workspace, str]:
    folder = tmp / "c"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "c.params.iml.json").write_text(PARAMS, encoding="utf-8")
    (folder / "c.samples.json").write_text(SAMPLES, encoding="utf-8")
    path = str(folder / "c.communication.iml.json")
    workspace = Workspace()
    workspace.open_document(path, text, 1)
    return workspace, path


def _within(text: str, start: int, end: int) -> None:
    assert 0 <= start <= end <= len(text), (start, end, len(text))


def _symbols_within(text: str, symbols: list[DocumentSymbol]) -> None:
    for symbol in symbols:
        _within(text, symbol.start, symbol.end)
        _within(text, symbol.selection_start, symbol.selection_end)
        _symbols_within(text, symbol.children)


@SETTINGS
@given(text=TEXTS, fractions=st.lists(st.floats(0, 1), min_size=1, max_size=4))
def test_every_feature_at_every_position(tmp_path_factory: object, text: str, fractions: list[float]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        workspace, path = workspace_with(Path(tmp), text)
        analysis = workspace.analysis(path)
        assert analysis is not None
        found = diagnostics(analysis)
        for item in found:
            _within(text, item.start, item.end)
            for fix in item.fixes:
                for edit in fix.edits:
                    target = workspace.analysis(edit.path)
                    assert target is not None
                    _within(target.text, edit.start, edit.end)
        again = Workspace()
        again.open_document(path, text, 1)
        second = again.analysis(path)
        assert second is not None
        assert [(d.rule.code, d.start, d.end, d.message) for d in diagnostics(second)] == [
            (d.rule.code, d.start, d.end, d.message) for d in found
        ]
        # Everything shown to the user, checked for any form of a secret sample value at the end.
        shown: list[object] = [(d.message, [(f.title, f.edits) for f in d.fixes]) for d in found]
        for token in semantic_tokens(analysis):
            _within(text, token.start, token.end)
        _symbols_within(text, document_symbols(analysis))
        for lens in code_lenses(analysis):
            _within(text, lens.start, lens.end)
            shown.append(lens.title)
        for hint in inlay_hints(analysis, 0, len(text), NOW):
            _within(text, hint.offset, hint.offset)
            shown += [hint.label, hint.tooltip]
        whole = preview(analysis, now=NOW)
        shown += [whole.as_json(analysis), render_preview_text(whole, analysis)]
        for fraction in fractions:
            offset = int(fraction * len(text))
            for item in complete(analysis, offset):
                if item.replace is not None:
                    _within(text, *item.replace)
            found = hover(analysis, offset, now=NOW)
            if found is not None:
                _within(text, found.start, found.end)
                shown.append(found.markdown)
            signature_help(analysis, offset)
            shown += [quick.fix.title for quick in quick_fixes(analysis, offset, offset)]
            for location in definition(workspace, analysis, offset) + references(workspace, analysis, offset, True):
                target = workspace.analysis(location.path)
                assert target is not None
                _within(target.text, location.start, location.end)
            with contextlib.suppress(RenameError):
                rename(workspace, analysis, offset, "renamed")
            shown.append(preview(analysis, now=NOW, at=offset).as_json(analysis))
        for secret in (SECRET, SECRET[::-1] + "x"):
            assert_no_secret(*shown, secret=secret)


@SETTINGS
@given(text=TEXTS, line=st.integers(-2, 400), character=st.integers(-2, 400))
def test_positions_convert_in_every_encoding(text: str, line: int, character: int) -> None:
    from iml_ls.text.line_index import Position

    index = LineIndex(text)
    for encoding in PositionEncoding:
        offset = index.offset(Position(line, character), encoding)
        assert 0 <= offset <= len(text)
        position = index.position(offset, encoding)
        assert index.offset(position, encoding) == offset


@SETTINGS
@given(source=iml_expressions())
def test_random_iml_parses_and_evaluates_without_surprises(source: str) -> None:
    parsed = parse_expression(source)
    if isinstance(parsed, ImlSyntaxError):
        assert 0 <= parsed.start <= parsed.end <= len(source) or parsed.start < 0
        return
    assert 0 <= parsed.start <= parsed.end <= len(source)
    variables = {"parameters": {"clientId": "x", "clientSecret": "s"}, "temp": {"jwt": {"exp": 1}}}
    evaluator = Evaluator(EvalContext(now=dt.datetime.fromtimestamp(NOW, dt.UTC)), variables, time_budget=0.5)
    with contextlib.suppress(EvaluationError):
        evaluator.evaluate(parsed)


@SETTINGS
@given(text=st.text(max_size=200))
def test_templates_in_any_string(text: str) -> None:
    for template in find_templates(text):
        assert 0 <= template.start <= template.end <= len(text)


@SETTINGS
@given(
    content=st.one_of(st.binary(max_size=400), mutated_connections().map(lambda t: t.encode("utf-8", "surrogatepass")))
)
def test_the_cli_on_any_bytes(content: bytes) -> None:
    import contextlib
    import io
    import json
    import tempfile

    from iml_ls.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.communication.iml.json"
        path.write_bytes(content)
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(io.StringIO()):
            status = main(["check", str(path), "--format", "json"])
        assert status in (0, 1)
        for item in json.loads(output.getvalue())["diagnostics"]:
            assert item["range"]["start"]["line"] <= item["range"]["end"]["line"]
