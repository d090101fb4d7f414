import assert from "node:assert/strict";
import { test } from "node:test";
import { formatUtc, isPreviewResult, PreviewResult, renderPreview } from "../../src/preview";

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

test("the token sits alone on the line the Copy token lens points at", () => {
  const rendered = renderPreview(result, "demo.communication.iml.json");
  const lines = rendered.text.split("\n");
  assert.deepEqual(rendered.tokenLines, [{ line: lines.indexOf(TOKEN), token: TOKEN }]);
});

test("the preview names the file, the clock, each call's place, header, payload, times and placeholders", () => {
  const { text } = renderPreview(result, "demo.communication.iml.json");
  for (const expected of [
    "# Token preview: demo.communication.iml.json",
    "Signed at: 2023-11-14 22:13:20 UTC (1700000000 Unix seconds)",
    "Sample values: none found, so missing values are placeholders",
    "Placeholders (not real values): parameters.clientId, parameters.clientSecret",
    "## jwt() #1 at line 20, column 36 (HS256)",
    '  "alg": "HS256",',
    '  "exp": 1700003600',
    "- exp: 2023-11-14 23:13:20 UTC (in 1 h)",
    "## jwt() #2 at line 21, column 11 (HS1)",
    "Make would fail to sign this token: 'HS1' is not an algorithm Make's jwt() accepts",
    "- line 23, column 5: body is only known in the response",
  ]) {
    assert.ok(text.includes(expected), `missing ${JSON.stringify(expected)} in:\n${text}`);
  }
});

test("a file without jwt() says so and has no lenses", () => {
  const rendered = renderPreview({ requests: [], tokens: [], placeholders: [], errors: [], samples: "/app/demo.samples.json" }, "a.iml.json");
  assert.match(rendered.text, /No jwt\(\) call in this file\./);
  assert.match(rendered.text, /Sample values: \/app\/demo\.samples\.json/);
  assert.doesNotMatch(rendered.text, /Placeholders/);
  assert.deepEqual(rendered.tokenLines, []);
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
