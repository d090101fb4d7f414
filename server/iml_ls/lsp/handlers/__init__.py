"""One module per LSP method family; each has ``register(server)`` adding its small handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iml_ls.lsp.server import ImlLanguageServer


def register_all(server: ImlLanguageServer) -> None:
    from iml_ls.lsp.handlers import (
        code_actions,
        commands,
        completion,
        diagnostics,
        documents,
        hover,
        navigation,
        outline,
    )

    modules = (documents, diagnostics, code_actions, commands, completion, hover, navigation, outline)
    for module in modules:
        module.register(server)
