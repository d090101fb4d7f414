// The parity oracle: node's real jsonwebtoken signs each case read from stdin.
// Input: a JSON array of {payload, secret, options, now}. JSON cannot hold every JavaScript value,
// so tagged objects stand for them: {"$undefined": 1}, {"$buffer": "<base64>"}, {"$number": "NaN"}.
// Output: a JSON array with {"token": ...} or {"error": message} per case.
"use strict";
const jwt = require("jsonwebtoken");

function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") {
    if ("$undefined" in value) return undefined;
    if ("$buffer" in value) return Buffer.from(value.$buffer, "base64");
    if ("$number" in value) return Number(value.$number);
    const out = {};
    for (const key of Object.keys(value)) {
      const revived = revive(value[key]);
      if (revived !== undefined || !(value[key] && value[key].$undefined)) out[key] = revived;
    }
    return out;
  }
  return value;
}

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((raw) => {
    const c = revive(raw);
    const realNow = Date.now;
    Date.now = () => c.now * 1000;
    try {
      return { token: jwt.sign(c.payload, c.secret, c.options) };
    } catch (error) {
      return { error: error.message };
    } finally {
      Date.now = realNow;
    }
  });
  process.stdout.write(JSON.stringify(results));
});
