import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, Places, resolveServerCommand } from "../../src/serverCommand";

/** A host whose PATH is /venv/bin:/usr/bin, with the executables, Pythons with iml-ls and Python versions listed. */
function host(executables: string[], pythonsWithImlLs: string[] = [], versions: Record<string, [number, number]> = {}): Host {
  return {
    path: "/venv/bin:/usr/bin",
    windows: false,
    isExecutable: (file) => executables.includes(file),
    pythonHasImlLs: (python) => pythonsWithImlLs.includes(python),
    pythonVersion: (python) => versions[python] ?? (executables.includes(python) ? [3, 11] : undefined),
  };
}

const none = { command: [], pythonPath: "" };
const nowhere: Places = { trustedFolders: [], bundled: false };
const bundled: Places = { trustedFolders: [], bundled: true };

test("imlLs.server.command wins and keeps its arguments", () => {
  const resolution = resolveServerCommand(
    { command: ["/opt/iml/bin/iml-ls", "serve", "--log-level", "debug"], pythonPath: "/usr/bin/python3" },
    host(["/opt/iml/bin/iml-ls", "/venv/bin/iml-ls"]),
    bundled,
  );
  assert.ok(resolution.ok && "server" in resolution);
  assert.deepEqual(resolution.server, { command: "/opt/iml/bin/iml-ls", args: ["serve", "--log-level", "debug"], origin: "imlLs.server.command" });
});

test("a bare command name is looked up on PATH", () => {
  const resolution = resolveServerCommand({ command: ["iml-ls", "serve"], pythonPath: "" }, host(["/usr/bin/iml-ls"]), nowhere);
  assert.equal(resolution.ok && "server" in resolution && resolution.server.command, "/usr/bin/iml-ls");
});

test("a missing imlLs.server.command names the setting", () => {
  const resolution = resolveServerCommand({ command: ["/nowhere/iml-ls"], pythonPath: "" }, host([]), bundled);
  assert.ok(!resolution.ok);
  assert.equal(resolution.message, "The iml-ls server command /nowhere/iml-ls (imlLs.server.command) was not found.");
});

test("imlLs.server.pythonPath runs the module when that Python has iml-ls", () => {
  const resolution = resolveServerCommand({ command: [], pythonPath: "/venv/bin/python" }, host(["/venv/bin/python"], ["/venv/bin/python"]), bundled);
  assert.ok(resolution.ok && "server" in resolution);
  assert.deepEqual(resolution.server, { command: "/venv/bin/python", args: ["-m", "iml_ls", "serve"], origin: "imlLs.server.pythonPath" });
});

test("a pythonPath without iml-ls gets the bundled server", () => {
  const resolution = resolveServerCommand({ command: [], pythonPath: "/venv/bin/python" }, host(["/venv/bin/python"]), bundled);
  assert.ok(resolution.ok && "install" in resolution);
  assert.deepEqual(resolution.install, { python: "/venv/bin/python", pythonVersion: "3.11", origin: "imlLs.server.pythonPath" });
});

test("a trusted workspace's .venv comes before PATH; an untrusted one is never run", () => {
  const machine = host(["/work/app/.venv/bin/iml-ls", "/usr/bin/iml-ls"]);
  const trusted = resolveServerCommand(none, machine, { trustedFolders: ["/work/app"], bundled: true });
  assert.ok(trusted.ok && "server" in trusted);
  assert.equal(trusted.server.command, "/work/app/.venv/bin/iml-ls");
  const untrusted = resolveServerCommand(none, machine, { trustedFolders: [], bundled: true });
  assert.ok(untrusted.ok && "server" in untrusted);
  assert.equal(untrusted.server.command, "/usr/bin/iml-ls");
});

test("without settings, iml-ls on PATH comes before the bundled server", () => {
  const resolution = resolveServerCommand(none, host(["/venv/bin/iml-ls", "/usr/bin/python3"]), bundled);
  assert.ok(resolution.ok && "server" in resolution);
  assert.deepEqual(resolution.server, { command: "/venv/bin/iml-ls", args: ["serve"], origin: "PATH" });
});

test("the Python extension's interpreter runs iml-ls when it has it", () => {
  const resolution = resolveServerCommand(none, host(["/proj/.venv/bin/python", "/usr/bin/python3"], ["/proj/.venv/bin/python"]), {
    ...bundled,
    selectedInterpreter: "/proj/.venv/bin/python",
  });
  assert.ok(resolution.ok && "server" in resolution);
  assert.equal(resolution.server.command, "/proj/.venv/bin/python");
});

test("otherwise the bundled server is set up for the first Python 3.10 or later", () => {
  const resolution = resolveServerCommand(none, host(["/usr/bin/python3", "/usr/bin/python"], [], { "/usr/bin/python3": [3, 8] }), bundled);
  assert.ok(resolution.ok && "install" in resolution);
  assert.deepEqual(resolution.install, { python: "/usr/bin/python", pythonVersion: "3.11", origin: "python on PATH" });
  assert.ok(resolution.tried.includes("python3 on PATH /usr/bin/python3: Python 3.8"), resolution.tried.join("\n"));
});

test("when nothing works, the message names both settings and every place tried is listed", () => {
  const resolution = resolveServerCommand(none, host([]), bundled);
  assert.ok(!resolution.ok);
  assert.match(resolution.message, /imlLs\.server\.command/);
  assert.match(resolution.message, /imlLs\.server\.pythonPath/);
  assert.doesNotMatch(resolution.message, /pip install iml-ls/);
  assert.deepEqual(resolution.tried, ["iml-ls on PATH (/venv/bin:/usr/bin): absent", "python3 on PATH: absent", "python on PATH: absent"]);
});
