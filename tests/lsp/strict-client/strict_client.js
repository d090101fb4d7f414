// Drives `iml-ls serve` through vscode-jsonrpc, the framer VS Code's language client uses.
// Any byte on the server's stdout that is not an LSP frame makes the reader fail, and this exits 1.
// Usage: node strict_client.js <file-uri> <file-text-path> <server command...>
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const rpc = require("vscode-jsonrpc/node");

const [uri, textPath, ...command] = process.argv.slice(2);
const text = fs.readFileSync(textPath, "utf8");
const server = spawn(command[0], command.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
const reader = new rpc.StreamMessageReader(server.stdout);
const writer = new rpc.StreamMessageWriter(server.stdin);
const connection = rpc.createMessageConnection(reader, writer);
let failed = null;
reader.onError((error) => { failed = `reader: ${error.message}`; });
connection.onError(([error]) => { failed = `connection: ${error.message}`; });
const published = [];
connection.onNotification("textDocument/publishDiagnostics", (params) => published.push(params));
connection.onNotification(() => {});
connection.onRequest(() => null);
connection.listen();

const timeout = setTimeout(() => { console.error("timed out"); process.exit(1); }, 60000);

async function main() {
  const capabilities = { textDocument: { completion: { completionItem: { snippetSupport: true } } }, workspace: { configuration: true } };
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities });
  connection.sendNotification("initialized", {});
  connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "json", version: 1, text } });
  const lines = text.split("\n");
  const line = lines.findIndex((l) => l.includes("jwt("));
  const character = lines[line].indexOf("jwt(") + 1;
  const position = { line, character };
  const hover = await connection.sendRequest("textDocument/hover", { textDocument: { uri }, position });
  const completion = await connection.sendRequest("textDocument/completion", { textDocument: { uri }, position });
  const preview = await connection.sendRequest("workspace/executeCommand", { command: "iml.previewToken", arguments: [uri] });
  let bad = null;
  try {
    await connection.sendRequest("textDocument/hover", { textDocument: { uri: "file:///nowhere.json" }, position: { line: -5, character: "x" } });
  } catch (error) {
    bad = error.code;
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  await connection.sendRequest("shutdown");
  connection.sendNotification("exit");
  clearTimeout(timeout);
  const summary = {
    failed,
    hover: hover !== null,
    completionItems: completion ? (completion.items || completion).length : 0,
    tokens: preview.tokens.length,
    diagnosticsPublished: published.length,
    badRequestError: bad,
  };
  console.log(JSON.stringify(summary));
  setTimeout(() => process.exit(failed ? 1 : 0), 100);
}
main().catch((error) => { console.error(String(error)); process.exit(1); });
