"""textDocument/completion and textDocument/signatureHelp."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from iml_ls.lsp.convert import plain, to_range
from iml_ls.lsp.server import ImlLanguageServer, guarded

if TYPE_CHECKING:
    from iml_ls.features.completion import CompletionItem
    from iml_ls.text.line_index import LineIndex, PositionEncoding

KINDS = {
    "function": types.CompletionItemKind.Function,
    "variable": types.CompletionItemKind.Variable,
    "property": types.CompletionItemKind.Property,
    "value": types.CompletionItemKind.Value,
    "enum": types.CompletionItemKind.EnumMember,
    "keyword": types.CompletionItemKind.Keyword,
    "snippet": types.CompletionItemKind.Snippet,
}


def _snippets_supported(ls: ImlLanguageServer) -> bool:
    document = ls.client_capabilities.text_document
    completion = document.completion if document else None
    item = completion.completion_item if completion else None
    return bool(item and item.snippet_support)


def _to_item(item: CompletionItem, index: LineIndex, encoding: PositionEncoding) -> types.CompletionItem:
    text = item.insert_text if item.insert_text is not None else item.label
    edit = (
        types.TextEdit(range=to_range(index, item.replace[0], item.replace[1], encoding), new_text=text)
        if item.replace is not None
        else None
    )
    return types.CompletionItem(
        label=item.label,
        kind=KINDS[item.kind],
        detail=item.detail or None,
        documentation=types.MarkupContent(types.MarkupKind.Markdown, item.documentation)
        if item.documentation
        else None,
        insert_text=None if edit else text,
        text_edit=edit,
        insert_text_format=types.InsertTextFormat.Snippet if item.snippet else types.InsertTextFormat.PlainText,
        sort_text=item.sort_text,
        preselect=item.preselect or None,
        filter_text=item.filter_text or item.label,
        additional_text_edits=[
            types.TextEdit(range=to_range(index, e.start, e.end, encoding), new_text=e.new_text)
            for e in item.additional_edits
        ]
        or None,
    )


def register(server: ImlLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[".", "(", ",", "'", '"', "{", " "]),
    )
    @guarded(types.TEXT_DOCUMENT_COMPLETION)
    def completion(ls: ImlLanguageServer, params: types.CompletionParams) -> types.CompletionList:
        from iml_ls.features.completion import complete

        analysis = ls.analysis(params.text_document.uri)
        if analysis is None:
            return types.CompletionList(is_incomplete=False, items=[])
        items = complete(analysis, ls.offset(analysis, params.position), _snippets_supported(ls))
        return types.CompletionList(
            is_incomplete=False, items=[_to_item(i, analysis.index, ls.encoding) for i in items]
        )

    @server.feature(
        types.TEXT_DOCUMENT_SIGNATURE_HELP,
        types.SignatureHelpOptions(trigger_characters=["(", ","], retrigger_characters=[","]),
    )
    @guarded(types.TEXT_DOCUMENT_SIGNATURE_HELP)
    def signature(ls: ImlLanguageServer, params: types.SignatureHelpParams) -> types.SignatureHelp | None:
        from iml_ls.features.signature_help import signature_help

        analysis = ls.analysis(params.text_document.uri)
        help_ = signature_help(analysis, ls.offset(analysis, params.position)) if analysis is not None else None
        if help_ is None:
            return None
        return types.SignatureHelp(
            signatures=[
                types.SignatureInformation(
                    label=help_.label,
                    documentation=types.MarkupContent(types.MarkupKind.Markdown, help_.documentation),
                    parameters=[
                        types.ParameterInformation(label=label, documentation=plain(doc))
                        for label, doc in help_.parameters
                    ],
                    active_parameter=help_.active_parameter,
                )
            ],
            active_signature=0,
            active_parameter=help_.active_parameter,
        )
