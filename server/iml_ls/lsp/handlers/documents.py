"""Lifecycle and synchronisation: initialize, open/change/close, settings and watched files."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from lsprotocol import types

from iml_ls.lsp.convert import uri_to_path
from iml_ls.lsp.server import CONFIGURATION_SECTION, ImlLanguageServer, log, negotiate, settings_from

if TYPE_CHECKING:
    from iml_ls.analysis import Settings

WATCHED_GLOBS = ("**/*.json", "**/*.imljson", "**/functions/**/*.js")
"""Every file of an app another file can read: manifest, parameters, common data, samples, base,
connections (their saved ``response.data``), webhook attach, custom functions."""


def register(server: ImlLanguageServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: ImlLanguageServer, params: types.InitializeParams) -> None:
        negotiate(ls, params)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ImlLanguageServer, params: types.InitializedParams) -> None:
        capabilities = ls.client_capabilities.workspace
        watched = capabilities.did_change_watched_files if capabilities else None
        if watched is not None and watched.dynamic_registration:
            watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_GLOBS]
            await _register(ls, watchers)
        await pull_configuration(ls)
        ls.publish_app_files()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ImlLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        path = uri_to_path(document.uri)
        ls.uris[path] = document.uri
        ls.latest[document.uri] = document.version
        ls.submit(lambda: ls.iml.open_document(path, document.text, document.version))
        if ls.pull_diagnostics and document.uri in ls.pushed_while_closed:
            # the client pulls the open file's diagnostics now: drop the workspace check's push
            ls.pushed_while_closed.discard(document.uri)
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=document.uri, diagnostics=[]))
        ls.schedule_publish(document.uri)
        ls.publish_dependents(path)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ImlLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        uri, version, changes = params.text_document.uri, params.text_document.version, list(params.content_changes)
        if uri not in ls.latest:
            return  # not open: there is no text to apply the edit to
        ls.latest[uri] = version
        ls.submit(lambda: ls.apply_changes(uri, version, changes))
        ls.schedule_publish(uri)
        ls.publish_dependents(uri_to_path(uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ImlLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = uri_to_path(uri)
        ls.latest.pop(uri, None)
        ls.uris.pop(path, None)
        ls.submit(lambda: ls.iml.close_document(path))
        ls.submit(lambda: ls.forget_diagnostics(uri))
        if not ls.pull_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
            ls.publish_disk(path)  # an app file keeps showing its problems as saved
        ls.publish_dependents(path)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: ImlLanguageServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(CONFIGURATION_SECTION), dict):
            update_settings(ls, settings_from(settings[CONFIGURATION_SECTION]))
        else:
            await pull_configuration(ls)
        ls.refresh_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: ImlLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            ls.submit(functools.partial(ls.iml.file_changed, uri_to_path(change.uri)))
        ls.refresh_all()


async def _register(ls: ImlLanguageServer, watchers: list[types.FileSystemWatcher]) -> None:
    """Ask to be told when params, common and sample files change on disk."""
    registration = types.Registration(
        id="iml-ls-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
    except Exception as error:  # the client refused: edits in open editors still re-check
        log.warning("client/registerCapability failed: %s", error)


async def pull_configuration(ls: ImlLanguageServer) -> None:
    """Read the ``imlLs`` section when the client offers workspace/configuration."""
    workspace = ls.client_capabilities.workspace
    if not (workspace and workspace.configuration):
        return
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=CONFIGURATION_SECTION)])
        )
    except Exception as error:  # a client that fails this request keeps the current settings
        log.warning("workspace/configuration failed: %s", error)
        return
    if result and isinstance(result[0], dict):
        update_settings(ls, settings_from(result[0]))
        ls.refresh_all()


def update_settings(ls: ImlLanguageServer, settings: Settings) -> None:
    """Analyse with new settings from now on (on the analysis thread, after the edits before them)."""
    ls.submit(lambda: ls.iml.update_settings(settings))
