// VS Code client for iml-ls: starts the server for *.iml.json files, and adds the token preview.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { basename, join } from "node:path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { isPreviewResult, LspPosition, PreviewResult, renderPreviewHtml } from "./preview";
import { BundledServer, installBundledServer, installedServer, readManifest } from "./bundledServer";
import { Host, INSTALL_HINT, isExecutableFile, Places, resolveServerCommand, ServerCommand, ServerSettings } from "./serverCommand";
import { forServer, LanguageSettings } from "./settings";

const SECTION = "imlLs";
const SERVER_PREVIEW_COMMAND = "iml.previewToken";
const CHECK_WORKSPACE_COMMAND = "iml.checkWorkspace";
const PREVIEW_COMMAND = "imlLs.previewToken";
const PREVIEW_VIEW = "imlLs.tokenPreview";

const nodeHost: Host = {
  path: process.env.PATH,
  windows: process.platform === "win32",
  isExecutable: isExecutableFile,
  pythonHasImlLs: (python) => spawnSync(python, ["-c", "import iml_ls"], { timeout: 20_000 }).status === 0,
  pythonVersion: (python) => {
    const result = spawnSync(python, ["-c", "import sys; print(*sys.version_info[:2])"], { timeout: 20_000, encoding: "utf8" });
    const [major, minor] = (result.stdout ?? "").trim().split(" ").map(Number);
    return result.status === 0 && Number.isInteger(major) && Number.isInteger(minor) ? [major, minor] : undefined;
  },
};

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let extensionContext: vscode.ExtensionContext;
/** Says the server is starting (a cold start takes seconds), then that it runs, or that it failed. */
let status: vscode.StatusBarItem;
/** Changes to these files change other files' diagnostics; created once, shared by every server start. */
let watchers: vscode.FileSystemWatcher[] = [];
/** The open previews, by the protocol URI of their connection file. */
const previews = new Map<string, OpenPreview>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  output = vscode.window.createOutputChannel("IML Language Server");
  status = vscode.window.createStatusBarItem("imlLs.status", vscode.StatusBarAlignment.Left, 10);
  status.name = "IML Language Server";
  status.command = "imlLs.showOutput";
  watchers = ["**/*.params.iml.json", "**/*.samples.json"].map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  context.subscriptions.push(
    output,
    status,
    ...watchers,
    vscode.workspace.onDidChangeTextDocument((event) => refreshPreviewOf(event.document)),
    vscode.commands.registerCommand(PREVIEW_COMMAND, previewToken),
    vscode.commands.registerCommand("imlLs.restartServer", restartServer),
    vscode.commands.registerCommand("imlLs.showOutput", () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        void restartServer();
      }
    }),
    // a trusted workspace may hold the server in its .venv
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restartServer()),
    { dispose: () => void stopServer() },
  );
  await startServer();
}

export async function deactivate(): Promise<void> {
  await stopServer();
}

function serverSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return { command: config.get<string[]>("server.command", []), pythonPath: config.get<string>("server.pythonPath", "") };
}

function languageSettings(scope?: vscode.Uri): LanguageSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  const samples = config.inspect<string>("samplesFile");
  const fromWorkspace = Boolean(samples?.workspaceFolderValue || samples?.workspaceValue);
  return forServer(
    {
      requiredClaims: config.get<string[]>("requiredClaims", ["exp"]),
      samplesFile: config.get<string>("samplesFile", ""),
      disabledDiagnostics: config.get<string[]>("disabledDiagnostics", []),
    },
    folder?.uri.fsPath,
    fromWorkspace,
  );
}

function showStatus(text: string, tooltip: string): void {
  status.text = text;
  status.tooltip = tooltip;
  status.show();
}

async function selectedInterpreter(): Promise<string | undefined> {
  const python = vscode.extensions.getExtension("ms-python.python");
  if (python === undefined) {
    return undefined;
  }
  try {
    const api = (python.isActive ? python.exports : await python.activate()) as
      | { environments?: { getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } } }
      | undefined;
    return api?.environments?.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri)?.path || undefined;
  } catch (error) {
    output.appendLine(`The Python extension did not say which interpreter is selected: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function bundleFolder(): string {
  return join(extensionContext.extensionPath, "bundled");
}

async function places(): Promise<Places> {
  return {
    trustedFolders: vscode.workspace.isTrusted ? (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath) : [],
    selectedInterpreter: await selectedInterpreter(),
    bundled: readManifest(bundleFolder()) !== undefined,
  };
}

/** The server command, installing the bundled server first when that is the one to run. */
async function serverToRun(): Promise<ServerCommand | BundledServer | undefined> {
  const resolution = resolveServerCommand(serverSettings(), nodeHost, await places());
  output.appendLine("Looking for the server:");
  resolution.tried.forEach((line) => output.appendLine(`  ${line}`));
  if (!resolution.ok) {
    output.appendLine(resolution.message);
    showStatus("$(error) iml-ls", "The IML language server was not found: click for the log");
    showStartError(resolution.message);
    return undefined;
  }
  if ("server" in resolution) {
    return resolution.server;
  }
  const manifest = readManifest(bundleFolder());
  const storage = extensionContext.globalStorageUri.fsPath;
  if (manifest === undefined) {
    return undefined;
  }
  const ready = installedServer(storage, manifest, resolution.install);
  if (ready !== undefined) {
    return ready;
  }
  showStatus("$(loading~spin) iml-ls: installing", "Installing the bundled IML language server (first start only)");
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `IML: setting up the language server for Python ${resolution.install.pythonVersion} (first start only)` },
      async (progress) =>
        installBundledServer(bundleFolder(), storage, manifest, resolution.install, (line) => {
          output.appendLine(line);
          if (/^(Installing|Processing|Collecting|Successfully)/.test(line)) {
            progress.report({ message: line.slice(0, 120) });
          }
        }),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    output.appendLine(reason);
    showStatus("$(error) iml-ls", "Setting up the IML language server failed: click for the log");
    showStartError(`Setting up the iml-ls server failed: ${reason}. ${INSTALL_HINT}`);
    return undefined;
  }
}

async function startServer(): Promise<void> {
  showStatus("$(loading~spin) iml-ls: starting", "Starting the IML language server");
  const server = await serverToRun();
  if (server === undefined) {
    return;
  }
  const { command, args, origin } = server;
  output.appendLine(`Starting the server: ${[command, ...args].join(" ")} (from ${origin})`);
  const env = "pythonPath" in server ? { ...process.env, PYTHONPATH: server.pythonPath } : undefined;
  const serverOptions: ServerOptions = { command, args, transport: TransportKind.stdio, options: env ? { env } : undefined };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "imljson" },
      { scheme: "file", pattern: "**/*.iml.json" },
    ],
    synchronize: {
      configurationSection: SECTION,
      fileEvents: watchers,
    },
    initializationOptions: languageSettings(),
    outputChannel: output,
    traceOutputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      // The server's "Preview token" lenses name its own command, whose answer VS Code would drop;
      // run the client command instead, which shows the answer.
      provideCodeLenses: async (document, token, next) => (await next(document, token))?.map(showPreviewOnClick),
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, index) =>
            item.section === SECTION ? languageSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : answers[index],
          );
        },
      },
    },
  };
  const started = new LanguageClient(SECTION, "IML Language Server", serverOptions, clientOptions);
  client = started;
  try {
    await started.start();
    const version = started.initializeResult?.serverInfo?.version ?? "";
    showStatus("$(check) iml-ls", `IML language server ${version} running (${origin}): click for the log`);
    // list the problems of the files that are not open too (VS Code asks only for the open ones)
    started.sendRequest(ExecuteCommandRequest.type, { command: CHECK_WORKSPACE_COMMAND, arguments: [] }).then(
      (totals: unknown) => output.appendLine(`Workspace check: ${JSON.stringify(totals)}`),
      (error: unknown) => output.appendLine(`The workspace check failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  } catch (error) {
    client = undefined;
    const reason = error instanceof Error ? error.message : String(error);
    output.appendLine(`The server did not start: ${reason}`);
    showStatus("$(error) iml-ls", "The IML language server did not start: click for the log");
    showStartError(`The iml-ls server (${command}) did not start: ${reason}. ${INSTALL_HINT}`);
  }
}

async function stopServer(): Promise<void> {
  const stopping = client;
  client = undefined;
  if (stopping !== undefined) {
    try {
      await stopping.stop();
    } catch (error) {
      output.appendLine(`Stopping the server failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

async function restartServer(): Promise<void> {
  output.appendLine("Restarting the server.");
  await stopServer();
  await startServer();
}

function showStartError(message: string): void {
  void vscode.window.showErrorMessage(message, "Open settings", "Show log").then((choice) => {
    if (choice === "Open settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server`);
    } else if (choice === "Show log") {
      output.show(true);
    }
  });
}

function showPreviewOnClick(lens: vscode.CodeLens): vscode.CodeLens {
  if (lens.command?.command === SERVER_PREVIEW_COMMAND) {
    lens.command = { ...lens.command, command: PREVIEW_COMMAND };
  }
  return lens;
}

function isPosition(value: unknown): value is LspPosition {
  const candidate = value as Partial<LspPosition> | undefined;
  return typeof candidate?.line === "number" && typeof candidate.character === "number";
}

/**
 * `IML: Preview signed token`. From a code lens the arguments are the server's `[uri, position]`;
 * from the palette, the active editor and its cursor. When the cursor is on no jwt() call, every
 * token of the file is shown.
 */
async function previewToken(uriArgument?: unknown, positionArgument?: unknown): Promise<void> {
  const running = client;
  if (running === undefined || !running.isRunning()) {
    showStartError("The iml-ls server is not running, so there is nothing to preview.");
    return;
  }
  let uri: string;
  let position: LspPosition | undefined;
  if (typeof uriArgument === "string") {
    uri = uriArgument;
    position = isPosition(positionArgument) ? positionArgument : undefined;
  } else {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || !editor.document.fileName.endsWith(".iml.json")) {
      void vscode.window.showWarningMessage("Open a connection file (*.communication.iml.json) to preview its token.");
      return;
    }
    uri = running.code2ProtocolConverter.asUri(editor.document.uri);
    position = running.code2ProtocolConverter.asPosition(editor.selection.active);
  }
  let result: PreviewResult;
  try {
    result = await requestPreview(running, uri, position);
    if (position !== undefined && result.tokens.length === 0) {
      result = await requestPreview(running, uri, undefined);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`Token preview failed: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  await showPreview(uri, position, result);
}

async function requestPreview(running: LanguageClient, uri: string, position: LspPosition | undefined): Promise<PreviewResult> {
  const answer: unknown = await running.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_PREVIEW_COMMAND,
    arguments: position === undefined ? [uri] : [uri, position],
  });
  if (!isPreviewResult(answer)) {
    throw new Error("the server's answer is not a token preview");
  }
  return answer;
}

/** One preview view per connection file: what it shows, so an edit of the file can refresh it. */
interface OpenPreview {
  panel: vscode.WebviewPanel;
  uri: string;
  position: LspPosition | undefined;
  refresh?: ReturnType<typeof setTimeout>;
}

function render(preview: OpenPreview, result: PreviewResult): void {
  const fileName = basename(vscode.Uri.parse(preview.uri).fsPath);
  preview.panel.title = `Token preview: ${fileName}`;
  preview.panel.webview.html = renderPreviewHtml(result, fileName, randomBytes(16).toString("base64"), preview.panel.webview.cspSource);
}

async function showPreview(uri: string, position: LspPosition | undefined, result: PreviewResult): Promise<void> {
  let preview = previews.get(uri);
  if (preview === undefined) {
    const panel = vscode.window.createWebviewPanel(PREVIEW_VIEW, "Token preview", { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [],
    });
    const opened: OpenPreview = { panel, uri, position };
    previews.set(uri, opened);
    panel.onDidDispose(() => {
      clearTimeout(opened.refresh);
      previews.delete(uri);
    });
    panel.webview.onDidReceiveMessage((message: { copy?: unknown; what?: unknown }) => void copyText(message.copy, message.what));
    preview = opened;
  } else {
    preview.position = position;
    preview.panel.reveal(vscode.ViewColumn.Beside, true);
  }
  render(preview, result);
  const signed = result.tokens.filter((token) => token.token !== null);
  const failed = result.tokens.length - signed.length;
  if (failed > 0) {
    void vscode.window.showWarningMessage(`Make would fail to sign ${failed} of ${result.tokens.length} tokens; the preview says why.`);
  }
}

/** After an edit of a previewed file (once typing pauses), sign again and redraw its preview. */
function refreshPreviewOf(document: vscode.TextDocument): void {
  const running = client;
  const preview = running && previews.get(running.code2ProtocolConverter.asUri(document.uri));
  if (running === undefined || preview === undefined) {
    return;
  }
  clearTimeout(preview.refresh);
  preview.refresh = setTimeout(() => {
    void (async () => {
      try {
        let result = await requestPreview(running, preview.uri, preview.position);
        if (preview.position !== undefined && result.tokens.length === 0) {
          result = await requestPreview(running, preview.uri, undefined);
        }
        if (previews.get(preview.uri) === preview) {
          render(preview, result);
        }
      } catch (error) {
        output.appendLine(`Refreshing the preview failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  }, 300);
}

async function copyText(text: unknown, what: unknown): Promise<void> {
  if (typeof text === "string") {
    await vscode.env.clipboard.writeText(text);
    const name = typeof what === "string" ? what.replace(/^Copy /, "") : "text";
    vscode.window.setStatusBarMessage(`IML: ${name} copied to the clipboard.`, 4000);
  }
}
