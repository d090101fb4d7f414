// "Send request" and "Run on recorded response": the answers of the server's `iml.runRequest` command
// (a host to confirm, an input to ask for, or the result of the run), the conversation that leads to a
// result, and the Run result page drawn from it. Kept free of the vscode API (the dialogs are passed
// in) so the unit tests run it in plain node. The server masks every secret (••••) before it answers;
// nothing here unmasks, stores or logs what a run sent or received.
import { block, copyButton, escapeHtml, LspPosition, LspRange, message, page, revealLink } from "./preview";

/** What `iml.runRequest` takes (one object): the file, where in it, and what the user already answered. */
export interface RunArguments {
  uri: string;
  position?: LspPosition;
  /** An OAuth 2 connection's stage: "token", "info", … */
  stage?: string;
  /** How many pages to follow when the component has `pagination`. */
  pages?: number;
  /** The authorization code the user pasted (an OAuth 2 `token` stage). */
  code?: string;
  confirmedHosts?: string[];
  /** Save the responses next to the component (`<name>.response.json`). */
  record?: boolean;
  /** Answer from the saved responses instead of sending. */
  replay?: boolean;
}

/** The first send to a host: which host, and which secrets would go there. */
export interface HostConfirmation {
  host: string;
  secrets: string[];
  message: string;
}

/** A value only the user has: the authorization code of an OAuth 2 `token` stage. */
export interface InputRequest {
  name: string;
  prompt: string;
  /** Where the user gets the code (the connection's `authorize` URL), when known. */
  authorizeUrl: string | null;
}

export type Header = [name: string, value: string];

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Header[];
  body: string | null;
}

export interface ExchangeResponse {
  status: number;
  headers: Header[];
  body: string;
  elapsedMs: number;
}

/** One response directive as Make applied it, in Make's order. */
export interface RunStep {
  directive: string;
  value: unknown;
  range: LspRange | null;
}

export interface Exchange {
  label: string;
  page: number;
  request: ExchangeRequest;
  /** Null when nothing came back (the request failed before a response, or was not sent). */
  response: ExchangeResponse | null;
  steps: RunStep[];
}

/** The directive that decided that Make would fail, and the error Make would raise. */
export interface RunFailure {
  directive: string;
  errorType: string;
  message: string;
  range: LspRange | null;
}

export interface RunResult {
  file: string;
  /** The component the file belongs to, e.g. "a search module". */
  context: string;
  stage: string | null;
  exchanges: Exchange[];
  /** The output bundles as Make would emit them. */
  outputs: unknown[];
  /** What the connection (data, expires, uid, metadata) or the webhook would store. */
  stored: Record<string, unknown> | null;
  failure: RunFailure | null;
  recordedTo: string | null;
  replayedFrom: string | null;
  notes: string[];
}

export type RunAnswer = { confirm: HostConfirmation } | { needsInput: InputRequest } | { result: RunResult };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === "string";
const isStringOrNull = (value: unknown): boolean => value === null || value === undefined || typeof value === "string";
const isHeaders = (value: unknown): value is Header[] =>
  Array.isArray(value) && value.every((pair: unknown) => Array.isArray(pair) && pair.length === 2 && pair.every(isString));

export function isRange(value: unknown): value is LspRange {
  const position = (candidate: unknown) => isObject(candidate) && Number.isInteger(candidate.line) && Number.isInteger(candidate.character);
  return isObject(value) && position(value.start) && position(value.end);
}

const isRangeOrNull = (value: unknown): boolean => value === null || value === undefined || isRange(value);

function isExchange(value: unknown): value is Exchange {
  if (!isObject(value) || !isString(value.label) || typeof value.page !== "number" || !Array.isArray(value.steps)) {
    return false;
  }
  const { request, response } = value;
  const requestOk = isObject(request) && isString(request.method) && isString(request.url) && isHeaders(request.headers) && isStringOrNull(request.body);
  const responseOk =
    response === null ||
    (isObject(response) && typeof response.status === "number" && isHeaders(response.headers) && isString(response.body) && typeof response.elapsedMs === "number");
  return requestOk && responseOk && value.steps.every((step: unknown) => isObject(step) && isString(step.directive) && isRangeOrNull(step.range));
}

function isRunResult(value: unknown): value is RunResult {
  if (!isObject(value)) {
    return false;
  }
  const { failure } = value;
  return (
    isString(value.file) &&
    isString(value.context) &&
    isStringOrNull(value.stage) &&
    Array.isArray(value.exchanges) &&
    value.exchanges.every(isExchange) &&
    Array.isArray(value.outputs) &&
    (value.stored === null || value.stored === undefined || isObject(value.stored)) &&
    (failure === null || failure === undefined || (isObject(failure) && isString(failure.directive) && isString(failure.message) && isRangeOrNull(failure.range))) &&
    isStringOrNull(value.recordedTo) &&
    isStringOrNull(value.replayedFrom) &&
    (value.notes === undefined || (Array.isArray(value.notes) && value.notes.every(isString)))
  );
}

/** The server's answer, checked against the contract (it is untyped JSON); throws on any other shape. */
export function readRunAnswer(value: unknown): RunAnswer {
  if (isObject(value)) {
    const { confirm, needsInput, result } = value;
    if (isObject(confirm) && isString(confirm.host) && Array.isArray(confirm.secrets) && confirm.secrets.every(isString) && isString(confirm.message)) {
      return { confirm: { host: confirm.host, secrets: confirm.secrets, message: confirm.message } };
    }
    if (isObject(needsInput) && isString(needsInput.name) && isString(needsInput.prompt) && isStringOrNull(needsInput.authorizeUrl)) {
      return { needsInput: { name: needsInput.name, prompt: needsInput.prompt, authorizeUrl: (needsInput.authorizeUrl as string | undefined) ?? null } };
    }
    if (isRunResult(result)) {
      return {
        result: {
          ...result,
          stage: result.stage ?? null,
          stored: result.stored ?? null,
          failure: result.failure ? { ...result.failure, errorType: result.failure.errorType ?? "", range: result.failure.range ?? null } : null,
          recordedTo: result.recordedTo ?? null,
          replayedFrom: result.replayedFrom ?? null,
          notes: result.notes ?? [],
          exchanges: result.exchanges.map((exchange) => ({ ...exchange, steps: exchange.steps.map((step) => ({ ...step, range: step.range ?? null })) })),
        },
      };
    }
  }
  throw new Error("the server's answer to iml.runRequest is not a confirmation, an input request or a run result");
}

/** What the user is asked on the way to a result. */
export interface RunDialogs {
  /** Whether to send to `confirmation.host`: true sends, false cancels the run (nothing is sent). */
  confirmHost(confirmation: HostConfirmation): Promise<boolean>;
  /** The value the server needs (the authorization code), or undefined to cancel the run. */
  askForInput(request: InputRequest): Promise<string | undefined>;
}

/**
 * Asks the server (`ask` sends `iml.runRequest`) until it answers with a result: each host it names is
 * confirmed by the user and added to `confirmedHosts`, the authorization code it needs is asked for and
 * passed as `code`. Undefined when the user cancels; an error when the server asks for the same thing twice.
 */
export async function runUntilResult(ask: (args: RunArguments) => Promise<unknown>, first: RunArguments, dialogs: RunDialogs): Promise<RunResult | undefined> {
  let args: RunArguments = { ...first };
  for (;;) {
    const answer = readRunAnswer(await ask(args));
    if ("result" in answer) {
      return answer.result;
    }
    if ("confirm" in answer) {
      const { host } = answer.confirm;
      if (args.confirmedHosts?.includes(host)) {
        throw new Error(`the server asked again to confirm ${host}`);
      }
      if (!(await dialogs.confirmHost(answer.confirm))) {
        return undefined;
      }
      args = { ...args, confirmedHosts: [...(args.confirmedHosts ?? []), host] };
      continue;
    }
    const { needsInput } = answer;
    if (needsInput.name !== "code") {
      throw new Error(`the server asks for ${needsInput.name}, which the extension cannot give`);
    }
    if (args.code !== undefined) {
      throw new Error("the server asked again for the authorization code");
    }
    const code = await dialogs.askForInput(needsInput);
    if (code === undefined) {
      return undefined;
    }
    args = { ...args, code };
  }
}

/**
 * The modal question before the first send to a host: the host in the question, the server's message
 * below it, and the secrets that go there (unless the message names each of them already).
 */
export function confirmationText(confirmation: HostConfirmation): { message: string; detail: string } {
  const { host, secrets, message } = confirmation;
  const unnamed = secrets.filter((secret) => !message.includes(secret));
  const carried = secrets.length === 0 ? "It carries no secret." : `It carries these secrets: ${secrets.join(", ")}.`;
  const detail = message && unnamed.length === 0 && (secrets.length > 0 || /secret/i.test(message)) ? message : [message, carried].filter(Boolean).join("\n\n");
  return { message: `Send this request to ${host}?`, detail };
}

/** Whether a URL the server names may be opened in the browser (a page, not a program or a file). */
export function isWebAddress(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

const json = (value: unknown): string => JSON.stringify(value, null, 2) ?? "undefined";

/** A body as it reads best: JSON indented, anything else as it came. */
function bodyText(body: string, headers: Header[]): string {
  const type = headers.find(([name]) => name.toLowerCase() === "content-type")?.[1] ?? "";
  if (/json/i.test(type) || /^\s*[[{]/.test(body)) {
    try {
      return json(JSON.parse(body));
    } catch {
      // not JSON after all: shown as it came
    }
  }
  return body;
}

const headerText = (headers: Header[]) => headers.map(([name, value]) => `${name}: ${value}`).join("\n");

function stepsTable(steps: RunStep[]): string {
  const rows = steps.map(
    (step) =>
      `<tr><td><code>${escapeHtml(step.directive)}</code>${step.range ? ` <span class="quiet">${revealLink(step.range)}</span>` : ""}</td>` +
      `<td>${block("json", json(step.value))}</td></tr>`,
  );
  return `<h3>Response directives, in Make's order</h3><table class="steps">${rows.join("")}</table>`;
}

function exchangeSection(exchange: Exchange): string {
  const { request, response } = exchange;
  const requestText = [`${request.method} ${request.url}`, headerText(request.headers)].filter(Boolean).join("\n");
  const parts = [
    `<section class="exchange"><h2>${escapeHtml(exchange.label)}</h2>`,
    "<h3>Request</h3>",
    block("http request", requestText),
  ];
  if (request.body !== null && request.body !== "") {
    parts.push(block("body", request.body));
  }
  if (response === null) {
    parts.push(`<p class="note">No response came back.</p>`);
  } else {
    const outcome = response.status < 400 ? "ok" : "bad";
    parts.push(
      `<h3>Response <span class="status ${outcome}">${response.status}</span> <span class="quiet">(${Math.round(response.elapsedMs)} ms)</span></h3>`,
      block("http response", headerText(response.headers)),
    );
    if (response.body !== "") {
      const body = bodyText(response.body, response.headers);
      parts.push(`<h3>Body ${copyButton("Copy body", body)}</h3>`, block("body", body));
    }
  }
  if (exchange.steps.length > 0) {
    parts.push(stepsTable(exchange.steps));
  }
  parts.push("</section>");
  return parts.join("");
}

const STYLE = `
.status { padding: 0 0.4em; border-radius: 3px; } .status.ok { background: var(--vscode-testing-iconPassed); color: var(--vscode-editor-background); }
.status.bad { background: var(--vscode-errorForeground); color: var(--vscode-editor-background); }
pre.body, pre.http { white-space: pre-wrap; word-break: break-all; } pre.body { margin-top: 0.4em; }
section.failure { border-left: 3px solid var(--vscode-errorForeground); padding-left: 0.8em; }
table.steps { border-collapse: collapse; width: 100%; } table.steps td { vertical-align: top; padding: 0.2em 0.6em 0.2em 0; }
table.steps td:first-child { white-space: nowrap; width: 1%; }
a.reveal { color: var(--vscode-textLink-foreground); }
`;

/** The Run result view of a run of `fileName` (see `renderPreviewHtml` for `nonce` and `cspSource`). */
export function renderRunHtml(result: RunResult, fileName: string, nonce: string, cspSource: string): string {
  const context = `${result.context[0]?.toUpperCase() ?? ""}${result.context.slice(1)}${result.stage ? `, the ${result.stage} stage` : ""}`;
  const how = result.replayedFrom
    ? `Replayed from ${result.replayedFrom}: nothing was sent.`
    : `Sent for real${result.recordedTo ? `; the responses are saved in ${result.recordedTo}` : ""}.`;
  const body = [
    `<h1>Run result: ${escapeHtml(fileName)}</h1>`,
    ...[context, how, "Secrets are masked as ••••."].map((line) => `<p class="meta">${escapeHtml(line)}</p>`),
  ];
  const { failure } = result;
  if (failure) {
    const where = failure.range ? ` at ${revealLink(failure.range)}` : "";
    body.push(
      `<section class="failure"><h2>Make would fail${failure.errorType ? `: ${escapeHtml(failure.errorType)}` : ""}</h2>`,
      `<p class="failure">${message(failure.message)}</p>`,
      `<p>Decided by <code>${escapeHtml(failure.directive)}</code>${where}.</p></section>`,
    );
  }
  // no bundle: worth saying for a run that emits bundles, noise when it stored something or failed
  if (result.outputs.length > 0 || (result.stored === null && failure === null)) {
    const all = json(result.outputs);
    body.push(`<h2>Output bundles (${result.outputs.length}) ${result.outputs.length > 0 ? copyButton("Copy bundles", all) : ""}</h2>`);
    body.push(result.outputs.length === 0 ? "<p>No bundle.</p>" : result.outputs.map((bundle) => block("json bundle", json(bundle))).join(""));
  }
  if (result.stored !== null) {
    const what = /webhook/i.test(result.context) ? "webhook" : "connection";
    body.push(`<h2>What the ${what} would store</h2>`, block("json stored", json(result.stored)));
  }
  if (result.exchanges.length === 0) {
    body.push("<p>No request was sent.</p>");
  }
  body.push(...result.exchanges.map(exchangeSection));
  if (result.notes.length > 0) {
    body.push(`<h2>Notes</h2><ul>${result.notes.map((note) => `<li class="note">${message(note)}</li>`).join("")}</ul>`);
  }
  return page(body, nonce, cspSource, STYLE);
}
