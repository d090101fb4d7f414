// The parity oracle: node's real jsonwebtoken signs each case read from stdin.
// Input: a JSON array of {payload, secret, options, now[, algorithm]}. JSON cannot hold every JavaScript
// value, so tagged objects stand for them: {"$undefined": 1}, {"$buffer": "<base64>"},
// {"$number": "NaN" | "-0" | "12345678901234567890"}, {"$date": <ms since epoch>}, and {"$json": "<text>"}
// for the value JSON.parse reads from the text (as Make reads a connection file).
// With "algorithm" the case is Make's jwt(payload, secret, algorithm, options), under iml-ls's assumption
// that Make copies the algorithm into options.algorithm when the options are absent, null or a plain object
// (as `{...options, algorithm}` does: every key stays an own key, "__proto__" included).
// Output: a JSON array with {"token": ...} or {"error": message, "name": error class} per case.
"use strict";
const jwt = require("jsonwebtoken");

function isPlainObject(value) {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") {
    if ("$undefined" in value) return undefined;
    if ("$buffer" in value) return Buffer.from(value.$buffer, "base64");
    if ("$number" in value) return Number(value.$number);
    if ("$date" in value) return new Date(value.$date);
    if ("$json" in value) return JSON.parse(value.$json);
    const out = {};
    for (const key of Object.keys(value)) {
      // defineProperty keeps members whose value is undefined, as an evaluated IML object may have them
      Object.defineProperty(out, key, { value: revive(value[key]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

function signCase(c) {
  let options = c.options;
  if ("algorithm" in c && (options === undefined || options === null || isPlainObject(options))) {
    options = { ...options, algorithm: c.algorithm };
  }
  return jwt.sign(c.payload, c.secret, options);
}

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const realNow = Date.now;
  const results = JSON.parse(input).map((raw) => {
    const c = {};
    for (const key of Object.keys(raw)) c[key] = revive(raw[key]);
    Date.now = () => c.now * 1000;
    try {
      return { token: signCase(c) };
    } catch (error) {
      return { error: error.message, name: error.name };
    } finally {
      Date.now = realNow;
    }
  });
  process.stdout.write(JSON.stringify(results));
});
