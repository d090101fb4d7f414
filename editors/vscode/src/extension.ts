// VS Code client for iml-ls: starts the server for *.iml.json files, and adds the token and request
// previews and the Run result of a request sent for real (or run on a recorded response).
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
import {
  isPreviewResult,
  isRequestPreviewResult,
  LspPosition,
  PreviewResult,
  renderPreviewHtml,
  renderRequestPreviewHtml,
} from "./preview";
import { confirmationText, InputRequest, isRange, isWebAddress, renderRunHtml, RunArguments, RunDialogs, runUntilResult } from "./run";
import { BundledServer, installBundledServer, installedServer, readManifest } from "./bundledServer";
import { Host, INSTALL_HINT, isExecutableFile, Places, resolveServerCommand, ServerCommand, ServerSettings } from "./serverCommand";
import { forServer, LanguageSettings } from "./settings";

const SECTION = "imlLs";
const SERVER_PREVIEW_COMMAND = "iml.previewToken";
const SERVER_REQUEST_PREVIEW_COMMAND = "iml.previewRequest";
const CHECK_WORKSPACE_COMMAND = "iml.checkWorkspace";
const SERVER_RUN_COMMAND = "iml.runRequest";
const PREVIEW_COMMAND = "imlLs.previewToken";
const REQUEST_PREVIEW_COMMAND = "imlLs.previewRequest";
const CHECK_APP_COMMAND = "imlLs.checkApp";
const SEND_COMMAND = "imlLs.sendRequest";
const REPLAY_COMMAND = "imlLs.replayResponse";
/** The client command that shows the answer of each server command a lens names. */
const SHOWN_BY = new Map([
  [SERVER_PREVIEW_COMMAND, PREVIEW_COMMAND],
  [SERVER_REQUEST_PREVIEW_COMMAND, REQUEST_PREVIEW_COMMAND],
  // the lens's argument says whether it replays ({uri, position, replay: true})
  [SERVER_RUN_COMMAND, SEND_COMMAND],
]);

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
/** The open previews, by their kind's title and the protocol URI of their file. */
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
    vscode.commands.registerCommand(PREVIEW_COMMAND, (uri?: unknown, position?: unknown) => runPreview(TOKEN_PREVIEW, uri, position)),
    vscode.commands.registerCommand(REQUEST_PREVIEW_COMMAND, (uri?: unknown, position?: unknown) => runPreview(REQUEST_PREVIEW, uri, position)),
    vscode.commands.registerCommand(SEND_COMMAND, (argument?: unknown) => runRequest(false, argument)),
    vscode.commands.registerCommand(REPLAY_COMMAND, (argument?: unknown) => runRequest(true, argument)),
    vscode.commands.registerCommand(CHECK_APP_COMMAND, checkApp),
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
      // VS Code pulls the problems of every app file (workspace/diagnostic) when the server offers
      // that; what the server pushes for closed files when asked to check the app would list them twice.
      handleDiagnostics: (uri, diagnostics, next) => {
        if (!pullsWorkspaceDiagnostics(client)) {
          next(uri, diagnostics);
        }
      },
      // The server's "Preview token", "Preview request", "Send request" and "Run on recorded response"
      // lenses name its own commands, whose answers VS Code would drop; run the client commands
      // instead, which ask what the answers ask for and show the results.
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
    // a server without workspace/diagnostic pushes the problems of the files that are not open when asked
    if (!pullsWorkspaceDiagnostics(started)) {
      checkWorkspace(started).then(
        (totals) => output.appendLine(`Workspace check: ${JSON.stringify(totals)}`),
        (error: unknown) => output.appendLine(`The workspace check failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
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
  const shownBy = lens.command && SHOWN_BY.get(lens.command.command);
  if (lens.command && shownBy) {
    lens.command = { ...lens.command, command: shownBy };
  }
  return lens;
}

/** Whether VS Code pulls the diagnostics of the whole workspace from this server (not only of open files). */
function pullsWorkspaceDiagnostics(running: LanguageClient | undefined): boolean {
  const provider = running?.initializeResult?.capabilities.diagnosticProvider;
  return provider !== undefined && provider.workspaceDiagnostics;
}

interface CheckTotals {
  files: number;
  errors: number;
  warnings: number;
}

/** The server checks every file of the workspace's apps and pushes the problems of those not open. */
async function checkWorkspace(running: LanguageClient): Promise<CheckTotals> {
  return running.sendRequest(ExecuteCommandRequest.type, { command: CHECK_WORKSPACE_COMMAND, arguments: [] }) as Promise<CheckTotals>;
}

/** `IML: Check app`: every file of the app, open or not, into the Problems panel. */
async function checkApp(): Promise<void> {
  const running = client;
  if (running === undefined || !running.isRunning()) {
    showStartError("The iml-ls server is not running, so nothing can be checked.");
    return;
  }
  try {
    const totals = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: "IML: checking the app" }, () => checkWorkspace(running));
    const summary = `IML: ${totals.files} files checked, ${totals.errors} errors, ${totals.warnings} warnings.`;
    if (totals.errors + totals.warnings > 0) {
      void vscode.window.showWarningMessage(summary, "Show problems").then((choice) => {
        if (choice) {
          void vscode.commands.executeCommand("workbench.actions.view.problems");
        }
      });
    } else {
      void vscode.window.showInformationMessage(summary);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`Checking the app failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isPosition(value: unknown): value is LspPosition {
  const candidate = value as Partial<LspPosition> | undefined;
  return typeof candidate?.line === "number" && typeof candidate.character === "number";
}

/** A view beside the file, drawn from the answer of a server command (a preview, a run result). */
interface ViewKind {
  /** "Token preview": the view's title, before the file name. */
  title: string;
  /** The webview's view type. */
  view: string;
  /** What to open when the palette runs the command in another file. */
  needs: string;
}

/** A view that asks the server again after each edit of its file, and redraws. */
interface PreviewKind extends ViewKind {
  /** Asks the server about the file (at the position, or all of it); the page and, at times, a warning. */
  load(running: LanguageClient, uri: string, position: LspPosition | undefined): Promise<DrawnPreview>;
}

const redrawsOnEdit = (kind: ViewKind): kind is PreviewKind => "load" in kind;

interface DrawnPreview {
  page: (fileName: string, nonce: string, cspSource: string) => string;
  warning?: string;
}

async function executeServerCommand(running: LanguageClient, command: string, args: unknown[]): Promise<unknown> {
  return running.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

async function tokenPreview(running: LanguageClient, uri: string, position: LspPosition | undefined): Promise<PreviewResult> {
  const answer = await executeServerCommand(running, SERVER_PREVIEW_COMMAND, position === undefined ? [uri] : [uri, position]);
  if (!isPreviewResult(answer)) {
    throw new Error("the server's answer is not a token preview");
  }
  return answer;
}

/** The signed tokens: the call at the position, or every call of the file when it is on none. */
const TOKEN_PREVIEW: PreviewKind = {
  title: "Token preview",
  view: "imlLs.tokenPreview",
  needs: "Open a connection file (*.communication.iml.json) to preview its token.",
  async load(running, uri, position) {
    let result = await tokenPreview(running, uri, position);
    if (position !== undefined && result.tokens.length === 0) {
      result = await tokenPreview(running, uri, undefined);
    }
    const failed = result.tokens.filter((token) => token.token === null).length;
    return {
      page: (fileName, nonce, cspSource) => renderPreviewHtml(result, fileName, nonce, cspSource),
      warning: failed > 0 ? `Make would fail to sign ${failed} of ${result.tokens.length} tokens; the preview says why.` : undefined,
    };
  },
};

/**
 * The requests Make would send, secrets masked: the one at the position (the lens's), or every
 * request of the file when the position is in none.
 */
const REQUEST_PREVIEW: PreviewKind = {
  title: "Request preview",
  view: "imlLs.requestPreview",
  needs: "Open a component file with requests (e.g. a module's *.communication.iml.json) to preview its requests.",
  async load(running, uri, position) {
    const ask = async (args: unknown[]) => {
      const answer = await executeServerCommand(running, SERVER_REQUEST_PREVIEW_COMMAND, args);
      if (!isRequestPreviewResult(answer)) {
        throw new Error("the server's answer is not a request preview");
      }
      return answer;
    };
    let result = await ask(position === undefined ? [uri] : [uri, position]);
    if (position !== undefined && result.requests.length === 0) {
      result = await ask([uri]);
    }
    return {
      page: (fileName, nonce, cspSource) => renderRequestPreviewHtml(result, fileName, nonce, cspSource),
      warning: result.errors.length > 0 ? `Make would fail on ${result.errors.length} expressions of this request; the preview says where.` : undefined,
    };
  },
};

/**
 * `IML: Preview signed token` and `IML: Preview request`. From a code lens the arguments are the
 * server's `[uri, position]`; from the palette, the active editor and its cursor.
 */
async function runPreview(kind: PreviewKind, uriArgument?: unknown, positionArgument?: unknown): Promise<void> {
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
      void vscode.window.showWarningMessage(kind.needs);
      return;
    }
    uri = running.code2ProtocolConverter.asUri(editor.document.uri);
    position = running.code2ProtocolConverter.asPosition(editor.selection.active);
  }
  let drawn: DrawnPreview;
  try {
    drawn = await kind.load(running, uri, position);
  } catch (error) {
    void vscode.window.showErrorMessage(`${kind.title} failed: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  showPreview(kind, uri, position, drawn);
}

/** One preview view per kind and file: what it shows, so an edit of the file can refresh it. */
interface OpenPreview {
  kind: ViewKind;
  panel: vscode.WebviewPanel;
  uri: string;
  position: LspPosition | undefined;
  refresh?: ReturnType<typeof setTimeout>;
}

function previewKey(kind: ViewKind, uri: string): string {
  return `${kind.view} ${uri}`;
}

function render(preview: OpenPreview, drawn: DrawnPreview): void {
  const fileName = basename(vscode.Uri.parse(preview.uri).fsPath);
  preview.panel.title = `${preview.kind.title}: ${fileName}`;
  preview.panel.webview.html = drawn.page(fileName, randomBytes(16).toString("base64"), preview.panel.webview.cspSource);
}

function showPreview(kind: ViewKind, uri: string, position: LspPosition | undefined, drawn: DrawnPreview): void {
  const key = previewKey(kind, uri);
  let preview = previews.get(key);
  if (preview === undefined) {
    const panel = vscode.window.createWebviewPanel(kind.view, kind.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [],
    });
    const opened: OpenPreview = { kind, panel, uri, position };
    previews.set(key, opened);
    panel.onDidDispose(() => {
      clearTimeout(opened.refresh);
      previews.delete(key);
    });
    panel.webview.onDidReceiveMessage((message: { copy?: unknown; what?: unknown; reveal?: unknown }) =>
      message.reveal === undefined ? void copyText(message.copy, message.what) : void reveal(opened.uri, message.reveal),
    );
    preview = opened;
  } else {
    preview.position = position;
    preview.panel.reveal(vscode.ViewColumn.Beside, true);
  }
  render(preview, drawn);
  if (drawn.warning !== undefined) {
    void vscode.window.showWarningMessage(drawn.warning);
  }
}

/** After an edit of a previewed file (once typing pauses), ask again and redraw its previews. */
function refreshPreviewOf(document: vscode.TextDocument): void {
  const running = client;
  if (running === undefined) {
    return;
  }
  const uri = running.code2ProtocolConverter.asUri(document.uri);
  for (const preview of previews.values()) {
    const { kind } = preview;
    if (preview.uri !== uri || !redrawsOnEdit(kind)) {
      continue;
    }
    clearTimeout(preview.refresh);
    preview.refresh = setTimeout(() => {
      void (async () => {
        try {
          const drawn = await kind.load(running, preview.uri, preview.position);
          if (previews.get(previewKey(preview.kind, preview.uri)) === preview) {
            render(preview, drawn);
          }
        } catch (error) {
          output.appendLine(`Refreshing the preview failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      })();
    }, 300);
  }
}

async function copyText(text: unknown, what: unknown): Promise<void> {
  if (typeof text === "string") {
    await vscode.env.clipboard.writeText(text);
    const name = typeof what === "string" ? what.replace(/^Copy /, "") : "text";
    vscode.window.setStatusBarMessage(`IML: ${name} copied to the clipboard.`, 4000);
  }
}

/** Shows `range` (from a view's link) of the previewed file, in the editor that shows it, or the first column. */
async function reveal(uri: string, range: unknown): Promise<void> {
  const running = client;
  if (running === undefined || !isRange(range)) {
    return;
  }
  const document = await vscode.workspace.openTextDocument(running.protocol2CodeConverter.asUri(uri));
  const selection = running.protocol2CodeConverter.asRange(range);
  const shown = vscode.window.visibleTextEditors.find((editor) => editor.document === document);
  const editor = await vscode.window.showTextDocument(document, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, selection });
  editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** The Run result view: drawn once per run (an edit of the file never sends a request again). */
const RUN_RESULT: ViewKind = {
  title: "Run result",
  view: "imlLs.runResult",
  needs: "Open a component file with requests (a connection, module, RPC or webhook *.iml.json) to send its request.",
};

/** The questions of a run: a modal warning before the first send to a host, an input box for the code. */
const RUN_DIALOGS: RunDialogs = {
  async confirmHost(confirmation) {
    const { message, detail } = confirmationText(confirmation);
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, "Send")) === "Send";
  },
  askForInput: askForCode,
};

/**
 * The OAuth 2 authorization code, pasted by the user. When the server names the authorization page,
 * a modal first shows it with **Open** (the browser opens it) and **Paste the code**; the input box
 * keeps a button that opens it again.
 */
async function askForCode(request: InputRequest): Promise<string | undefined> {
  const authorizeUrl = request.authorizeUrl !== null && isWebAddress(request.authorizeUrl) ? request.authorizeUrl : undefined;
  const openAuthorizePage = () => authorizeUrl && void vscode.env.openExternal(vscode.Uri.parse(authorizeUrl, true));
  if (authorizeUrl) {
    const detail = `${request.prompt}\n\n${authorizeUrl}`;
    const choice = await vscode.window.showInformationMessage("Authorize in your browser, then paste the code", { modal: true, detail }, "Open", "Paste the code");
    if (choice === undefined) {
      return undefined;
    }
    if (choice === "Open") {
      openAuthorizePage();
    }
  }
  const box = vscode.window.createInputBox();
  box.title = "IML: authorization code";
  box.prompt = request.prompt;
  box.placeholder = "The code from the redirect URL: …?code=THIS";
  box.ignoreFocusOut = true;
  if (authorizeUrl) {
    box.buttons = [{ iconPath: new vscode.ThemeIcon("link-external"), tooltip: `Open ${authorizeUrl}` }];
  }
  return new Promise((resolve) => {
    let code: string | undefined;
    box.onDidTriggerButton(openAuthorizePage);
    box.onDidChangeValue((value) => (box.validationMessage = value.trim() ? undefined : "Paste the authorization code."));
    box.onDidAccept(() => {
      if (box.value.trim()) {
        code = box.value.trim();
        box.hide();
      }
    });
    box.onDidHide(() => {
      box.dispose();
      resolve(code);
    });
    box.show();
  });
}

/**
 * `IML: Send request` and `IML: Run on recorded response` (`replay`). From a code lens the argument is
 * the server's `{uri, position, stage?, replay?}`; from the palette, the active editor and its cursor.
 * Nothing is sent until the user confirms each new host; a cancelled question sends nothing.
 */
async function runRequest(replay: boolean, argument?: unknown): Promise<void> {
  const running = client;
  if (running === undefined || !running.isRunning()) {
    showStartError("The iml-ls server is not running, so nothing can be sent.");
    return;
  }
  const lens = argument as Partial<RunArguments> | undefined;
  let args: RunArguments;
  if (typeof lens?.uri === "string") {
    args = { uri: lens.uri, position: isPosition(lens.position) ? lens.position : undefined, replay: replay || lens.replay === true };
    if (typeof lens.stage === "string") {
      args.stage = lens.stage;
    }
  } else {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || !editor.document.fileName.endsWith(".iml.json")) {
      void vscode.window.showWarningMessage(RUN_RESULT.needs);
      return;
    }
    args = { uri: running.code2ProtocolConverter.asUri(editor.document.uri), position: running.code2ProtocolConverter.asPosition(editor.selection.active), replay };
  }
  const config = vscode.workspace.getConfiguration(`${SECTION}.run`, running.protocol2CodeConverter.asUri(args.uri));
  args.pages = config.get<number>("pages", 1);
  if (!args.replay) {
    args.record = config.get<boolean>("recordResponses", true);
  }
  const title = args.replay ? "IML: running on the recorded response" : "IML: sending the request";
  let result;
  try {
    const ask = (asked: RunArguments) => executeServerCommand(running, SERVER_RUN_COMMAND, [asked]);
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, () => runUntilResult(ask, args, RUN_DIALOGS));
  } catch (error) {
    void vscode.window.showErrorMessage(`${args.replay ? "Running on the recorded response" : "Sending the request"} failed: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (result === undefined) {
    vscode.window.setStatusBarMessage("IML: cancelled, nothing was sent.", 4000);
    return;
  }
  // the server names the recording by its path on disk; the workspace's names read better
  const relative = (path: string | null) => (path === null ? null : vscode.workspace.asRelativePath(path));
  const shown = { ...result, recordedTo: relative(result.recordedTo), replayedFrom: relative(result.replayedFrom) };
  showPreview(RUN_RESULT, args.uri, args.position, {
    page: (fileName, nonce, cspSource) => renderRunHtml(shown, fileName, nonce, cspSource),
    warning: shown.failure ? `Make would fail (${shown.failure.directive}): ${shown.failure.message}` : undefined,
  });
}

