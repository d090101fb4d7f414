"""Fixtures of the run tests: a real HTTP server on 127.0.0.1, and the LSP tests' ``client`` (a client of
a fresh server over stdio)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.lsp.conftest import client  # noqa: F401  (a fixture: imported, it serves these tests too)
from tests.run.fake_api import FakeApi, running_api


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with running_api() as server:
        yield server
