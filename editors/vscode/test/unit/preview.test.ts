import assert from "node:assert/strict";
import { test } from "node:test";
import {
  formatUtc,
  isPreviewResult,
  isRequestPreviewResult,
  PreviewResult,
  renderPreviewHtml,
  renderRequestPreviewHtml,
  RequestPreviewResult,
  SentRequest,
} from "../../src/preview";

const range = (line: number, character: number) => ({ start: { line, character }, end: { line, character: character + 10 } });
const TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiI8Y2xpZW50SWQ-In0.c2lnbmF0dXJl";

/** The shape the server's iml.previewToken returns: one signed token, one Make would refuse. */
const result: PreviewResult = {
  now: 1700000000,
  samples: null,
  requests: [],
  tokens: [
    {
      range: range(19, 35),
      token: TOKEN,
      header: { alg: "HS256", typ: "JWT" },
      payload: { iss: "<clientId>", iat: 1700000000, exp: 1700003600 },
      algorithm: "HS256",
      times: { iat: "2023-11-14 22:13:20 UTC (now)", exp: "2023-11-14 23:13:20 UTC (in 1 h)" },
      error: null,
      placeholders: ["parameters.clientId", "parameters.clientSecret"],
    },
    { range: range(20, 10), token: null, header: null, payload: null, algorithm: "HS1", error: "'HS1' is not an algorithm Make's jwt() accepts" },
  ],
  placeholders: ["parameters.clientId", "parameters.clientSecret"],
  errors: [{ range: range(22, 4), message: "body is only known in the response" }],
};

const page = (value: PreviewResult) => renderPreviewHtml(value, "demo.communication.iml.json", "NONCE", "vscode-resource:");
/** The page's text as a reader sees it: tags dropped, entities decoded. */
const visible = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/\s+/g, " ");

test("the preview names the file, the clock, each call's place, header, payload, times and placeholders", () => {
  const text = visible(page(result));
  for (const expected of [
    "Token preview: demo.communication.iml.json",
    "Signed at 2023-11-14 22:13:20 UTC (1700000000 Unix seconds)",
    "Sample values: none found, so missing values are placeholders",
    "Placeholders (not real values): parameters.clientId, parameters.clientSecret",
    "jwt() #1 at line 20, column 36 (HS256)",
    '"alg": "HS256",',
    '"exp": 1700003600',
    "exp : 2023-11-14 23:13:20 UTC (in 1 h)",
    "jwt() #2 at line 21, column 11 (HS1)",
    "Make would fail to sign this token: 'HS1' is not an algorithm Make's jwt() accepts",
    "line 23, column 5: body is only known in the response",
  ]) {
    assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in:\n${text}`);
  }
});

test("copy buttons carry the token, the header, the payload and the request as curl", () => {
  const html = page({
    ...result,
    requests: [{ url: "https://api.example.com/v1/me", method: "post", headers: { authorization: `Bearer ${TOKEN}` }, qs: { a: "b c" }, body: { "it's": 1 } }],
  });
  const copies = [...html.matchAll(/data-copy="([^"]*)"/g)].map((match) => visible(match[1]).trim());
  assert.equal(copies[0], TOKEN);
  assert.deepEqual(JSON.parse(copies[1]), { alg: "HS256", typ: "JWT" });
  assert.deepEqual(JSON.parse(copies[2]).iss, "<clientId>");
  assert.equal(copies[3], `curl -X POST 'https://api.example.com/v1/me?a=b+c' -H 'authorization: Bearer ${TOKEN}' --data '{"it'\\''s":1}'`);
});

test("values from the files are escaped and only the page's own script runs", () => {
  const html = page({ ...result, tokens: [{ ...result.tokens[0], payload: { iss: "</pre><script>alert(1)</script>" } }] });
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /script-src 'nonce-NONCE'/);
  assert.equal([...html.matchAll(/<script/g)].length, 1);
});

test("a file without jwt() says so", () => {
  const text = visible(page({ requests: [], tokens: [], placeholders: [], errors: [], samples: "/app/demo.samples.json", notes: ["No params file."] }));
  assert.match(text, /No jwt\(\) call in this file\./);
  assert.match(text, /Sample values: \/app\/demo\.samples\.json/);
  assert.match(text, /No params file\./);
  assert.doesNotMatch(text, /Placeholders/);
});

test("isPreviewResult rejects answers of another shape", () => {
  assert.equal(isPreviewResult(result), true);
  assert.equal(isPreviewResult(null), false);
  assert.equal(isPreviewResult({ tokens: [] }), false);
  assert.equal(isPreviewResult("eyJ"), false);
});

test("formatUtc", () => {
  assert.equal(formatUtc(0), "1970-01-01 00:00:00 UTC");
  assert.equal(formatUtc(1700003600), "2023-11-14 23:13:20 UTC");
});

const CURL = "curl https://api.acme-crm.example/v2/contacts \\\n  --header 'authorization: Bearer ••••'";
const HTTP = "GET /v2/contacts HTTP/1.1\r\nHost: api.acme-crm.example\r\nauthorization: Bearer ••••\r\n\r\n";
const sent: SentRequest = {
  label: "request",
  range: range(0, 0),
  page: 1,
  fromBase: ["baseUrl", "headers"],
  temp: [{ key: "since", value: "2023-11-07" }],
  skipped: null,
  method: "GET",
  url: "https://api.acme-crm.example/v2/contacts",
  http: HTTP,
  curl: CURL,
  paginationCondition: null,
  tokens: [],
};
/** The shape of the server's iml.previewRequest answer: a module's request and its second page. */
const requests: RequestPreviewResult = {
  context: "a module",
  now: 1700000000,
  samples: null,
  secrets: "masked",
  assumptions: ["Base is merged into modules object by object."],
  note: null,
  requests: [sent, { ...sent, label: "request, page 2", page: 2, paginationCondition: "{{body.next}}" }],
  placeholders: ["connection.accessToken"],
  errors: [{ message: "`body` is only known in the response", file: "base.iml.json" }],
};
const requestPage = (value: RequestPreviewResult) => renderRequestPreviewHtml(value, "list.communication.iml.json", "NONCE", "vscode-resource:");

test("the request preview shows each request, what base gave, its temp, HTTP text and curl, and says secrets are masked", () => {
  const text = visible(requestPage(requests));
  for (const expected of [
    "Request preview: list.communication.iml.json",
    "A module, evaluated at 2023-11-14 22:13:20 UTC",
    "Secrets are masked as ••••",
    "Placeholders (not real values): connection.accessToken",
    "request at line 1, column 1",
    "From base: baseUrl, headers",
    'temp.since = "2023-11-07"',
    "request, page 2 at line 1, column 1",
    "Sent while pagination.condition ({{body.next}}) is true.",
    "GET /v2/contacts HTTP/1.1 Host: api.acme-crm.example",
    "base.iml.json: body is only known in the response",
    "Base is merged into modules object by object.",
  ]) {
    assert.ok(text.replace(/\s+/g, " ").includes(expected), `missing ${JSON.stringify(expected)} in:\n${text}`);
  }
  assert.doesNotMatch(requestPage(requests).match(/<pre class="http">[^<]*/)?.[0] ?? "\r", /\r/); // shown with plain line ends
});

test("the request preview's copy buttons carry the server's curl command and HTTP text as they are", () => {
  const copies = [...requestPage(requests).matchAll(/<button class="copy" data-copy="([^"]*)">([^<]*)</g)].map((match) => [
    match[2],
    match[1].replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))),
  ]);
  assert.deepEqual(copies.slice(0, 2), [
    ["Copy curl", CURL],
    ["Copy HTTP", HTTP],
  ]);
  assert.equal(copies.length, 4);
});

test("the request preview escapes values and has no copy buttons for a request without a URL", () => {
  const hostile = { ...sent, label: "</h2><script>alert(1)</script>", url: null, curl: "", http: "(no HTTP request)\n" };
  const html = requestPage({ ...requests, requests: [hostile] });
  assert.doesNotMatch(html, /<script>alert/);
  assert.equal([...html.matchAll(/<script/g)].length, 1);
  assert.doesNotMatch(html, /button class="copy"/);
  assert.match(visible(html), /No HTTP request: it only evaluates temp and output ?\./);
});

test("isRequestPreviewResult tells a request preview from a token preview", () => {
  assert.equal(isRequestPreviewResult(requests), true);
  assert.equal(isRequestPreviewResult(result), false);
  assert.equal(isRequestPreviewResult({ ...requests, requests: [{ label: "x" }] }), false);
  assert.equal(isRequestPreviewResult(null), false);
});
