"""`initialize` is answered before the analysis is imported: the server and its handlers import only
pygls, lsprotocol and small modules of their own; the features, checks and analysis (lark, the
evaluator, cryptography) come with the first request that needs them."""

from __future__ import annotations

import subprocess
import sys

LATER = ("iml_ls.analysis", "iml_ls.checks", "iml_ls.features.completion", "iml_ls.syntax.iml", "lark", "cryptography")

PROGRAM = """
import sys
from lsprotocol import types
from iml_ls.lsp.handlers.documents import negotiate
from iml_ls.lsp.server import create_server

server = create_server()
negotiate(server, types.InitializeParams(capabilities=types.ClientCapabilities()))
server.stop_worker()
print(" ".join(sorted(name for name in sys.modules if name.startswith(tuple(sys.argv[1:])))))
"""


def test_the_server_starts_without_the_analysis() -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM, *LATER], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_the_first_request_imports_what_it_needs() -> None:
    program = PROGRAM.replace("server.stop_worker()", "server.iml.analysis('/nowhere.iml.json')\nserver.stop_worker()")
    done = subprocess.run([sys.executable, "-c", program, *LATER], capture_output=True, text=True, check=True)
    assert "iml_ls.analysis" in done.stdout.split()
