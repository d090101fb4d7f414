// What JSON.parse reads from each text of a JSON array of texts on stdin.
// Output: a JSON array with {"string": String(value), "negativeZero": Object.is(value, -0)} per text
// (for arrays, one entry per item), or {"error": message} when JSON.parse rejects the text.
"use strict";

function describe(value) {
  return { string: String(value), negativeZero: Object.is(value, -0) };
}

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((text) => {
    try {
      const value = JSON.parse(text);
      return Array.isArray(value) ? { items: value.map(describe) } : describe(value);
    } catch (error) {
      return { error: error.message };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
