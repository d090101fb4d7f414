// Which command starts iml-ls. Kept free of the vscode API so the unit tests can run it in plain node.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export interface ServerSettings {
  /** `imlLs.server.command`: the full command, e.g. ["/home/me/.venv/bin/iml-ls", "serve"]. */
  command: string[];
  /** `imlLs.server.pythonPath`: an interpreter that has iml-ls installed. */
  pythonPath: string;
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the command came from, for the log: "imlLs.server.command", "PATH", ... */
  origin: string;
}

export type Resolution = { ok: true; server: ServerCommand } | { ok: false; message: string };

/** The operating system facts the resolution depends on, injectable for tests. */
export interface Host {
  path: string | undefined;
  isExecutable(file: string): boolean;
  /** Whether `python` can `import iml_ls`. */
  pythonHasImlLs(python: string): boolean;
}

export const INSTALL_HINT = "Install it with `pip install iml-ls` or set `imlLs.server.pythonPath`.";

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
  if (isAbsolute(name) || name.includes("/")) {
    return host.isExecutable(name) ? name : undefined;
  }
  for (const folder of (host.path ?? "").split(delimiter)) {
    if (folder && host.isExecutable(join(folder, name))) {
      return join(folder, name);
    }
  }
  return undefined;
}

/**
 * The command to run, in order of preference: `imlLs.server.command`, `imlLs.server.pythonPath`,
 * `iml-ls` on PATH, `python3 -m iml_ls`. When none works, a message that says how to fix it.
 */
export function resolveServerCommand(settings: ServerSettings, host: Host): Resolution {
  const [program, ...args] = settings.command;
  if (program) {
    const executable = findExecutable(program, host);
    if (executable === undefined) {
      return { ok: false, message: `The iml-ls server command \`${program}\` (imlLs.server.command) was not found.` };
    }
    return { ok: true, server: { command: executable, args, origin: "imlLs.server.command" } };
  }
  if (settings.pythonPath) {
    const python = findExecutable(settings.pythonPath, host);
    if (python === undefined) {
      return { ok: false, message: `The Python interpreter \`${settings.pythonPath}\` (imlLs.server.pythonPath) was not found.` };
    }
    if (!host.pythonHasImlLs(python)) {
      return {
        ok: false,
        message: `\`${python}\` (imlLs.server.pythonPath) has no iml-ls. Install it with \`${python} -m pip install iml-ls\`.`,
      };
    }
    return { ok: true, server: { command: python, args: ["-m", "iml_ls", "serve"], origin: "imlLs.server.pythonPath" } };
  }
  const onPath = findExecutable("iml-ls", host);
  if (onPath !== undefined) {
    return { ok: true, server: { command: onPath, args: ["serve"], origin: "PATH" } };
  }
  const python3 = findExecutable("python3", host);
  if (python3 !== undefined && host.pythonHasImlLs(python3)) {
    return { ok: true, server: { command: python3, args: ["-m", "iml_ls", "serve"], origin: "python3 on PATH" } };
  }
  return { ok: false, message: `The iml-ls language server was not found. ${INSTALL_HINT}` };
}
