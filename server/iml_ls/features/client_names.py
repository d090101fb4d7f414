"""The names a client sees of the features (commands, a code action kind, semantic token types), as
plain constants: the server announces them in its capabilities without importing the features."""

from __future__ import annotations

PREVIEW_COMMAND = "iml.previewToken"
"""The command editors run to show the preview (code lens, VS Code and Neovim commands)."""
REQUEST_PREVIEW_COMMAND = "iml.previewRequest"
"""The command editors run to show the request preview (the ``Preview request`` code lens)."""
RUN_COMMAND = "iml.runRequest"
"""The command editors run to send a component's requests (the ``Send request`` code lens)."""
FIX_ALL_KIND = "source.fixAll.iml-ls"
TOKEN_TYPES = ("function", "variable", "property", "string", "number", "operator", "keyword", "macro")
"""The legend, in the order the encoded token types index it; ``macro`` marks the ``{{`` and ``}}`` braces."""
