// Which command starts iml-ls. Kept free of the vscode API so the unit tests can run it in plain node.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export interface ServerSettings {
  /** `imlLs.server.command`: the full command, e.g. ["/home/me/.venv/bin/iml-ls", "serve"]. */
  command: string[];
  /** `imlLs.server.pythonPath`: an interpreter that has iml-ls installed, or that runs the bundled one. */
  pythonPath: string;
}

/** Where else a server may be, besides the settings and PATH. */
export interface Places {
  /** The workspace folders whose `.venv` may be run: empty unless the workspace is trusted. */
  trustedFolders: string[];
  /** The interpreter selected in the Python extension, when it is installed. */
  selectedInterpreter?: string;
  /** Whether this .vsix carries the server's wheels (installed on first start). */
  bundled: boolean;
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the command came from, for the log: "imlLs.server.command", "PATH", ... */
  origin: string;
}

/** The bundled server, to be installed for (and run by) this interpreter. */
export interface BundledInstall {
  python: string;
  /** "3.11" */
  pythonVersion: string;
  origin: string;
}

export type Resolution =
  | { ok: true; server: ServerCommand; tried: string[] }
  | { ok: true; install: BundledInstall; tried: string[] }
  | { ok: false; message: string; tried: string[] };

/** The operating system facts the resolution depends on, injectable for tests. */
export interface Host {
  path: string | undefined;
  windows: boolean;
  isExecutable(file: string): boolean;
  /** Whether `python` can `import iml_ls`. */
  pythonHasImlLs(python: string): boolean;
  /** `python`'s version as [major, minor], or undefined when it does not run. */
  pythonVersion(python: string): [number, number] | undefined;
}

export const MINIMUM_PYTHON: [number, number] = [3, 10];

export const INSTALL_HINT =
  "Install Python 3.10 or later (the extension then sets up its bundled server), " +
  "or install the server yourself (pipx install iml_ls-<version>-py3-none-any.whl, or pip install . in an iml-ls checkout) " +
  "and set imlLs.server.command (e.g. [\"/path/to/iml-ls\", \"serve\"]) or imlLs.server.pythonPath.";

export function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `name` looked up like a shell does: as given when it holds a slash, otherwise on PATH. */
export function findExecutable(name: string, host: Host): string | undefined {
  if (isAbsolute(name) || name.includes("/") || name.includes("\\")) {
    return host.isExecutable(name) ? name : undefined;
  }
  const names = host.windows ? [`${name}.exe`, name] : [name];
  for (const folder of (host.path ?? "").split(delimiter)) {
    for (const candidate of names) {
      if (folder && host.isExecutable(join(folder, candidate))) {
        return join(folder, candidate);
      }
    }
  }
  return undefined;
}

function usable(version: [number, number] | undefined): version is [number, number] {
  return version !== undefined && (version[0] > MINIMUM_PYTHON[0] || (version[0] === MINIMUM_PYTHON[0] && version[1] >= MINIMUM_PYTHON[1]));
}

/**
 * The command to run, in order of preference: `imlLs.server.command`; `imlLs.server.pythonPath`;
 * the `.venv` of a trusted workspace folder; `iml-ls` on PATH; the Python extension's interpreter
 * when it has iml-ls; and finally the bundled server, installed for the first Python ≥ 3.10 found
 * (the Python extension's, `python3`, `python`). Every place looked at is listed in `tried`, for the log.
 */
export function resolveServerCommand(settings: ServerSettings, host: Host, places: Places): Resolution {
  const tried: string[] = [];
  const [program, ...args] = settings.command;
  if (program) {
    const executable = findExecutable(program, host);
    tried.push(`imlLs.server.command: ${program} ${executable === undefined ? "was not found" : "found"}`);
    if (executable === undefined) {
      return { ok: false, tried, message: `The iml-ls server command ${program} (imlLs.server.command) was not found.` };
    }
    return { ok: true, tried, server: { command: executable, args, origin: "imlLs.server.command" } };
  }
  if (settings.pythonPath) {
    const python = findExecutable(settings.pythonPath, host);
    const version = python === undefined ? undefined : host.pythonVersion(python);
    if (python === undefined || version === undefined) {
      tried.push(`imlLs.server.pythonPath: ${settings.pythonPath} was not found or does not run`);
      return { ok: false, tried, message: `The Python interpreter ${settings.pythonPath} (imlLs.server.pythonPath) was not found.` };
    }
    if (host.pythonHasImlLs(python)) {
      tried.push(`imlLs.server.pythonPath: ${python} has iml-ls`);
      return { ok: true, tried, server: { command: python, args: ["-m", "iml_ls", "serve"], origin: "imlLs.server.pythonPath" } };
    }
    tried.push(`imlLs.server.pythonPath: ${python} (Python ${version.join(".")}) has no iml-ls`);
    if (places.bundled && usable(version)) {
      return { ok: true, tried, install: { python, pythonVersion: version.join("."), origin: "imlLs.server.pythonPath" } };
    }
    return {
      ok: false,
      tried,
      message: `${python} (imlLs.server.pythonPath) has no iml-ls and is older than Python 3.10. ${INSTALL_HINT}`,
    };
  }
  for (const folder of places.trustedFolders) {
    const venv = host.windows ? join(folder, ".venv", "Scripts", "iml-ls.exe") : join(folder, ".venv", "bin", "iml-ls");
    const found = host.isExecutable(venv);
    tried.push(`the workspace's ${venv}: ${found ? "found" : "absent"}`);
    if (found) {
      return { ok: true, tried, server: { command: venv, args: ["serve"], origin: "the workspace's .venv" } };
    }
  }
  const onPath = findExecutable("iml-ls", host);
  tried.push(`iml-ls on PATH (${host.path ?? ""}): ${onPath ?? "absent"}`);
  if (onPath !== undefined) {
    return { ok: true, tried, server: { command: onPath, args: ["serve"], origin: "PATH" } };
  }
  const pythons: [string, string][] = [];
  if (places.selectedInterpreter) {
    pythons.push([places.selectedInterpreter, "the Python extension's interpreter"]);
  }
  for (const name of host.windows ? ["python", "py"] : ["python3", "python"]) {
    const found = findExecutable(name, host);
    if (found !== undefined) {
      pythons.push([found, `${name} on PATH`]);
    } else {
      tried.push(`${name} on PATH: absent`);
    }
  }
  const selected = pythons[0];
  if (places.selectedInterpreter && selected && host.pythonHasImlLs(selected[0])) {
    tried.push(`${selected[1]} ${selected[0]}: has iml-ls`);
    return { ok: true, tried, server: { command: selected[0], args: ["-m", "iml_ls", "serve"], origin: selected[1] } };
  }
  for (const [python, origin] of places.bundled ? pythons : []) {
    const version = host.pythonVersion(python);
    tried.push(`${origin} ${python}: ${version === undefined ? "does not run" : `Python ${version.join(".")}`}`);
    if (usable(version)) {
      return { ok: true, tried, install: { python, pythonVersion: version.join("."), origin } };
    }
  }
  return { ok: false, tried, message: `The iml-ls language server was not found. ${INSTALL_HINT}` };
}
