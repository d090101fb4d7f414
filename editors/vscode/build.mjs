// Bundles the extension (and, with --tests, the unit tests) with esbuild into out/.
// The bundle carries vscode-languageclient, so the .vsix needs no node_modules.
import { build } from "esbuild";
import { readdirSync } from "node:fs";

const common = { bundle: true, platform: "node", target: "node20", format: "cjs", sourcemap: true, logLevel: "warning" };

if (process.argv.includes("--tests")) {
  const entryPoints = readdirSync("test/unit").filter((name) => name.endsWith(".test.ts")).map((name) => `test/unit/${name}`);
  await build({ ...common, entryPoints, outdir: "out/test" });
} else {
  await build({ ...common, entryPoints: ["src/extension.ts"], outfile: "out/extension.js", external: ["vscode"], minify: true });
}
