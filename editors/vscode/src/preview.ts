// The text of the token preview document, rendered from the JSON of the server's `iml.previewToken`
// command. Kept free of the vscode API so the unit tests can run it in plain node.

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface PreviewToken {
  range: LspRange;
  /** The signed token, or null when Make would fail to sign (see `error`). */
  token: string | null;
  header: unknown;
  payload: unknown;
  algorithm: string | null;
  /** Human forms of the time claims, e.g. {"exp": "2023-11-14 23:13:20 UTC (in 1 h)"}. */
  times?: Record<string, string>;
  error?: string | null;
  placeholders?: string[];
}

export interface PreviewResult {
  /** The clock the preview was signed at, in Unix seconds. */
  now?: number;
  /** The sample-values file used, or null when every missing value became a placeholder. */
  samples?: string | null;
  requests: unknown[];
  tokens: PreviewToken[];
  placeholders: string[];
  errors: { range: LspRange; message: string }[];
}

export interface RenderedPreview {
  text: string;
  /** The zero-based line of each signed token in `text`, for the "Copy token" code lenses. */
  tokenLines: { line: number; token: string }[];
}

/** Whether a value has the shape of a preview result (the command's answer is untyped JSON). */
export function isPreviewResult(value: unknown): value is PreviewResult {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const candidate = value as Record<string, unknown>;
  return Array.isArray(candidate.tokens) && Array.isArray(candidate.placeholders) && Array.isArray(candidate.errors);
}

/** "2023-11-14 22:13:20 UTC" for Unix seconds. */
export function formatUtc(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function at(range: LspRange): string {
  return `line ${range.start.line + 1}, column ${range.start.character + 1}`;
}

function jsonBlock(value: unknown): string[] {
  return ["```json", JSON.stringify(value, null, 2), "```"];
}

/** Markdown for the preview of `fileName`: each token, its header and payload, times and placeholders. */
export function renderPreview(result: PreviewResult, fileName: string): RenderedPreview {
  const lines: string[] = [`# Token preview: ${fileName}`, ""];
  const tokenLines: { line: number; token: string }[] = [];
  if (result.now !== undefined) {
    lines.push(`Signed at: ${formatUtc(result.now)} (${result.now.toFixed(0)} Unix seconds)`);
  }
  lines.push(`Sample values: ${result.samples ?? "none found, so missing values are placeholders"}`);
  if (result.placeholders.length > 0) {
    lines.push(`Placeholders (not real values): ${result.placeholders.join(", ")}`);
  }
  if (result.tokens.length === 0) {
    lines.push("", "No jwt() call in this file.");
  }
  for (const [index, token] of result.tokens.entries()) {
    lines.push("", `## jwt() #${index + 1} at ${at(token.range)}${token.algorithm ? ` (${token.algorithm})` : ""}`, "");
    if (token.token === null) {
      lines.push(`Make would fail to sign this token: ${token.error ?? "unknown error"}`);
      continue;
    }
    lines.push(`Token (${token.token.length} characters):`, "");
    tokenLines.push({ line: lines.length, token: token.token });
    lines.push(token.token, "", "Header:", ...jsonBlock(token.header), "", "Payload:", ...jsonBlock(token.payload));
    const times = Object.entries(token.times ?? {});
    if (times.length > 0) {
      lines.push("", "Times:", ...times.map(([claim, when]) => `- ${claim}: ${when}`));
    }
    if (token.placeholders && token.placeholders.length > 0) {
      lines.push("", `Placeholders in this token: ${token.placeholders.join(", ")}`);
    }
  }
  if (result.errors.length > 0) {
    lines.push("", "## Errors", "", ...result.errors.map((error) => `- ${at(error.range)}: ${error.message}`));
  }
  if (result.placeholders.length > 0) {
    lines.push(
      "",
      "Placeholders stand in for values only Make knows (the user's connection parameters). " +
        "To sign with real values, put them in a samples file, e.g. `<connection>.samples.json` beside the file: " +
        '`{"parameters": {"clientSecret": "..."}, "common": {}, "data": {}}`, or set `imlLs.samplesFile`.',
    );
  }
  return { text: lines.join("\n") + "\n", tokenLines };
}
