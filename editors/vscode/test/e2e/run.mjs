// End-to-end test in a real VS Code: code-server with the packaged .vsix, driven by headless Chromium.
//
// Opens a fresh workspace of two apps, test/fixtures/app and a copy of examples/make-app with one
// planted mistake in a module file the test never opens, and checks what a user would see: the
// squiggle under the invalid algorithm 'HS1' and its Problems entry (IML301), the problems of files
// never opened, the four algorithms offered after jwt(..., ', the server's "Preview token" code lens,
// the IML colouring inside JSON strings, and the token preview view with a signed token; then, in a
// module of the example app, the linked connection's parameters and saved keys offered after
// {{connection., go to definition to the connection's params file, "IML: Check app", and the
// "Preview request" lens showing the merged request with a curl command to copy, secrets masked.
// Then requests are sent for real, to a local stand-in for the example's API (tests/editors/acme_api.py on
// 127.0.0.1) from a third app, a copy of the example app whose URLs point at it: the module's "Send request"
// lens asks before the first send to the host (Cancel sends nothing); the OAuth 2 connection's token stage
// is sent after Send and the authorization code typed into the input box, and shows what it would store;
// the module's lens then sends the stored token, and its Run result view shows the three pages, an output
// bundle per contact and masked secrets; the API-key connection's failure links to the directive that decided
// it; the "Run on recorded response" lens the saved responses bring answers from them without sending.
// Prints what it saw as JSON; exits 1 on any miss.
//
// The user has only Python: the workspace is a copy outside the repository, no iml-ls is on code-server's
// PATH and no server setting is made, so the extension sets up the server bundled in the .vsix. The
// workspace's own .vscode/settings.json names a program to run and turns the trace on; neither may
// take effect (those settings are user settings only).
//
// Needs: editors/vscode/.e2e/code-server (test.sh installs it), out/iml-ls.vsix (with bundled/), a
// python3 >= 3.10 on PATH (it also runs the API stand-in), and Chromium (/usr/bin/chromium, or $CHROMIUM). Screenshots of each
// step are kept in .e2e/run/ as the test's artefacts.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const REPO = join(HERE, "..", "..");
const RUN = join(HERE, ".e2e", "run");
const CODE_SERVER = join(HERE, ".e2e", "code-server", "node_modules", ".bin", "code-server");
const VSIX = process.env.IML_LS_VSIX ?? join(HERE, "out", "iml-ls.vsix"); // or a release's .vsix, e.g. make dist's
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const EXTENSION_ID = "iml-ls.iml-ls";
const FIXTURE = join("demo-app", "connections", "demo", "demo.communication.iml.json");
const MODULE = join("make-app", "modules", "search-contacts", "search-contacts.communication.iml.json");
/** A module file the test never opens, with a parameter name misspelt (IML201 unknown-parameter). */
const PLANTED = join("make-app", "modules", "create-contact", "create-contact.communication.iml.json");
/** A file of the example app rewritten untidily, for Format Document. */
const UNTIDY = join("make-app", "modules", "search-contacts", "search-contacts.interface.iml.json");
/** The copy of the example app that sends to the local API stand-in, and its files the test sends from. */
const RUN_APP = "run-app";
const RUN_MODULE = `${RUN_APP}/modules/search-contacts/search-contacts.communication.iml.json`;
const RUN_CONNECTION = `${RUN_APP}/connections/api-key/api-key.communication.iml.json`;
const RUN_OAUTH = `${RUN_APP}/connections/oauth2/oauth2.oauth-communication.iml.json`;

const WAIT = 120_000; // generous: a cold code-server start on a busy 2-core machine is slow
const STEP = 30_000; // once the server has answered, each further step is quick

const USER_DATA = join(RUN, "user-data");
const EXTENSIONS = join(RUN, "extensions");
const WORKSPACE = join(tmpdir(), `iml-ls-e2e-${process.pid}`, "my-apps");
/** Written by the program the hostile workspace settings name, if anything ran it. */
const HOSTILE_MARKER = join(RUN, "workspace-command-ran");
const env = {
  ...process.env,
  // a machine without iml-ls: no folder that holds an iml-ls executable stays on the PATH
  PATH: (process.env.PATH ?? "").split(delimiter).filter((folder) => folder && !existsSync(join(folder, "iml-ls"))).join(delimiter),
  // keep code-server's own files (config.yaml, logs, caches) out of $HOME
  XDG_CONFIG_HOME: join(RUN, "xdg-config"),
  XDG_DATA_HOME: join(RUN, "xdg-data"),
  XDG_CACHE_HOME: join(RUN, "xdg-cache"),
};

function fail(message) {
  throw new Error(message);
}

for (const [path, hint] of [
  [CODE_SERVER, "run editors/vscode/test.sh code_server"],
  [VSIX, "run editors/vscode/test.sh package"],
  [CHROMIUM, "apt-get install chromium, or set CHROMIUM"],
]) {
  if (!existsSync(path)) fail(`${path} is missing: ${hint}`);
}

/** 1-based line and column of the first `needle` in `text`, plus `shift` columns. */
function locate(text, needle, shift = 0) {
  const offset = text.indexOf(needle);
  if (offset < 0) fail(`the fixture has no ${needle}`);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 + shift };
}

function codeServerCli(...args) {
  const result = spawnSync(CODE_SERVER, ["--user-data-dir", USER_DATA, "--extensions-dir", EXTENSIONS, ...args], { env, encoding: "utf8" });
  if (result.status !== 0) fail(`code-server ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, child) {
  const deadline = Date.now() + WAIT;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`code-server exited with ${child.exitCode}; see ${join(RUN, "code-server.log")}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail(`code-server did not answer ${url}`);
}

/** The extension's output channel log, written by code-server under the user data folder. */
function serverLog() {
  const found = [];
  const walk = (folder) => {
    for (const name of existsSync(folder) ? readdirSync(folder) : []) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.includes("IML Language Server")) found.push(path);
    }
  };
  walk(join(USER_DATA, "logs"));
  return found.map((path) => readFileSync(path, "utf8")).join("\n");
}

async function quickInput(page, opener, text) {
  await page.keyboard.press(opener);
  const input = page.locator(".quick-input-widget input:visible").first();
  await input.waitFor({ state: "visible", timeout: WAIT });
  await input.fill(text);
}

async function goTo(page, { line, column }) {
  await quickInput(page, "Control+P", `:${line}:${column}`);
  // Enter before quick open has read the line would be dropped: wait until it offers to go there
  await page.locator(".quick-input-widget", { hasText: `line ${line} and character ${column}` }).first().waitFor({ timeout: WAIT });
  await page.keyboard.press("Enter");
  // the cursor has moved once the status bar says so; the editor has the focus again
  await page.locator(".statusbar-item", { hasText: `Ln ${line}, Col ${column}` }).first().waitFor({ timeout: WAIT });
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: WAIT });
}

/** Opens a file of the workspace by its name, or by its path in the workspace when two apps have that name (quick open). */
async function openFile(page, path) {
  const name = path.split("/").pop();
  const folder = path.split("/").slice(0, -1).join("/");
  await quickInput(page, "Control+P", path);
  // the list is filtered once the first row, the one Enter opens, is the file (in its folder: the
  // recently opened file of the same name in another app comes first until the search has answered)
  await page.locator(".quick-input-list .monaco-list-row.focused", { hasText: name }).filter({ hasText: folder }).first().waitFor({ timeout: WAIT });
  await page.keyboard.press("Enter");
  await page.locator(".tab.active", { hasText: name }).first().waitFor({ timeout: WAIT });
}

/** Runs a command by its title from the command palette. */
async function runCommand(page, title) {
  await quickInput(page, "F1", `>${title}`);
  await page.locator(".quick-input-list .monaco-list-row.focused", { hasText: title }).first().waitFor({ timeout: WAIT });
  await page.keyboard.press("Enter");
}

/** The text of the first matching editor line, with Monaco's non-breaking spaces made plain. */
const lineText = async (line) => (await line.first().textContent())?.replace(/\u00a0/g, " ").trim();

/** The first frame (a webview's page) that shows `selector`, once one does. */
async function frameWith(selector) {
  const deadline = Date.now() + STEP;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return fail(`no view shows ${selector}`);
}

const rowLabels = (page, selector) =>
  page.locator(selector).evaluateAll((rows) => rows.map((row) => row.getAttribute("aria-label") || row.textContent || ""));

// --- set up: a fresh workspace, settings, and the extension installed from the .vsix
rmSync(RUN, { recursive: true, force: true });
mkdirSync(join(USER_DATA, "User"), { recursive: true });
rmSync(dirname(WORKSPACE), { recursive: true, force: true });
cpSync(join(HERE, "test", "fixtures", "app"), join(WORKSPACE, "demo-app"), { recursive: true });
cpSync(join(REPO, "examples", "make-app"), join(WORKSPACE, "make-app"), { recursive: true });
const plantedText = readFileSync(join(WORKSPACE, PLANTED), "utf8");
if (!plantedText.includes("{{parameters.email}}")) fail(`${PLANTED} has no {{parameters.email}} to misspell`);
writeFileSync(join(WORKSPACE, PLANTED), plantedText.replace("{{parameters.email}}", "{{parameters.emial}}"));
const misspelt = locate(readFileSync(join(WORKSPACE, PLANTED), "utf8"), "emial");
writeFileSync(join(WORKSPACE, UNTIDY), '[{"name":"id",  "type":"text","label":"Contact ID"},\n{"name" :"name","type":"text","label":"Name"}]\n');
mkdirSync(join(WORKSPACE, ".vscode"));
writeFileSync(
  join(WORKSPACE, ".vscode", "settings.json"),
  JSON.stringify({
    "imlLs.server.command": ["sh", "-c", `touch '${HOSTILE_MARKER}'; exit 1`],
    "imlLs.server.pythonPath": "/bin/false",
    "imlLs.trace.server": "verbose",
  }),
);
writeFileSync(
  join(USER_DATA, "User", "settings.json"),
  JSON.stringify(
    {
      // the theme the colours are checked in (VS Code's default dark theme), with its semantic highlighting
      "workbench.colorTheme": "Default Dark Modern",
      "security.workspace.trust.enabled": false,
      "telemetry.telemetryLevel": "off",
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "extensions.autoCheckUpdates": false,
      "extensions.autoUpdate": false,
      "update.mode": "none",
      // the workspace lies inside the iml-ls repository: keep git's prompt out of the way
      "git.enabled": false,
      // Send request follows the search module's pagination over the stand-in's three pages
      "imlLs.run.pages": 3,
    },
    null,
    2,
  ),
);

const fixtureText = readFileSync(join(WORKSPACE, FIXTURE), "utf8");
const invalidAlgorithm = locate(fixtureText, "'HS1'");
const afterQuote = { ...invalidAlgorithm, column: invalidAlgorithm.column + 1 };
const validCall = locate(fixtureText, "jwt(temp.claims, parameters.clientSecret, 'HS256')", 4);
const validAlgorithm = locate(fixtureText, "'HS256'", 1);
const urlEnd = locate(fixtureText, 'v1/me"', "v1/me".length);
const moduleText = readFileSync(join(WORKSPACE, MODULE), "utf8");
/** Inside the string of "q": where the test types {{connection. */
const queryValue = locate(moduleText, '"{{parameters.query}}"', 1);
/** Where go to definition on connection.scopes lands: the parameter in oauth2's params file. */
const scopesLine = locate(readFileSync(join(WORKSPACE, "make-app", "connections", "oauth2", "oauth2.params.iml.json"), "utf8"), '"scopes"').line;

const seen = { codeServer: codeServerCli("--version").split("\n").find((line) => /^\d+\.\d+/.test(line)) };
const installed = codeServerCli("--install-extension", VSIX, "--force");
if (!/successfully installed/i.test(installed)) fail(`installing the .vsix failed:\n${installed}`);
seen.extensions = codeServerCli("--list-extensions", "--show-versions").trim().split("\n");
if (!seen.extensions.some((line) => line.startsWith(`${EXTENSION_ID}@`))) fail(`${EXTENSION_ID} is not installed: ${seen.extensions}`);

// --- the Acme CRM stand-in on 127.0.0.1, and the copy of the example app that sends to it
const acme = spawn("python3", ["-m", "tests.editors.acme_api", "--copy-app", join(WORKSPACE, RUN_APP)], {
  cwd: REPO,
  env,
  detached: true,
  stdio: ["ignore", "pipe", "inherit"],
});
/** What the stand-in says of itself: its origin, the authorization code it accepts, the secrets it hands out or gets, the contacts it finds. */
const standIn = await new Promise((resolve, reject) => {
  let printed = "";
  acme.stdout.on("data", (chunk) => {
    printed += chunk;
    if (printed.includes("\n")) resolve(JSON.parse(printed.split("\n")[0]));
  });
  acme.once("exit", (code) => reject(new Error(`tests.editors.acme_api exited with ${code} before it served`)));
});
/** What the stand-in received, in order, secrets in the clear (the test's view of what was really sent). */
seen.acmeOrigin = standIn.origin;
const standInHost = new URL(standIn.origin).host;
const acmeReceived = async () => (await fetch(`${standIn.origin}/__received`)).json();
/** The line of the API-key connection's `valid`, which decides its failure. */
const validLine = locate(readFileSync(join(WORKSPACE, RUN_CONNECTION), "utf8"), '"valid"').line;
/** Inside the OAuth 2 connection's token stage, where the palette's Send request is run. */
const tokenStage = locate(readFileSync(join(WORKSPACE, RUN_OAUTH), "utf8"), '"token"', 1);

// --- one code-server, one browser
const port = await freePort();
const log = openSync(join(RUN, "code-server.log"), "w");
const codeServer = spawn(
  CODE_SERVER,
  [
    "--auth", "none",
    "--bind-addr", `127.0.0.1:${port}`,
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--user-data-dir", USER_DATA,
    "--extensions-dir", EXTENSIONS,
    WORKSPACE,
  ],
  { env, detached: true, stdio: ["ignore", log, log] },
);
let browser;
let page;
let failure;
const phaseErrors = {};
/**
 * Runs one check; a failure is recorded and the next check still runs, so one run reports everything.
 * A screenshot of the screen as the check left it is kept either way (.e2e/run/NN-name.png).
 */
async function phase(name, check) {
  const shot = join(RUN, `${String(Object.keys(shots).length + 1).padStart(2, "0")}-${name.replace(/\W+/g, "-")}.png`);
  shots[name] = shot;
  try {
    await check();
    await page.screenshot({ path: shot }).catch(() => undefined);
  } catch (error) {
    // the first line and the locator waited for (Playwright's call log)
    const lines = error.message.split("\n").map((line) => line.trim());
    phaseErrors[name] = [lines[0], lines.find((line) => line.startsWith("- waiting for"))].filter(Boolean).join(" ");
    await page.screenshot({ path: shot }).catch(() => undefined);
    await page.keyboard.press("Escape").catch(() => undefined);
  }
}
const shots = {};
try {
  await waitForHealth(`http://127.0.0.1:${port}/healthz`, codeServer);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, permissions: ["clipboard-read", "clipboard-write"] });
  page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WORKSPACE)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: WAIT });
  await page.locator(".part.statusbar").waitFor({ timeout: WAIT });

  // open the connection file
  await quickInput(page, "Control+P", "demo.communication.iml.json");
  await page.locator(".quick-input-list .monaco-list-row.focused", { hasText: "demo.communication.iml.json" }).first().waitFor({ timeout: WAIT });
  await page.keyboard.press("Enter");
  // the connection's editor (not "the active group": the preview view takes the focus later)
  const editor = page.locator(".monaco-editor", { has: page.locator(".view-line", { hasText: "x-legacy-token" }) }).first();
  await editor.locator(".view-line", { hasText: "x-legacy-token" }).waitFor({ timeout: WAIT });

  // the status bar says the server is being set up, then that it runs
  await phase("status bar", async () => {
    await page.locator(".statusbar-item", { hasText: "iml-ls" }).first().waitFor({ timeout: WAIT });
    seen.statusBar = [(await page.locator(".statusbar-item", { hasText: "iml-ls" }).first().textContent())?.trim()];
    await page.locator(".statusbar-item", { hasText: /^\s*iml-ls\s*$/ }).first().waitFor({ timeout: WAIT });
    seen.statusBar.push(await page.locator(".statusbar-item", { hasText: "iml-ls" }).first().getAttribute("aria-label"));
  });

  // the squiggle and the Problems entry
  await phase("diagnostics", async () => {
    await editor.locator(".squiggly-error").first().waitFor({ timeout: WAIT });
    seen.squiggles = await editor.locator(".squiggly-error").count();
    seen.problemsStatus = (await page.locator("#status\\.problems").textContent())?.trim();
    await page.keyboard.press("Control+Shift+M");
    await page.locator(".markers-panel .monaco-list-row", { hasText: "IML301" }).first().waitFor({ timeout: WAIT });
    await page.locator(".markers-panel .monaco-list-row", { hasText: "other.communication.iml.json" }).first().waitFor({ timeout: WAIT });
    seen.problems = await page.locator(".markers-panel .monaco-list-row").allTextContents();
  });

  // the planted mistake of a module file nobody opened is listed too (the server pushes it)
  await phase("problems of an unopened module", async () => {
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "IML201" });
    await row.first().waitFor({ timeout: WAIT });
    await page.locator(".markers-panel .monaco-list-row", { hasText: "create-contact.communication.iml.json" }).first().waitFor({ timeout: STEP });
    seen.unopenedProblems = await page.locator(".markers-panel .monaco-list-row").allTextContents();
  });

  // `{{` closes with `}}` inside a string, and the first suggestions after it are functions
  await phase("braces and function completion", async () => {
    await editor.click();
    await goTo(page, urlEnd);
    await page.keyboard.type("{{");
    await editor.locator(".view-line", { hasText: "v1/me{{}}" }).first().waitFor({ timeout: STEP });
    seen.autoClosed = await lineText(editor.locator(".view-line", { hasText: "v1/me{{" }));
    await page.keyboard.press("Control+Space");
    await page.locator(".suggest-widget.visible .monaco-list-row").first().waitFor({ timeout: STEP });
    seen.firstSuggestionKinds = await page
      .locator(".suggest-widget.visible .monaco-list-row")
      .evaluateAll((rows) => rows.slice(0, 5).map((row) => (row.querySelector(".suggest-icon")?.className.match(/codicon-symbol-(\w+)/) ?? [])[1]));
    await page.keyboard.press("Escape");
    for (let undo = 0; undo < 4 && !(await editor.locator(".view-line", { hasText: 'v1/me",' }).count()); undo++) {
      await page.keyboard.press("Control+Z");
    }
    await editor.locator(".view-line", { hasText: 'v1/me",' }).first().waitFor({ timeout: STEP });
  });

  // completion just after the opening quote of 'HS1'
  await phase("completion", async () => {
    await goTo(page, afterQuote);
    await page.keyboard.press("Control+Space");
    const widget = page.locator(".suggest-widget.visible");
    await widget.waitFor({ timeout: STEP });
    try {
      await widget.locator(".monaco-list-row").first().waitFor({ timeout: STEP });
    } catch (error) {
      seen.suggestWidget = (await widget.innerText()).trim(); // "No suggestions." when VS Code filtered every item out
      throw error;
    }
    seen.suggestions = await rowLabels(page, ".suggest-widget.visible .monaco-list-row");
    await page.keyboard.press("Escape");
  });

  // the hover on jwt( starts with the token
  await phase("hover", async () => {
    await goTo(page, { ...validCall, column: validCall.column - 3 });
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    const hover = page.locator(".monaco-hover-content", { hasText: "eyJ" });
    await hover.first().waitFor({ timeout: STEP });
    seen.hover = (await hover.first().innerText()).trim();
  });

  // inlay hints are dates; the server's lenses share the request's first line
  await phase("inlay hints and code lens", async () => {
    await page.keyboard.press("Escape"); // the hover, left open for its screenshot
    const hinted = editor.locator(".view-line", { hasText: "exp → " });
    await hinted.first().waitFor({ timeout: STEP });
    seen.inlayHintLine = await lineText(hinted);
    await editor.locator(".codelens-decoration", { hasText: "Preview token" }).first().waitFor({ timeout: STEP });
    seen.codeLenses = await editor.locator(".codelens-decoration").allTextContents();
  });

  // the preview of the valid jwt() call, from the command palette: a view with copy buttons
  const previewFrame = page.frameLocator("iframe.webview.ready").first().frameLocator("#active-frame");
  await phase("preview", async () => {
    await goTo(page, validCall);
    await runCommand(page, "IML: Preview signed token");
    const previewTab = page.locator(".tab", { hasText: "Token preview" });
    await previewTab.first().waitFor({ timeout: STEP });
    seen.previewTab = (await previewTab.first().textContent())?.trim();
    await previewFrame.locator("pre.token").first().waitFor({ timeout: STEP });
    seen.previewToken = (await previewFrame.locator("pre.token").first().textContent())?.trim();
    seen.previewText = (await previewFrame.locator("body").innerText()).split("\n").map((line) => line.trimEnd()).filter(Boolean);
    seen.previewButtons = await previewFrame.locator("button.copy").allTextContents();
    await previewFrame.locator("button.copy", { hasText: "Copy token" }).first().click();
    await page.locator(".statusbar-item", { hasText: "token copied" }).first().waitFor({ timeout: STEP });
    seen.clipboard = await page.evaluate(() => navigator.clipboard.readText());
  });

  // an edit of the file redraws the preview
  await phase("preview refresh", async () => {
    await editor.click(); // the focus is in the preview view after its button
    await goTo(page, { ...validAlgorithm, column: validAlgorithm.column + 2 }); // after 'HS
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.type("384");
    await previewFrame.locator("h2", { hasText: "(HS384)" }).first().waitFor({ timeout: STEP });
    seen.previewAfterEdit = (await previewFrame.locator("h2").first().textContent())?.trim();
  });

  // the server's lens on the invalid call shows that call's preview, which says why Make would fail
  await phase("preview from code lens", async () => {
    await editor.locator(".codelens-decoration a", { hasText: "(HS1)" }).first().click();
    const reason = previewFrame.locator(".failure", { hasText: "Make would fail to sign this token" });
    await reason.first().waitFor({ timeout: STEP });
    seen.previewFromLens = [(await previewFrame.locator("h2").first().textContent())?.trim(), (await reason.first().textContent())?.trim()];
  });

  // colours in the default theme (Dark Modern) with its semantic highlighting: IML apart from JSON keys and strings
  await phase("highlighting", async () => {
    seen.highlighting = await editor.locator(".view-line", { hasText: "Bearer {{jwt(" }).evaluate((line) =>
      Object.fromEntries([...line.querySelectorAll("span > span")].map((span) => [span.textContent.replace(/\u00a0/g, " ").trim(), getComputedStyle(span).color])),
    );
  });

  // --- a module of the example app: what it reads from its connection (oauth2)
  await openFile(page, MODULE); // make-app's, not run-app's
  const moduleEditor = page.locator(".monaco-editor", { has: page.locator(".view-line", { hasText: "A search returns every matching contact" }) }).first();
  await moduleEditor.locator(".view-line", { hasText: "A search returns" }).waitFor({ timeout: WAIT });

  // {{connection. offers the connection's parameters and the keys its response.data saves; pick scopes
  await phase("module connection completion", async () => {
    await moduleEditor.click();
    await goTo(page, queryValue);
    // pasted, not typed: typing `{`, `.` would start completions on the text as it was half-typed
    await page.evaluate(() => navigator.clipboard.writeText("{{connection.}}"));
    await page.keyboard.press("Control+V");
    await moduleEditor.locator(".view-line", { hasText: "{{connection.}}{{parameters" }).first().waitFor({ timeout: STEP });
    await goTo(page, { ...queryValue, column: queryValue.column + "{{connection.".length });
    await page.keyboard.press("Control+Space");
    await page.locator(".suggest-widget.visible .monaco-list-row").first().waitFor({ timeout: STEP });
    seen.connectionSuggestions = await rowLabels(page, ".suggest-widget.visible .monaco-list-row");
    await page.keyboard.type("scopes");
    await page.locator(".suggest-widget.visible .monaco-list-row.focused", { hasText: "scopes" }).first().waitFor({ timeout: STEP });
    await page.keyboard.press("Enter");
    await moduleEditor.locator(".view-line", { hasText: "{{connection.scopes}}" }).first().waitFor({ timeout: STEP });
    seen.connectionCompleted = await lineText(moduleEditor.locator(".view-line", { hasText: "{{connection.scopes}}" }));
  });

  // go to definition on connection.scopes opens the connection's params file at the parameter
  await phase("module go to definition", async () => {
    await goTo(page, { ...queryValue, column: queryValue.column + "{{connection.sc".length });
    await page.keyboard.press("F12");
    const tab = page.locator(".tab.active", { hasText: "oauth2.params.iml.json" });
    await tab.first().waitFor({ timeout: STEP });
    seen.definitionTab = (await tab.first().textContent())?.trim();
    const cursor = page.locator(".statusbar-item", { hasText: /^\s*Ln \d+, Col \d+/ }).first();
    await page.locator(".statusbar-item", { hasText: `Ln ${scopesLine}, Col` }).first().waitFor({ timeout: STEP }).catch(() => undefined);
    seen.definitionLine = (await cursor.textContent())?.trim();
    await page.locator(".tab", { hasText: "search-contacts.communication.iml.json" }).first().click(); // back to the module
    await moduleEditor.locator(".view-line", { hasText: "A search returns" }).click(); // away from the tab's tooltip, over the lens
    await moduleEditor.locator(".view-line", { hasText: "{{connection.scopes}}" }).first().waitFor({ timeout: STEP });
  });

  // IML: Check app says what it found
  await phase("check app", async () => {
    await runCommand(page, "IML: Check app");
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "files checked" });
    await toast.first().waitFor({ timeout: WAIT });
    seen.checkApp = (await toast.first().textContent())?.trim();
  });

  // the "Preview request" lens shows the request with base merged in, as HTTP and curl; Copy curl copies it
  await phase("module preview request", async () => {
    await moduleEditor.locator(".codelens-decoration a", { hasText: "Preview request" }).first().click();
    const previewTab = page.locator(".tab", { hasText: "Request preview" });
    await previewTab.first().waitFor({ timeout: STEP });
    seen.requestPreviewTab = (await previewTab.first().textContent())?.trim();
    const frame = await frameWith("pre.curl");
    seen.requestPreviewCurl = (await frame.locator("pre.curl").first().textContent())?.trim();
    seen.requestPreviewHttp = (await frame.locator("pre.http").first().textContent())?.trim();
    seen.requestPreviewText = (await frame.locator("body").innerText()).split("\n").map((line) => line.trimEnd()).filter(Boolean);
    seen.requestPreviewButtons = await frame.locator("button.copy").allTextContents();
    await frame.locator("button.copy", { hasText: "Copy curl" }).first().click();
    await page.locator(".statusbar-item", { hasText: "curl copied" }).first().waitFor({ timeout: STEP });
    seen.requestClipboard = await page.evaluate(() => navigator.clipboard.readText());
  });

  // --- sending for real, from the app whose URLs point at the local stand-in
  await moduleEditor.click(); // the focus back in the editors' group, so the file opens there
  await openFile(page, RUN_MODULE);
  const runEditor = page.locator(".monaco-editor", { has: page.locator(".view-line", { hasText: "A search returns every matching contact" }) }).first();
  const sendLens = runEditor.locator(".codelens-decoration a", { hasText: "Send request" }).first();
  const dialog = page.locator(".monaco-dialog-box");
  const textLines = (text) => text.split("\n").map((line) => line.trim()).filter(Boolean);

  /** Whether `locator` reaches `state` within a step (false, not an error, when it does not). */
  const settled = (locator, state) => locator.waitFor({ state, timeout: STEP }).then(() => true, () => false);

  /**
   * Answers what a run asks (Send in a confirmation naming the stand-in, Cancel in any other; Paste the
   * code on the authorization page, then `code` in the input box) until a view shows `selector`; the
   * view's frame and what was asked.
   */
  async function answerRun(selector, code) {
    const asked = { confirmations: [], authorizations: [], inputs: [] };
    const codeBox = page.locator(".quick-input-widget", { hasText: "authorization code" });
    const deadline = Date.now() + WAIT;
    while (Date.now() < deadline) {
      for (const frame of page.frames()) {
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) return { frame, ...asked };
      }
      // each answer is given once the question is drawn whole, and the loop looks again after it: on a
      // busy machine a dialog or the input box can take a while to appear or to go
      if (await dialog.isVisible()) {
        if (!(await settled(dialog.locator(".dialog-buttons .monaco-button").nth(1), "visible"))) continue; // drawn whole
        const question = textLines(await dialog.innerText());
        let answer = "Cancel"; // nothing leaves the machine but to the stand-in
        if (code !== undefined && question.includes("Paste the code")) {
          asked.authorizations.push(question); // the authorization page: the test has its code
          answer = "Paste the code";
        } else {
          asked.confirmations.push(question);
          if (question.includes(`Send this request to ${standInHost}?`)) answer = "Send";
        }
        await dialog.locator(".monaco-button", { hasText: answer }).first().click();
        await settled(dialog, "hidden");
      } else if (code !== undefined && (await codeBox.isVisible())) {
        asked.inputs.push(textLines(await codeBox.innerText()));
        await codeBox.locator("input:visible").first().fill(code);
        await page.keyboard.press("Enter");
        await settled(codeBox, "hidden");
      } else {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    return fail(`no view shows ${selector} (asked: ${JSON.stringify(asked)})`);
  }

  // the first send to the host asks, naming the host and the secret; Cancel sends nothing
  await phase("send request: cancel", async () => {
    await sendLens.waitFor({ timeout: WAIT });
    seen.runLenses = await runEditor.locator(".codelens-decoration").first().textContent();
    await sendLens.click();
    await dialog.waitFor({ timeout: STEP });
    seen.confirmation = textLines(await dialog.innerText());
    await dialog.locator(".monaco-button", { hasText: "Cancel" }).first().click();
    await dialog.waitFor({ state: "hidden", timeout: STEP });
    await page.locator(".statusbar-item", { hasText: "nothing was sent" }).first().waitFor({ timeout: STEP });
    seen.requestsAfterCancel = (await acmeReceived()).length;
  });

  // the OAuth 2 connection's token stage (from the palette, the cursor in the stage): Send, then the
  // authorization code in an input box; the view shows what the connection would store
  await phase("send request: authorization code", async () => {
    await runEditor.click();
    await openFile(page, RUN_OAUTH);
    await goTo(page, tokenStage);
    await runCommand(page, "IML: Send request");
    const { frame, confirmations, authorizations, inputs } = await answerRun("pre.stored", standIn.code);
    seen.tokenConfirmations = confirmations;
    seen.tokenAuthorizations = authorizations;
    seen.tokenInputs = inputs;
    seen.tokenText = (await frame.locator("body").innerText()).split("\n").map((line) => line.trimEnd()).filter(Boolean);
    seen.tokenStored = (await frame.locator("pre.stored").textContent())?.trim();
    seen.tokenRequests = (await acmeReceived()).filter((request) => request.path === "/oauth2/token");
  });

  // the module's lens again, with the token the connection stored: no second question, the Run result
  // view beside the file with three pages and a bundle per contact, the token masked
  await phase("send request: run result", async () => {
    await openFile(page, RUN_MODULE);
    await runEditor.locator(".view-line", { hasText: "A search returns" }).click();
    await sendLens.click();
    const { frame, confirmations } = await answerRun("pre.bundle");
    seen.moduleConfirmations = confirmations;
    seen.runTab = (await page.locator(".tab", { hasText: "Run result: search-contacts" }).first().textContent())?.trim();
    seen.runBundles = (await frame.locator("pre.bundle").allTextContents()).map((bundle) => JSON.parse(bundle));
    seen.runExchanges = await frame.locator("section.exchange h2").allTextContents();
    seen.runText = (await frame.locator("body").innerText()).split("\n").map((line) => line.trimEnd()).filter(Boolean);
    seen.runRequests = (await acmeReceived()).filter((request) => request.path === "/v2/contacts");
  });

  // a failure names the directive that decided it; its link shows that directive in the file
  await phase("send request: failure link", async () => {
    await runEditor.click();
    await openFile(page, RUN_CONNECTION);
    const connectionEditor = page.locator(".monaco-editor", { has: page.locator(".view-line", { hasText: "api_key" }) }).first();
    await connectionEditor.locator(".codelens-decoration a", { hasText: "Send request" }).first().click();
    const { frame, confirmations } = await answerRun("section.failure a.reveal");
    seen.connectionConfirmations = confirmations;
    seen.failure = textLines(await frame.locator("section.failure").innerText());
    seen.failureText = (await frame.locator("body").innerText()).split("\n").map((line) => line.trimEnd()).filter(Boolean);
    await frame.locator("section.failure a.reveal").first().click();
    await page.locator(".statusbar-item", { hasText: `Ln ${validLine},` }).first().waitFor({ timeout: STEP });
    seen.revealed = (await page.locator(".statusbar-item", { hasText: /^\s*Ln \d+, Col \d+/ }).first().textContent())?.trim();
    seen.revealedTab = (await page.locator(".tab.active", { hasText: "api-key.communication.iml.json" }).count()) > 0;
  });

  // the module again: its responses were saved, so its "Run on recorded response" lens runs on them
  await phase("run on recorded response", async () => {
    await openFile(page, RUN_MODULE);
    await runEditor.locator(".view-line", { hasText: "A search returns" }).click();
    const replayLens = runEditor.locator(".codelens-decoration a", { hasText: "Run on recorded response" }).first();
    await replayLens.waitFor({ timeout: STEP });
    seen.runLensesAfterSend = await runEditor.locator(".codelens-decoration").first().textContent();
    const before = (await acmeReceived()).length;
    await replayLens.click();
    const { frame } = await answerRun('p.meta:has-text("Replayed from")');
    seen.replayText = (await frame.locator("body").innerText()).split("\n").map((line) => line.trimEnd()).filter(Boolean);
    seen.replayBundles = await frame.locator("pre.bundle").count();
    seen.requestsDuringReplay = (await acmeReceived()).length - before;
    seen.recording = existsSync(join(WORKSPACE, RUN_MODULE.replace(/\.iml\.json$/, ".response.json")));
  });

  // Format Document (the server's formatting): a line per parameter, `": "` and `", "`, nothing else changed
  await phase("format document", async () => {
    await openFile(page, UNTIDY);
    const untidyEditor = page.locator(".monaco-editor", { has: page.locator(".view-line", { hasText: "Contact ID" }) }).first();
    await untidyEditor.locator(".view-line", { hasText: "Contact ID" }).first().click();
    await runCommand(page, "Format Document");
    const formattedLine = untidyEditor.locator(".view-line", { hasText: '"label": "Contact ID"' }).first();
    await formattedLine.waitFor({ timeout: STEP });
    seen.formatted = await Promise.all([0, 1, 2, 3].map((n) => lineText(untidyEditor.locator(".view-line").nth(n))));
  });
} catch (error) {
  failure = error;
} finally {
  if (page) await page.screenshot({ path: join(RUN, "screenshot.png") }).catch(() => undefined);
  seen.serverLog = serverLog().split("\n").filter((line) => /Looking for|^\s+(the|iml-ls|python|imlLs)|Starting the server|Installing|Successfully/.test(line.replace(/^\S+ \S+ \[\w+\] /, "")));
  await browser?.close();
  for (const child of [codeServer, acme]) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

// --- verdict
const problems = [];
const expect = (ok, what) => ok || problems.push(what);
if (failure) problems.push(`the run stopped: ${failure.message.split("\n")[0]}`);
for (const [name, message] of Object.entries(phaseErrors)) problems.push(`${name}: ${message}`);
expect(seen.squiggles >= 1, "a squiggle in the editor");
const where = `[Ln ${invalidAlgorithm.line}, Col ${invalidAlgorithm.column}]`;
expect(
  (seen.problems ?? []).some((row) => row.includes("IML301") && row.includes(where) && row.includes("HS1")),
  `a Problems entry with IML301 for 'HS1' at ${where}`,
);
for (const algorithm of ["HS256", "HS384", "HS512", "RS256"]) {
  expect((seen.suggestions ?? []).some((label) => label.startsWith(algorithm)), `${algorithm} among the completions`);
}
expect(
  (seen.codeLenses ?? []).length === 1 && /Preview token #1 \(HS256\).*Preview token #2 \(HS1\)/.test(seen.codeLenses[0]),
  "the lenses of both jwt() calls on one line, the request's first",
);
expect(
  (seen.problems ?? []).some((row) => row.includes("other.communication.iml.json")) && (seen.problems ?? []).some((row) => row.includes("IML101")),
  "the problems of a file that was never opened (other.communication.iml.json, IML101)",
);
expect(seen.autoClosed?.includes('v1/me{{}}"'), "{{ closed with }} inside a string");
expect(seen.firstSuggestionKinds?.[0] === "function", `functions first after {{ (saw ${seen.firstSuggestionKinds})`);
expect(/^Token \(HS256, \d+ characters\)\s+eyJ/.test(seen.hover ?? ""), "the hover on jwt( starts with the token");
expect((seen.hover ?? "").split(/eyJ[\w-]+\.eyJ/).length === 2, "the token once in the hover");
expect(/exp → \d{4}-\d\d-\d\d \d\d:\d\d UTC/.test(seen.inlayHintLine ?? ""), "the exp inlay hint is a date");
const colours = seen.highlighting ?? {};
const key = colours['"authorization"'];
expect(colours.jwt && colours.temp && colours.jwt !== colours['"Bearer'] && colours.temp !== colours['"Bearer'], "IML coloured apart from the JSON string");
expect(colours.temp && key && colours.temp !== key && colours.parameters !== key, `IML variables coloured apart from JSON keys (${JSON.stringify(colours)})`);
expect(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/.test(seen.previewToken ?? ""), "a signed token eyJ… in the preview view");
expect((seen.previewText ?? []).some((line) => line.includes('"alg": "HS256"')), "the decoded header in the preview");
expect(
  ["Copy token", "Copy header", "Copy payload", "Copy curl"].every((label) => (seen.previewButtons ?? []).includes(label)),
  "copy buttons for the token, header, payload and curl",
);
expect(seen.clipboard === seen.previewToken, "Copy token puts the token on the clipboard");
expect(seen.previewAfterEdit?.includes("(HS384)"), "the preview follows an edit of the file");
expect(
  (seen.previewFromLens ?? []).join("\n").includes(`line ${invalidAlgorithm.line}`) && (seen.previewFromLens ?? []).join("\n").includes("(HS1)"),
  "the lens on the 'HS1' call previews that call and why Make would fail",
);
const plantedWhere = `[Ln ${misspelt.line}, Col ${misspelt.column}]`;
expect(
  (seen.unopenedProblems ?? []).some((row) => row.includes("IML201") && row.includes("emial") && row.includes(plantedWhere)),
  `the planted IML201 of ${PLANTED}, never opened, at ${plantedWhere}`,
);
expect(
  (seen.unopenedProblems ?? []).filter((row) => row.includes("IML201")).length === 1 &&
    (seen.unopenedProblems ?? []).filter((row) => row.includes("IML101")).length === 1,
  "each problem of a file never opened listed once (pulled, not also pushed)",
);
for (const name of ["scopes", "accessToken", "refreshToken", "expires"]) {
  expect((seen.connectionSuggestions ?? []).some((label) => label.startsWith(name)), `${name} (oauth2's) among the completions after {{connection.`);
}
expect(seen.connectionCompleted?.includes('"q": "{{connection.scopes}}{{parameters.query}}"'), "choosing scopes completes {{connection.scopes}}");
expect(seen.definitionTab?.includes("oauth2.params.iml.json"), "go to definition on connection.scopes opens oauth2.params.iml.json");
expect(seen.definitionLine?.startsWith(`Ln ${scopesLine},`), `the definition is the parameter's line ${scopesLine} (saw ${seen.definitionLine})`);
expect(/IML: \d+ files checked, [1-9]\d* errors/.test(seen.checkApp ?? ""), `IML: Check app reports the errors (saw ${seen.checkApp})`);
expect(seen.requestPreviewTab?.includes("search-contacts.communication.iml.json"), "the Request preview view of the module");
const curl = seen.requestPreviewCurl ?? "";
expect(curl.startsWith("curl ") && curl.includes("https://api.acme-crm.example/v2/contacts?q=offline_access"), `a curl command with base's URL and connection.scopes' default (saw ${curl})`);
expect(curl.includes("authorization: Bearer ••••") && curl.includes("accept: application/json"), "base's headers merged in, the token masked");
expect(/^GET \/v2\/contacts\?q=offline_access\S* HTTP\/1\.1\s+Host: api\.acme-crm\.example/.test(seen.requestPreviewHttp ?? ""), "the HTTP text of the request");
expect(["Copy curl", "Copy HTTP"].every((label) => (seen.requestPreviewButtons ?? []).includes(label)), "copy buttons for curl and HTTP");
expect(seen.requestClipboard !== undefined && seen.requestClipboard === curl, "Copy curl puts the curl command on the clipboard");

const host = (seen.acmeOrigin ?? "").replace(/^http:\/\//, "");
const confirmation = (seen.confirmation ?? []).join("\n");
const [accessToken] = standIn.secrets;
expect(/Send request/.test(seen.runLenses ?? ""), `a Send request lens on the module (saw ${seen.runLenses})`);
expect(confirmation.includes(`Send this request to ${host}?`) && confirmation.includes("connection.accessToken"), `the confirmation names ${host} and the token (saw ${confirmation})`);
expect(["Send", "Cancel"].every((label) => (seen.confirmation ?? []).includes(label)), "the confirmation's Send and Cancel buttons");
expect(seen.requestsAfterCancel === 0, `Cancel sends nothing (the stand-in received ${seen.requestsAfterCancel})`);
expect((seen.tokenConfirmations ?? []).length === 1, `the token stage asks once for the host (saw ${JSON.stringify(seen.tokenConfirmations)})`);
expect(
  (seen.tokenAuthorizations ?? []).length === 1 &&
    ["Open", "Paste the code"].every((label) => seen.tokenAuthorizations[0].includes(label)) &&
    seen.tokenAuthorizations[0].some((line) => line.startsWith(`${seen.acmeOrigin}/oauth2/authorize?`)),
  `the authorization page shown with Open (saw ${JSON.stringify(seen.tokenAuthorizations)})`,
);
expect((seen.tokenInputs ?? []).length === 1 && seen.tokenInputs[0][0] === "IML: authorization code", `the code asked for in an input box (saw ${JSON.stringify(seen.tokenInputs)})`);
expect((seen.tokenRequests ?? []).length === 1 && seen.tokenRequests[0].body.includes(`code=${standIn.code}`), "the pasted code sent to the token endpoint");
expect(/accessToken/.test(seen.tokenStored ?? "") && !(seen.tokenStored ?? "").includes(accessToken), `what the connection would store, the token masked (saw ${seen.tokenStored})`);
expect((seen.moduleConfirmations ?? []).length === 0 && (seen.connectionConfirmations ?? []).length === 0, "no second question for a host already confirmed");
expect(seen.runTab?.includes("Run result: search-contacts.communication.iml.json"), `the Run result view of the module (saw ${seen.runTab})`);
const names = (seen.runBundles ?? []).map((bundle) => bundle.name);
const found = standIn.contacts.map((contact) => contact.name);
expect(JSON.stringify(names) === JSON.stringify(found), `the ${found.length} contacts as output bundles, over three pages (saw ${JSON.stringify(seen.runBundles)})`);
expect((seen.runExchanges ?? []).length === 3, `three exchanges, one per page (saw ${seen.runExchanges})`);
expect((seen.runText ?? []).includes("authorization: Bearer ••••"), "the token masked in the request shown");
expect(
  (seen.runRequests ?? []).length === 3 && seen.runRequests.every((request) => request.headers.authorization === `Bearer ${accessToken}`),
  "the stand-in received the three pages with the token the connection stored",
);
const shownRuns = [...(seen.runText ?? []), ...(seen.tokenText ?? []), ...(seen.failureText ?? []), ...(seen.replayText ?? []), confirmation].join("\n");
for (const secret of [...standIn.secrets, "acme-client-secret-placeholder"]) { // the last: common.json's clientSecret
  expect(!shownRuns.includes(secret), `no secret shown in the confirmation or the Run result views (${secret.slice(0, 4)}…)`);
}
expect((seen.failure ?? []).some((line) => line.includes("This API key is locked")), `the failure's message (saw ${seen.failure})`);
expect((seen.failure ?? []).some((line) => /^Decided by .*valid.* at line \d+/.test(line)), `the failure names its directive with a link (saw ${seen.failure})`);
expect(seen.revealed?.startsWith(`Ln ${validLine},`) && seen.revealedTab, `the link shows the valid directive, line ${validLine} (saw ${seen.revealed})`);
expect((seen.replayText ?? []).some((line) => /^Replayed from .*search-contacts\.communication\.response\.json: nothing was sent\.$/.test(line)), "the replay says where it came from");
expect(seen.replayBundles === found.length && seen.requestsDuringReplay === 0, `the replay's ${found.length} bundles, nothing sent (saw ${seen.replayBundles}, ${seen.requestsDuringReplay})`);
expect(seen.recording === true, "the responses saved next to the module");
expect(/Run on recorded response/.test(seen.runLensesAfterSend ?? ""), `the Run on recorded response lens once they are (saw ${seen.runLensesAfterSend})`);

expect(
  JSON.stringify([...(seen.formatted ?? [])].sort()) ===
    JSON.stringify(["[", "]", '{"name": "id", "type": "text", "label": "Contact ID"},', '{"name": "name", "type": "text", "label": "Name"}'].sort()),
  `Format Document lays out the untidy interface file (saw ${JSON.stringify(seen.formatted)})`,
);
expect(!existsSync(HOSTILE_MARKER), "the workspace's imlLs.server.command is not run");
expect((seen.serverLog ?? []).some((line) => line.includes("from the bundled server")), "the bundled server set up and started");
expect(!serverLog().includes("[Trace"), "the workspace cannot turn the message trace on");
expect((seen.statusBar ?? []).length === 2, "a status bar item while the server starts, then once it runs");

console.log(JSON.stringify(seen, null, 2));
if (problems.length > 0) {
  // the verdict last: a CI log that keeps only its tail still shows what was missing
  console.error(`server log (its end):\n${serverLog().split("\n").slice(-40).join("\n")}`);
  console.error(`screenshot: ${join(RUN, "screenshot.png")}; code-server log: ${join(RUN, "code-server.log")}`);
  console.error(`\nend-to-end test FAILED; missing:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log("\nend-to-end test passed");
