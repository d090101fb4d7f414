// The `imlLs` settings the server reads. Kept free of the vscode API for the unit tests.
import { isAbsolute, relative, resolve } from "node:path";

/** The server-side part of the `imlLs` section (the `server.*` and `trace.*` keys stay in the client). */
export interface LanguageSettings {
  requiredClaims: string[];
  samplesFile: string;
  disabledDiagnostics: string[];
}

function isInside(folder: string, file: string): boolean {
  const path = relative(folder, file);
  return !isAbsolute(path) && !path.split(/[\\/]/).includes("..");
}

/**
 * The settings as the server should see them: a relative `samplesFile` (or one starting with
 * `${workspaceFolder}`) is made absolute against the workspace folder, because the server's working
 * directory is not something the user sees. A `samplesFile` that the workspace's own settings give
 * (`fromWorkspace`) must stay inside the workspace folder: a repository cannot point it at
 * `../../../etc/…`. The user's own setting may name any file.
 */
export function forServer(settings: LanguageSettings, workspaceFolder: string | undefined, fromWorkspace = false): LanguageSettings {
  let samplesFile = settings.samplesFile;
  if (samplesFile && workspaceFolder !== undefined) {
    samplesFile = samplesFile.replace(/^\$\{workspaceFolder\}/, workspaceFolder);
    if (!isAbsolute(samplesFile)) {
      samplesFile = resolve(workspaceFolder, samplesFile);
    }
  }
  if (samplesFile && fromWorkspace && !(workspaceFolder !== undefined && isInside(workspaceFolder, samplesFile))) {
    samplesFile = "";
  }
  return { ...settings, samplesFile };
}
