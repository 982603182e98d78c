// Code excerpts for the reporters that show code: the source line of every trace step and sink,
// keyed `path:line`. Pure: the caller supplies the file reader (the CLI reads from the scan root).
import type { ScanResult } from '../result.js';

/** Reads a file by its path relative to the scan root; null or undefined when it cannot be read. */
export type SourceReader = (path: string) => string | null | undefined;

export function collectExcerpts(result: ScanResult, readFile: SourceReader): Record<string, string> {
  const wanted = result.findings.flatMap((finding) => [{ path: finding.path, line: finding.line }, ...finding.trace]);
  const files = new Map<string, string[] | undefined>();
  const excerpts: Record<string, string> = {};
  for (const { path, line } of wanted) {
    if (!files.has(path)) files.set(path, readFile(path)?.split(/\r?\n/) ?? undefined);
    const text = files.get(path)?.[line - 1];
    if (text !== undefined) excerpts[`${path}:${line}`] = text;
  }
  return excerpts;
}
