// The `imlLs` settings the server reads. Kept free of the vscode API for the unit tests.
import { isAbsolute, resolve } from "node:path";

/** The server-side part of the `imlLs` section (the `server.*` and `trace.*` keys stay in the client). */
export interface LanguageSettings {
  requiredClaims: string[];
  samplesFile: string;
  disabledDiagnostics: string[];
}

/**
 * The settings as the server should see them: a relative `samplesFile` (or one starting with
 * `${workspaceFolder}`) is made absolute against the workspace folder, because the server's working
 * directory is not something the user sees.
 */
export function forServer(settings: LanguageSettings, workspaceFolder: string | undefined): LanguageSettings {
  let samplesFile = settings.samplesFile;
  if (samplesFile && workspaceFolder !== undefined) {
    samplesFile = samplesFile.replace(/^\$\{workspaceFolder\}/, workspaceFolder);
    if (!isAbsolute(samplesFile)) {
      samplesFile = resolve(workspaceFolder, samplesFile);
    }
  }
  return { ...settings, samplesFile };
}
