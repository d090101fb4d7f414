import assert from "node:assert/strict";
import { test } from "node:test";
import { forServer } from "../../src/settings";

const base = { requiredClaims: ["exp"], disabledDiagnostics: ["IML308"] };

test("a relative samples file is resolved against the workspace folder", () => {
  assert.equal(forServer({ ...base, samplesFile: "samples/demo.json" }, "/work/app").samplesFile, "/work/app/samples/demo.json");
});

test("${workspaceFolder} is expanded", () => {
  assert.equal(forServer({ ...base, samplesFile: "${workspaceFolder}/s.json" }, "/work/app").samplesFile, "/work/app/s.json");
});

test("absolute and empty paths and the other settings are kept", () => {
  assert.deepEqual(forServer({ ...base, samplesFile: "/etc/s.json" }, "/work/app"), { ...base, samplesFile: "/etc/s.json" });
  assert.equal(forServer({ ...base, samplesFile: "" }, "/work/app").samplesFile, "");
});

test("without a workspace folder a relative path is left to the server", () => {
  assert.equal(forServer({ ...base, samplesFile: "s.json" }, undefined).samplesFile, "s.json");
});

test("a workspace's samples file must stay inside the workspace folder", () => {
  const fromWorkspace = (samplesFile: string) => forServer({ ...base, samplesFile }, "/work/app", true).samplesFile;
  assert.equal(fromWorkspace("connections/c/c.samples.json"), "/work/app/connections/c/c.samples.json");
  assert.equal(fromWorkspace("../../../etc/passwd"), "");
  assert.equal(fromWorkspace("/etc/passwd"), "");
  assert.equal(fromWorkspace("${workspaceFolder}/../secrets.json"), "");
  assert.equal(forServer({ ...base, samplesFile: "/etc/s.json" }, "/work/app").samplesFile, "/etc/s.json"); // the user's own
});
