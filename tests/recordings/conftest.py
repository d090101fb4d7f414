"""The LSP tests' ``client`` fixture (a client of a fresh server over stdio) for the recorded-response tests."""

from tests.lsp.conftest import client  # noqa: F401  (a fixture: imported, it serves these tests too)
