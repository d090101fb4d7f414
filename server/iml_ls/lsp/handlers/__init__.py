"""One module per LSP method family; each has ``register(server)`` adding its small handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iml_ls.lsp.server import ImlLanguageServer


def register_all(server: ImlLanguageServer) -> None:
    from iml_ls.lsp.handlers import (
        code_actions,
        code_lens,
        commands,
        completion,
        diagnostics,
        documents,
        formatting,
        hover,
        inlay_hints,
        links,
        navigation,
        run,
        semantic_tokens,
        symbols,
    )

    modules = (
        *(documents, diagnostics, code_actions, commands, completion, hover),
        *(navigation, symbols, links, semantic_tokens, inlay_hints, code_lens, run, formatting),
    )
    for module in modules:
        module.register(server)
