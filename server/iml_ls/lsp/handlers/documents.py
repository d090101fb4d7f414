"""Lifecycle and synchronisation: initialize, open/change/close, settings and watched files."""

from __future__ import annotations

from lsprotocol import types

from iml_ls.lsp.convert import uri_to_path
from iml_ls.lsp.server import CONFIGURATION_SECTION, ImlLanguageServer, log, negotiate, settings_from

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

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ImlLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        path = uri_to_path(document.uri)
        ls.uris[path] = document.uri
        ls.iml.open_document(path, document.text, document.version)
        ls.publish(document.uri)
        for uri in ls.dependents_of(path):
            ls.schedule_publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ImlLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.apply_changes(uri, params.text_document.version, list(params.content_changes))
        ls.schedule_publish(uri)
        for dependent in ls.dependents_of(uri_to_path(uri)):
            ls.schedule_publish(dependent)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ImlLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = uri_to_path(uri)
        ls.iml.close_document(path)
        ls.uris.pop(path, None)
        ls.forget_diagnostics(uri)
        if not ls.pull_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for dependent in ls.dependents_of(path):
            ls.schedule_publish(dependent)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: ImlLanguageServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(CONFIGURATION_SECTION), dict):
            ls.iml.update_settings(settings_from(settings[CONFIGURATION_SECTION]))
        else:
            await pull_configuration(ls)
        ls.refresh_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: ImlLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            ls.iml.file_changed(uri_to_path(change.uri))
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
        ls.iml.update_settings(settings_from(result[0]))
        ls.refresh_all()
