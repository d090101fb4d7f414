import assert from "node:assert/strict";
import { test } from "node:test";
import { confirmationText, isWebAddress, readRunAnswer, renderRunHtml, RunArguments, RunDialogs, RunResult, runUntilResult } from "../../src/run";

const range = (line: number, character: number) => ({ start: { line, character }, end: { line, character: character + 7 } });

/** The shape of the server's iml.runRequest result: a search module, two pages, masked token. */
const result: RunResult = {
  file: "modules/search-contacts/search-contacts.communication.iml.json",
  context: "a search module",
  stage: null,
  exchanges: [
    {
      label: "request, page 1",
      page: 1,
      request: {
        method: "GET",
        url: "http://127.0.0.1:8123/v2/contacts?q=ada&page=1",
        headers: [
          ["accept", "application/json"],
          ["authorization", "Bearer ••••"],
        ],
        body: null,
      },
      response: {
        status: 200,
        headers: [["content-type", "application/json"]],
        body: '{"contacts":[{"id":1,"name":"Ada"}],"meta":{"has_more":true}}',
        elapsedMs: 12.4,
      },
      steps: [
        { directive: "iterate", value: [{ id: 1, name: "Ada" }], range: range(20, 8) },
        { directive: "output", value: { id: 1, name: "Ada" }, range: null },
      ],
    },
    {
      label: "request, page 2",
      page: 2,
      request: { method: "GET", url: "http://127.0.0.1:8123/v2/contacts?q=ada&page=2", headers: [], body: null },
      response: { status: 200, headers: [["content-type", "text/plain"]], body: "not json {", elapsedMs: 3 },
      steps: [],
    },
  ],
  outputs: [
    { id: 1, name: "Ada" },
    { id: 2, name: "Grace" },
  ],
  stored: null,
  failure: null,
  recordedTo: "modules/search-contacts/search-contacts.communication.response.json",
  replayedFrom: null,
  notes: ["Followed 2 pages of 3 (`imlLs.run.pages`)."],
};

const html = (value: RunResult) => renderRunHtml(value, "search-contacts.communication.iml.json", "NONCE", "vscode-resource:");
/** The page's text as a reader sees it: tags dropped, entities decoded. */
const visible = (text: string) =>
  text
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/\s+/g, " ");

test("the run result shows each exchange, its directives, the output bundles, the notes, and says secrets are masked", () => {
  const text = visible(html(result));
  for (const expected of [
    "Run result: search-contacts.communication.iml.json",
    "A search module",
    "Sent for real; the responses are saved in modules/search-contacts/search-contacts.communication.response.json.",
    "Secrets are masked as ••••.",
    "Output bundles (2)",
    '"name": "Grace"',
    "request, page 1 Request GET http://127.0.0.1:8123/v2/contacts?q=ada&page=1 accept: application/json authorization: Bearer ••••",
    "Response 200 (12 ms) content-type: application/json",
    '"has_more": true', // a JSON body is indented
    "not json {", // any other body as it came
    "Response directives, in Make's order iterate line 21, column 9",
    "Followed 2 pages of 3 ( imlLs.run.pages ).",
  ]) {
    assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in:\n${text}`);
  }
  assert.doesNotMatch(text, /would store|Make would fail/);
  assert.equal([...html(result).matchAll(/<pre class="json bundle">/g)].length, 2);
});

test("a directive's place is a link that carries its range for the extension", () => {
  const [link] = [...html(result).matchAll(/<a href="#" class="reveal" data-range="([^"]*)">/g)].map((match) =>
    JSON.parse(match[1].replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))),
  );
  assert.deepEqual(link, range(20, 8));
  assert.match(html(result), /closest\("a\.reveal"\)[\s\S]*postMessage\(\{ reveal: JSON\.parse\(link\.dataset\.range\) \}\)/);
});

test("a failed connection run shows the error Make would raise, the directive that decided it, and what it would store", () => {
  const failed: RunResult = {
    ...result,
    context: "a connection",
    stage: "info",
    outputs: [],
    stored: { uid: "u-1", metadata: { value: "ada@example.com", type: "email" } },
    failure: { directive: "response.valid", errorType: "InvalidConfigurationError", message: "The API key was refused.", range: range(6, 8) },
    recordedTo: null,
    replayedFrom: "connections/api-key/api-key.communication.response.json",
  };
  const text = visible(html(failed));
  for (const expected of [
    "A connection, the info stage",
    "Replayed from connections/api-key/api-key.communication.response.json: nothing was sent.",
    "Make would fail: InvalidConfigurationError The API key was refused. Decided by response.valid at line 7, column 9 .",
    "What the connection would store",
    '"uid": "u-1"',
  ]) {
    assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in:\n${text}`);
  }
  assert.doesNotMatch(text, /Output bundles/); // a connection emits none; it stores
  assert.doesNotMatch(visible(html({ ...failed, stored: null })), /Output bundles/); // nor does a run that failed
  assert.match(visible(html({ ...result, outputs: [] })), /Output bundles \(0\) No bundle\./);
  assert.match(visible(html({ ...failed, context: "a webhook" })), /What the webhook would store/);
});

test("values from the app and the response are escaped and only the page's own script runs", () => {
  const hostile = "</pre><script>alert(1)</script><img src=x onerror=alert(2)>";
  const [first] = result.exchanges;
  const page = html({
    ...result,
    outputs: [{ name: hostile }],
    exchanges: [{ ...first, label: hostile, request: { ...first.request, url: hostile }, response: { ...first.response!, body: hostile, headers: [[hostile, hostile]] } }],
    failure: { directive: hostile, errorType: hostile, message: hostile, range: null },
    notes: [hostile],
  });
  assert.doesNotMatch(page, /<script>alert|<img/);
  assert.equal([...page.matchAll(/<script/g)].length, 1);
  assert.match(page, /script-src 'nonce-NONCE'/);
});

test("readRunAnswer takes the three answers of the contract and nothing else", () => {
  assert.deepEqual(readRunAnswer({ confirm: { host: "api.example.com", secrets: ["parameters.apiKey"], message: "First send." } }), {
    confirm: { host: "api.example.com", secrets: ["parameters.apiKey"], message: "First send." },
  });
  assert.deepEqual(readRunAnswer({ needsInput: { name: "code", prompt: "Paste the code." } }), {
    needsInput: { name: "code", prompt: "Paste the code.", authorizeUrl: null },
  });
  assert.deepEqual(readRunAnswer({ result }), { result });
  for (const wrong of [null, "ok", {}, { confirm: { host: 1 } }, { result: { ...result, exchanges: "none" } }, { result: { ...result, outputs: null } }]) {
    assert.throws(() => readRunAnswer(wrong), /not a confirmation, an input request or a run result/);
  }
  const broken = { ...result, exchanges: [{ ...result.exchanges[0], request: { method: "GET", url: "x", headers: [["only a name"]], body: null } }] };
  assert.throws(() => readRunAnswer({ result: broken }));
});

/** A server that answers from a script, and remembers what it was asked. */
function scripted(...answers: unknown[]) {
  const asked: RunArguments[] = [];
  return {
    asked,
    ask: async (args: RunArguments) => {
      asked.push(args);
      const answer = answers.shift();
      if (answer === undefined) throw new Error("asked once too often");
      return answer;
    },
  };
}

const dialogs = (confirm: boolean[], codes: (string | undefined)[]) => {
  const seen: string[] = [];
  const value: RunDialogs = {
    confirmHost: async (confirmation) => {
      seen.push(`confirm ${confirmation.host}`);
      return confirm.shift() ?? false;
    },
    askForInput: async (request) => {
      seen.push(`input ${request.name} ${request.authorizeUrl}`);
      return codes.shift();
    },
  };
  return { seen, value };
};

const ARGS: RunArguments = { uri: "file:///app/connections/oauth2/oauth2.oauth-communication.iml.json", stage: "token", record: true };

test("each confirmed host and the pasted code go into the next call, until the result", async () => {
  const server = scripted(
    { needsInput: { name: "code", prompt: "Paste the code.", authorizeUrl: "https://auth.example/authorize?x=1" } },
    { confirm: { host: "auth.example", secrets: ["common.clientSecret"], message: "" } },
    { confirm: { host: "api.example", secrets: ["data.accessToken"], message: "" } },
    { result },
  );
  const user = dialogs([true, true], ["the-code"]);
  assert.deepEqual(await runUntilResult(server.ask, ARGS, user.value), result);
  assert.deepEqual(user.seen, ["input code https://auth.example/authorize?x=1", "confirm auth.example", "confirm api.example"]);
  assert.deepEqual(server.asked, [
    ARGS,
    { ...ARGS, code: "the-code" },
    { ...ARGS, code: "the-code", confirmedHosts: ["auth.example"] },
    { ...ARGS, code: "the-code", confirmedHosts: ["auth.example", "api.example"] },
  ]);
});

test("cancelling the confirmation or the input sends nothing more", async () => {
  const refused = scripted({ confirm: { host: "api.example", secrets: [], message: "" } });
  assert.equal(await runUntilResult(refused.ask, ARGS, dialogs([false], []).value), undefined);
  assert.equal(refused.asked.length, 1);
  const noCode = scripted({ needsInput: { name: "code", prompt: "Paste the code.", authorizeUrl: null } });
  assert.equal(await runUntilResult(noCode.ask, ARGS, dialogs([], [undefined]).value), undefined);
  assert.equal(noCode.asked.length, 1);
});

test("a server that asks for the same thing twice is an error, not a loop", async () => {
  const again = { confirm: { host: "api.example", secrets: [], message: "" } };
  await assert.rejects(runUntilResult(scripted(again, again).ask, ARGS, dialogs([true, true], []).value), /asked again to confirm api\.example/);
  const code = { needsInput: { name: "code", prompt: "p", authorizeUrl: null } };
  await assert.rejects(runUntilResult(scripted(code, code).ask, ARGS, dialogs([], ["a", "b"]).value), /asked again for the authorization code/);
  await assert.rejects(runUntilResult(scripted({ needsInput: { name: "password", prompt: "p" } }).ask, ARGS, dialogs([], []).value), /asks for password/);
});

test("the confirmation names the host and each secret that goes there, once", () => {
  const host = "api.example.com";
  const message = "Send the request to api.example.com? It carries parameters.apiKey.";
  assert.deepEqual(confirmationText({ host, secrets: ["parameters.apiKey"], message }), { message: "Send this request to api.example.com?", detail: message });
  assert.equal(
    confirmationText({ host, secrets: ["parameters.apiKey", "connection.accessToken"], message }).detail,
    `${message}\n\nIt carries these secrets: parameters.apiKey, connection.accessToken.`,
  );
  assert.equal(confirmationText({ host, secrets: ["parameters.apiKey"], message: "" }).detail, "It carries these secrets: parameters.apiKey.");
  assert.equal(confirmationText({ host, secrets: [], message: "First send to api.example.com." }).detail, "First send to api.example.com.\n\nIt carries no secret.");
});

test("only web pages are opened from an authorization URL", () => {
  assert.equal(isWebAddress("https://auth.example/authorize?client_id=1"), true);
  assert.equal(isWebAddress("http://127.0.0.1:9000/authorize"), true);
  for (const url of ["javascript:alert(1)", "file:///etc/passwd", "command:workbench.action.terminal.new", "vscode://x", "not a url"]) {
    assert.equal(isWebAddress(url), false, url);
  }
});
