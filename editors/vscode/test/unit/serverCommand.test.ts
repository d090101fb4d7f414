import assert from "node:assert/strict";
import { test } from "node:test";
import { Host, resolveServerCommand } from "../../src/serverCommand";

/** A host whose PATH is /venv/bin:/usr/bin and whose executables and Pythons with iml-ls are listed. */
function host(executables: string[], pythonsWithImlLs: string[] = []): Host {
  return {
    path: "/venv/bin:/usr/bin",
    isExecutable: (file) => executables.includes(file),
    pythonHasImlLs: (python) => pythonsWithImlLs.includes(python),
  };
}

const none = { command: [], pythonPath: "" };

test("imlLs.server.command wins and keeps its arguments", () => {
  const resolution = resolveServerCommand(
    { command: ["/opt/iml/bin/iml-ls", "serve", "--log-level", "debug"], pythonPath: "/usr/bin/python3" },
    host(["/opt/iml/bin/iml-ls", "/venv/bin/iml-ls"]),
  );
  assert.deepEqual(resolution, {
    ok: true,
    server: { command: "/opt/iml/bin/iml-ls", args: ["serve", "--log-level", "debug"], origin: "imlLs.server.command" },
  });
});

test("a bare command name is looked up on PATH", () => {
  const resolution = resolveServerCommand({ command: ["iml-ls", "serve"], pythonPath: "" }, host(["/usr/bin/iml-ls"]));
  assert.equal(resolution.ok && resolution.server.command, "/usr/bin/iml-ls");
});

test("a missing imlLs.server.command names the setting", () => {
  const resolution = resolveServerCommand({ command: ["/nowhere/iml-ls"], pythonPath: "" }, host([]));
  assert.deepEqual(resolution, { ok: false, message: "The iml-ls server command `/nowhere/iml-ls` (imlLs.server.command) was not found." });
});

test("imlLs.server.pythonPath runs the module when that Python has iml-ls", () => {
  const resolution = resolveServerCommand({ command: [], pythonPath: "/venv/bin/python" }, host(["/venv/bin/python"], ["/venv/bin/python"]));
  assert.deepEqual(resolution, {
    ok: true,
    server: { command: "/venv/bin/python", args: ["-m", "iml_ls", "serve"], origin: "imlLs.server.pythonPath" },
  });
});

test("a pythonPath without iml-ls says how to install it there", () => {
  const resolution = resolveServerCommand({ command: [], pythonPath: "/venv/bin/python" }, host(["/venv/bin/python"]));
  assert.equal(resolution.ok, false);
  assert.match(!resolution.ok ? resolution.message : "", /`\/venv\/bin\/python -m pip install iml-ls`/);
});

test("without settings, iml-ls on PATH comes first", () => {
  const resolution = resolveServerCommand(none, host(["/venv/bin/iml-ls", "/usr/bin/python3"], ["/usr/bin/python3"]));
  assert.deepEqual(resolution, { ok: true, server: { command: "/venv/bin/iml-ls", args: ["serve"], origin: "PATH" } });
});

test("without settings or iml-ls on PATH, python3 -m iml_ls", () => {
  const resolution = resolveServerCommand(none, host(["/usr/bin/python3"], ["/usr/bin/python3"]));
  assert.deepEqual(resolution, {
    ok: true,
    server: { command: "/usr/bin/python3", args: ["-m", "iml_ls", "serve"], origin: "python3 on PATH" },
  });
});

test("when nothing works, the message says how to fix it", () => {
  const resolution = resolveServerCommand(none, host(["/usr/bin/python3"]));
  assert.deepEqual(resolution, {
    ok: false,
    message: "The iml-ls language server was not found. Install it with `pip install iml-ls` or set `imlLs.server.pythonPath`.",
  });
});
