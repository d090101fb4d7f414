// Runs the TextMate grammar tests (vscode-tmgrammar-test) against the base JSON grammars of the npm
// package tm-grammars, then runs them once more without this extension's grammars, where they must
// fail: that proves the assertions depend on the injection and not on the base grammars alone.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(root, "package.json"));
const baseGrammars = [
  require.resolve("tm-grammars/grammars/json.json"),
  require.resolve("tm-grammars/grammars/jsonc.json"),
  join(root, "test", "grammar", "fixtures", "make-imljson.tmLanguage.json"),
];
const cli = require.resolve("vscode-tmgrammar-test/dist/unit.js");

function runTests(config) {
  const args = [cli, "--compact", "--config", config];
  for (const grammar of baseGrammars) args.push("--grammar", grammar);
  args.push("test/grammar/*.test.*");
  return spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
}

const withExtension = runTests(join(root, "package.json"));
process.stdout.write(withExtension.stdout);
process.stderr.write(withExtension.stderr);
if (withExtension.status !== 0) {
  console.error(`grammar tests failed (exit ${withExtension.status})`);
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "iml-grammar-"));
try {
  const emptyConfig = join(scratch, "package.json");
  writeFileSync(emptyConfig, JSON.stringify({ contributes: {} }));
  const without = runTests(emptyConfig);
  if (without.status === 0) {
    console.error("the grammar tests also pass without this extension's grammars: they test nothing");
    process.exit(1);
  }
  console.log("control run without the injection grammar failed, as it must");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
