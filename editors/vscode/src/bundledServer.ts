// The server bundled in the .vsix: wheels of iml-ls and its dependencies, installed on first start
// into the extension's own storage for the chosen Python, with the pip that the .vsix carries too.
// Nothing is installed into the user's Python, and no network is needed where the bundled wheels
// fit (Linux x86-64, CPython 3.10 to 3.13); elsewhere pip fetches the dependencies from PyPI.
// Kept free of the vscode API so the unit tests can run it in plain node.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { devNull } from "node:os";
import { join } from "node:path";
import type { BundledInstall, ServerCommand } from "./serverCommand";

/** bundled/manifest.json, written when the .vsix is packaged (editors/vscode/test.sh bundle). */
export interface BundleManifest {
  /** The iml-ls version of the bundled wheel, e.g. "0.1.0". */
  imlLs: string;
  /** The file name of the bundled pip wheel, run straight from the wheel. */
  pip: string;
}

export function readManifest(bundle: string): BundleManifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(bundle, "manifest.json"), "utf8")) as Partial<BundleManifest>;
    return typeof manifest.imlLs === "string" && typeof manifest.pip === "string" ? (manifest as BundleManifest) : undefined;
  } catch {
    return undefined;
  }
}

export interface BundledServer extends ServerCommand {
  /** PYTHONPATH for the server: the folder the bundle was installed into. */
  pythonPath: string;
}

/** The private folder for one iml-ls version and one Python version. */
export function installFolder(storage: string, manifest: BundleManifest, install: BundledInstall): string {
  return join(storage, `iml-ls-${manifest.imlLs}-python${install.pythonVersion}`);
}

function serverIn(folder: string, install: BundledInstall): BundledServer {
  return { command: install.python, args: ["-m", "iml_ls", "serve"], origin: `the bundled server (${install.origin})`, pythonPath: folder };
}

/** The folder is complete once the marker is written, after pip finished. */
const MARKER = ".iml-ls-installed";

export function installedServer(storage: string, manifest: BundleManifest, install: BundledInstall): BundledServer | undefined {
  const folder = installFolder(storage, manifest, install);
  return existsSync(join(folder, MARKER)) ? serverIn(folder, install) : undefined;
}

function run(command: string, args: string[], log: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    // the user's pip configuration (files and PIP_* variables: an index, extra links, --user) must not
    // change what is installed here
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PIP_")));
    const child = spawn(command, args, { env: { ...env, PIP_CONFIG_FILE: devNull, PYTHONNOUSERSITE: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    const forward = (chunk: Buffer) => chunk.toString().split(/\r?\n/).filter(Boolean).forEach(log);
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", (error) => {
      log(`${command} did not run: ${error.message}`);
      resolve(-1);
    });
    child.on("close", (code) => resolve(code ?? -1));
  });
}

/**
 * Install the bundled wheels for `install.python` (offline first, then with PyPI for wheels the
 * bundle lacks), into a fresh folder that replaces the final one only when pip succeeded.
 */
export async function installBundledServer(
  bundle: string,
  storage: string,
  manifest: BundleManifest,
  install: BundledInstall,
  log: (line: string) => void,
): Promise<BundledServer> {
  const folder = installFolder(storage, manifest, install);
  const partial = `${folder}.partial-${process.pid}`;
  const wheels = join(bundle, "wheels");
  const pip = join(wheels, manifest.pip, "pip");
  const common = ["install", "--disable-pip-version-check", "--no-input", "--no-warn-script-location", "--find-links", wheels, "--target", partial];
  const requirement = `iml-ls==${manifest.imlLs}`;
  for (const network of [false, true]) {
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    log(network ? "Some wheels are not in the bundle for this Python; asking PyPI for them." : `Installing ${requirement} from the bundled wheels.`);
    const status = await run(install.python, [pip, ...common, ...(network ? [] : ["--no-index"]), requirement], log);
    if (status === 0) {
      writeFileSync(join(partial, MARKER), `${requirement} for ${install.python}\n`);
      rmSync(folder, { recursive: true, force: true });
      renameSync(partial, folder);
      return serverIn(folder, install);
    }
  }
  rmSync(partial, { recursive: true, force: true });
  throw new Error(`pip could not install the bundled iml-ls for ${install.python}; the log above says why`);
}
