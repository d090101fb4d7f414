// The preview views: HTML rendered from the JSON of the server's `iml.previewToken` command (copy
// buttons for each token, header, payload and the request as curl) and of its `iml.previewRequest`
// command (each request Make would send, base merged in, as HTTP text and as curl, with copy
// buttons), and the page, escaping and blocks every view shares (the Run result view, run.ts, too).
// Kept free of the vscode API so the unit tests can run it in plain node. Every value comes from the
// opened files, so every value is escaped, and the page runs only its own script (a nonce under a
// strict CSP).

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface PreviewToken {
  range: LspRange;
  /** The signed token, or null when Make would fail to sign (see `error`). */
  token: string | null;
  header: unknown;
  payload: unknown;
  algorithm: string | null;
  /** Human forms of the time claims, e.g. {"exp": "2023-11-14 23:13:20 UTC (in 1 h)"}. */
  times?: Record<string, string>;
  error?: string | null;
  placeholders?: string[];
}

/** One evaluated request: url, method, headers, qs, body as Make would send them. */
export interface PreviewRequest {
  url?: unknown;
  method?: unknown;
  headers?: unknown;
  qs?: unknown;
  body?: unknown;
  stage?: string;
}

export interface PreviewResult {
  /** The clock the preview was signed at, in Unix seconds. */
  now?: number;
  /** The sample-values file used, or null when every missing value became a placeholder. */
  samples?: string | null;
  requests: PreviewRequest[];
  tokens: PreviewToken[];
  placeholders: string[];
  errors: { range: LspRange; message: string }[];
  /** Why values are placeholders and how to change that. */
  notes?: string[];
}

/** Whether a value has the shape of a preview result (the command's answer is untyped JSON). */
export function isPreviewResult(value: unknown): value is PreviewResult {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const candidate = value as Record<string, unknown>;
  return Array.isArray(candidate.tokens) && Array.isArray(candidate.placeholders) && Array.isArray(candidate.errors);
}

/** "2023-11-14 22:13:20 UTC" for Unix seconds. */
export function formatUtc(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A server message, escaped, with its `code spans` shown as code. */
export function message(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

export function at(range: LspRange): string {
  return `line ${range.start.line + 1}, column ${range.start.character + 1}`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The request as a curl command line (null when its URL did not evaluate to text). */
export function curlCommand(request: PreviewRequest): string | null {
  if (typeof request.url !== "string" || request.url === "") {
    return null;
  }
  let url = request.url;
  if (request.qs && typeof request.qs === "object") {
    const pairs = Object.entries(request.qs as Record<string, unknown>).map(([key, value]): [string, string] => [key, String(value)]);
    const query = new URLSearchParams(pairs).toString();
    if (query) {
      url += (url.includes("?") ? "&" : "?") + query;
    }
  }
  const parts = ["curl"];
  const method = typeof request.method === "string" ? request.method.toUpperCase() : "GET";
  if (method !== "GET") {
    parts.push("-X", method);
  }
  parts.push(shellQuote(url));
  if (request.headers && typeof request.headers === "object") {
    for (const [name, value] of Object.entries(request.headers as Record<string, unknown>)) {
      parts.push("-H", shellQuote(`${name}: ${typeof value === "string" ? value : JSON.stringify(value)}`));
    }
  }
  if (request.body !== undefined && request.body !== null) {
    parts.push("--data", shellQuote(typeof request.body === "string" ? request.body : JSON.stringify(request.body)));
  }
  return parts.join(" ");
}

export function copyButton(label: string, text: string): string {
  return `<button class="copy" data-copy="${escapeHtml(text)}">${escapeHtml(label)}</button>`;
}

export function block(kind: string, text: string): string {
  return `<pre class="${kind}">${escapeHtml(text)}</pre>`;
}

function tokenSection(token: PreviewToken, index: number, count: number): string {
  const title = `${count > 1 ? `jwt() #${index + 1}` : "jwt()"} at ${at(token.range)}${token.algorithm ? ` (${token.algorithm})` : ""}`;
  const parts = [`<section class="token-preview"><h2>${escapeHtml(title)}</h2>`];
  if (token.token === null) {
    parts.push(`<p class="failure">Make would fail to sign this token: ${message(token.error ?? "unknown error")}</p></section>`);
    return parts.join("");
  }
  const header = JSON.stringify(token.header, null, 2);
  const payload = JSON.stringify(token.payload, null, 2);
  parts.push(
    `<h3>Token <span class="quiet">(${token.token.length} characters)</span> ${copyButton("Copy token", token.token)}</h3>`,
    block("token", token.token),
    `<div class="parts"><div><h3>Header ${copyButton("Copy header", header)}</h3>${block("json", header)}</div>`,
    `<div><h3>Payload ${copyButton("Copy payload", payload)}</h3>${block("json", payload)}</div></div>`,
  );
  const times = Object.entries(token.times ?? {});
  if (times.length > 0) {
    parts.push(`<ul class="times">${times.map(([claim, when]) => `<li><b>${escapeHtml(claim)}</b>: ${escapeHtml(when)}</li>`).join("")}</ul>`);
  }
  if (token.placeholders && token.placeholders.length > 0) {
    parts.push(`<p class="note">Placeholders in this token: ${escapeHtml(token.placeholders.join(", "))}</p>`);
  }
  parts.push("</section>");
  return parts.join("");
}

function requestSection(request: PreviewRequest, index: number, count: number): string {
  const curl = curlCommand(request);
  if (curl === null) {
    return "";
  }
  const name = request.stage ? `The ${request.stage} request` : count > 1 ? `Request #${index + 1}` : "The request";
  return `<section class="request"><h2>${escapeHtml(name)} as curl ${copyButton("Copy curl", curl)}</h2>${block("curl", curl)}</section>`;
}

const STYLE = `
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em 1em; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.4em; } h3 { font-size: 1em; margin: 0.8em 0 0.3em; }
pre { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0.5em; margin: 0; }
pre.token, pre.curl, pre.http { white-space: pre-wrap; word-break: break-all; }
.parts { display: flex; gap: 1em; flex-wrap: wrap; } .parts > div { flex: 1 1 20em; min-width: 0; }
.quiet, .note, .meta { color: var(--vscode-descriptionForeground); } .failure { color: var(--vscode-errorForeground); }
button.copy { font-size: 0.85em; margin-left: 0.6em; color: var(--vscode-button-secondaryForeground);
  background: var(--vscode-button-secondaryBackground); border: none; padding: 0.15em 0.6em; cursor: pointer; }
button.copy:hover { background: var(--vscode-button-secondaryHoverBackground); }
`;

/** One request of the server's `iml.previewRequest` answer (secrets already masked by the server). */
export interface SentRequest {
  label: string;
  range: LspRange;
  page: number;
  fromBase: string[];
  temp: { key: string; value: unknown }[];
  /** Why Make would skip it (its `condition` is false with the sample values), or null. */
  skipped: string | null;
  method: string;
  /** Null for a request that only evaluates `temp` and `output`. */
  url: string | null;
  http: string;
  curl: string;
  paginationCondition: string | null;
  tokens: { algorithm: string | null; error: string | null }[];
}

export interface RequestPreviewResult {
  /** The component the file belongs to, e.g. "a module". */
  context: string;
  now: number;
  samples: string | null;
  secrets: "masked" | "revealed";
  assumptions: string[];
  note: string | null;
  requests: SentRequest[];
  placeholders: string[];
  /** Where Make would fail; `file` instead of `range` for an error in another file (base). */
  errors: { message: string; range?: LspRange; file?: string }[];
}

/** Whether a value has the shape of a request preview (the command's answer is untyped JSON). */
export function isRequestPreviewResult(value: unknown): value is RequestPreviewResult {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const candidate = value as Record<string, unknown>;
  return (
    (candidate.secrets === "masked" || candidate.secrets === "revealed") &&
    Array.isArray(candidate.requests) &&
    candidate.requests.every((request: unknown) => typeof (request as Partial<SentRequest> | null)?.curl === "string") &&
    Array.isArray(candidate.placeholders) &&
    Array.isArray(candidate.errors)
  );
}

function sentRequestSection(request: SentRequest): string {
  const parts = [`<section class="request"><h2>${escapeHtml(`${request.label} at ${at(request.range)}`)}</h2>`];
  if (request.fromBase.length > 0) {
    parts.push(`<p class="meta">From base: ${escapeHtml(request.fromBase.join(", "))}</p>`);
  }
  if (request.temp.length > 0) {
    parts.push(block("json", request.temp.map(({ key, value }) => `temp.${key} = ${JSON.stringify(value) ?? "undefined"}`).join("\n")));
  }
  if (request.skipped) {
    parts.push(`<p class="note">${message(request.skipped)}</p>`);
  }
  if (request.paginationCondition) {
    parts.push(`<p class="note">Sent while <code>pagination.condition</code> (${escapeHtml(request.paginationCondition)}) is true.</p>`);
  }
  for (const token of request.tokens) {
    if (token.error) {
      parts.push(`<p class="failure">jwt(): Make would fail: ${message(token.error)}</p>`);
    }
  }
  if (request.url === null) {
    parts.push("<p>No HTTP request: it only evaluates <code>temp</code> and <code>output</code>.</p></section>");
    return parts.join("");
  }
  parts.push(
    `<h3>curl ${copyButton("Copy curl", request.curl)}</h3>`,
    block("curl", request.curl),
    `<h3>HTTP ${copyButton("Copy HTTP", request.http)}</h3>`,
    block("http", request.http.replace(/\r\n/g, "\n")),
    "</section>",
  );
  return parts.join("");
}

/** The page for the request preview of `fileName` (see `renderPreviewHtml` for `nonce` and `cspSource`). */
export function renderRequestPreviewHtml(result: RequestPreviewResult, fileName: string, nonce: string, cspSource: string): string {
  const meta = [
    `${result.context[0]?.toUpperCase() ?? ""}${result.context.slice(1)}, evaluated at ${formatUtc(result.now)}`,
    `Sample values: ${result.samples ?? "none found, so missing values are parameter defaults or placeholders"}`,
    result.secrets === "masked" ? "Secrets are masked as ••••: copy the curl command to see the request's shape." : "Secrets are shown.",
  ];
  if (result.placeholders.length > 0) {
    meta.push(`Placeholders (not real values): ${result.placeholders.join(", ")}`);
  }
  const body = [`<h1>Request preview: ${escapeHtml(fileName)}</h1>`, ...meta.map((line) => `<p class="meta">${escapeHtml(line)}</p>`)];
  if (result.note) {
    body.push(`<p class="note">${message(result.note)}</p>`);
  }
  if (result.requests.length === 0) {
    body.push("<p>No request in this file.</p>");
  }
  body.push(...result.requests.map(sentRequestSection));
  if (result.errors.length > 0) {
    const where = (error: RequestPreviewResult["errors"][number]) => (error.range ? at(error.range) : (error.file ?? ""));
    body.push(`<h2>Errors</h2><ul>${result.errors.map((error) => `<li>${escapeHtml(where(error))}: ${message(error.message)}</li>`).join("")}</ul>`);
  }
  body.push(`<h2>Assumptions</h2><ul>${result.assumptions.map((line) => `<li class="note">${message(line)}</li>`).join("")}</ul>`);
  return page(body, nonce, cspSource);
}

/**
 * The page for the preview of `fileName`. `nonce` marks the page's one script (which sends the copy
 * buttons' text to the extension); `cspSource` is the webview's own origin for styles.
 */
export function renderPreviewHtml(result: PreviewResult, fileName: string, nonce: string, cspSource: string): string {
  const meta: string[] = [];
  if (result.now !== undefined) {
    meta.push(`Signed at ${formatUtc(result.now)} (${result.now.toFixed(0)} Unix seconds)`);
  }
  meta.push(`Sample values: ${result.samples ?? "none found, so missing values are placeholders"}`);
  if (result.placeholders.length > 0) {
    meta.push(`Placeholders (not real values): ${result.placeholders.join(", ")}`);
  }
  const body = [`<h1>Token preview: ${escapeHtml(fileName)}</h1>`, ...meta.map((line) => `<p class="meta">${escapeHtml(line)}</p>`)];
  if (result.tokens.length === 0) {
    body.push("<p>No jwt() call in this file.</p>");
  }
  body.push(...result.tokens.map((token, index) => tokenSection(token, index, result.tokens.length)));
  body.push(...result.requests.map((request, index) => requestSection(request, index, result.requests.length)));
  if (result.errors.length > 0) {
    body.push(`<h2>Errors</h2><ul>${result.errors.map((error) => `<li>${escapeHtml(at(error.range))}: ${message(error.message)}</li>`).join("")}</ul>`);
  }
  for (const note of result.notes ?? []) {
    body.push(`<p class="note">${escapeHtml(note)}</p>`);
  }
  return page(body, nonce, cspSource);
}

/** A link that shows `range` of the viewed file in its editor (the page's script asks the extension). */
export function revealLink(range: LspRange, text: string = at(range)): string {
  return `<a href="#" class="reveal" data-range="${escapeHtml(JSON.stringify(range))}">${escapeHtml(text)}</a>`;
}

/**
 * The HTML page around `body`: the strict CSP, the style (the shared one and `style`), and the
 * script that sends the copy buttons' text and the reveal links' ranges to the extension.
 */
export function page(body: string[], nonce: string, cspSource: string, style = ""): string {
  const csp = `default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';`;
  const script = `const vscode = acquireVsCodeApi();
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (button) { vscode.postMessage({ copy: button.dataset.copy, what: button.textContent }); }
  const link = event.target.closest("a.reveal");
  if (link) { event.preventDefault(); vscode.postMessage({ reveal: JSON.parse(link.dataset.range) }); }
});`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<style>${STYLE}${style}</style></head><body>${body.join("\n")}<script nonce="${nonce}">${script}</script></body></html>`;
}
