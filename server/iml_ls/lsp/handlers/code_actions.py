"""textDocument/codeAction: quick fixes from the diagnostics' own fixes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from iml_ls.features.client_names import FIX_ALL_KIND
from iml_ls.lsp.convert import plain, to_diagnostic, to_workspace_edit
from iml_ls.lsp.server import ImlLanguageServer, guarded

if TYPE_CHECKING:
    from iml_ls.text.line_index import LineIndex


def register(server: ImlLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    @guarded(types.TEXT_DOCUMENT_CODE_ACTION)
    def code_action(ls: ImlLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        from iml_ls.checks.diagnostic import Fix
        from iml_ls.features.code_actions import fix_all, quick_fixes

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return []
        only = params.context.only or []
        if any(FIX_ALL_KIND.startswith(kind) for kind in only):
            edits = fix_all(analysis)
            if not edits:
                return []
            fix = Fix("Fix all safe problems (iml-ls)", tuple(edits))
            workspace_edit = to_workspace_edit(
                fix, {analysis.path: analysis.index}, {analysis.path: analysis.version}, ls.encoding
            )
            return [types.CodeAction(title=fix.title, kind=FIX_ALL_KIND, edit=workspace_edit)]
        start, end = ls.offset(analysis, params.range.start), ls.offset(analysis, params.range.end)
        actions = []
        for quick_fix in quick_fixes(analysis, start, end):
            indexes: dict[str, LineIndex] = {}
            versions: dict[str, int | None] = {}
            for edit in quick_fix.fix.edits:
                target = analysis if edit.path == analysis.path else ls.iml.analysis(edit.path)
                if target is not None:
                    indexes[edit.path] = target.index
                    versions[edit.path] = target.version
            if len(indexes) < len({edit.path for edit in quick_fix.fix.edits}):
                continue  # a file of the fix cannot be read any more
            actions.append(
                types.CodeAction(
                    title=plain(quick_fix.fix.title),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[to_diagnostic(analysis, quick_fix.diagnostic, ls.encoding)],
                    is_preferred=quick_fix.fix.preferred,
                    edit=to_workspace_edit(quick_fix.fix, indexes, versions, ls.encoding),
                )
            )
        return actions
