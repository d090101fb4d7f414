// Answers JavaScript questions for tests/evaluate/test_node_semantics.py: reads a JSON array of
// [operation, ...arguments] from stdin and writes a JSON array of {value} or {error} answers.
"use strict";

const operations = {
  replace: (text, source, flags, replacement) => text.replace(new RegExp(source, flags), replacement),
  number: (text) => { const n = Number(text); return Number.isNaN(n) ? "NaN" : Object.is(n, -0) ? "-0" : String(n); },
  less: (a, b) => a < b,
  trim: (text) => text.trim(),
  lower: (text) => text.toLowerCase(),
  upper: (text) => text.toUpperCase(),
  encodeURIComponent: (text) => encodeURIComponent(text),
  decodeURIComponent: (text) => decodeURIComponent(text),
  substring: (text, start, end) => text.substring(start, end === null ? undefined : end),
  indexOf: (text, search, start) => text.indexOf(search, start),
  split: (text, separator) => text.split(separator),
  length: (text) => text.length,
  round: (x) => { const r = Math.round(x); return Object.is(r, -0) ? "-0" : String(r); },
  parseJSON: (text) => JSON.stringify(JSON.parse(text)),
};

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const answers = JSON.parse(input).map(([operation, ...args]) => {
    try {
      return { value: operations[operation](...args) };
    } catch (error) {
      return { error: error.name };
    }
  });
  process.stdout.write(JSON.stringify(answers));
});
