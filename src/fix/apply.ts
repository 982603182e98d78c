// Applies findings' fixes to their files, Ruff's way: safe edits always, unsafe ones only when asked,
// display-only never; identical edits once, a fix whose edits overlap an accepted one is left for the next pass.
import { createTwoFilesPatch } from 'diff';
import type { Finding, Fix, TextEdit } from '../result.js';
import { lineStartsOf } from '../python/positions.js';
import { offsetAt } from './python-text.js';

export interface FixOptions {
  /** Also apply `unsafe` fixes (`--unsafe-fixes`). */
  unsafe: boolean;
}

export interface FixedFile {
  path: string;
  before: string;
  after: string;
}

export interface FixOutcome {
  files: FixedFile[];
  /** Findings whose fix was applied. */
  applied: number;
  /** Findings with an unsafe fix left out because `--unsafe-fixes` was not given. */
  unsafeSkipped: number;
}

/** Whether this fix is applied under these options. */
export const applies = (fix: Fix | undefined, options: FixOptions): fix is Fix =>
  fix !== undefined && (fix.applicability === 'safe' || (fix.applicability === 'unsafe' && options.unsafe));

interface Placed {
  start: number;
  end: number;
  text: string;
  order: number;
}

/** The new text of every file a fix touches; `read` gives a file's text by its path relative to the scan root. */
export function applyFixes(findings: readonly Finding[], read: (path: string) => string | null, options: FixOptions): FixOutcome {
  const byPath = new Map<string, { source: string; lineStarts: number[]; edits: Placed[]; keys: Set<string> }>();
  let applied = 0;
  let unsafeSkipped = 0;
  let order = 0;
  for (const finding of findings) {
    if (finding.fix?.applicability === 'unsafe' && !options.unsafe) unsafeSkipped += 1;
    if (!applies(finding.fix, options)) continue;
    const planned: { file: NonNullable<ReturnType<typeof byPath.get>>; placed: Placed; key: string }[] = [];
    let conflicts = false;
    for (const edit of finding.fix.edits) {
      const file = fileFor(byPath, edit.path, read);
      if (!file) { conflicts = true; break; }
      const placed = place(edit, file.lineStarts, order++);
      const key = `${placed.start}:${placed.end}:${placed.text}`;
      if (!file.keys.has(key) && file.edits.some((other) => overlaps(other, placed))) { conflicts = true; break; }
      planned.push({ file, placed, key });
    }
    if (conflicts) continue;
    for (const { file, placed, key } of planned) {
      if (file.keys.has(key)) continue;
      file.keys.add(key);
      file.edits.push(placed);
    }
    applied += 1;
  }
  const files: FixedFile[] = [];
  for (const [path, file] of byPath) {
    if (file.edits.length === 0) continue;
    let after = file.source;
    // from the end backwards, so earlier offsets stay valid; at one point, later edits go after earlier ones
    for (const edit of [...file.edits].sort((a, b) => b.start - a.start || b.order - a.order)) {
      after = after.slice(0, edit.start) + edit.text + after.slice(edit.end);
    }
    if (after !== file.source) files.push({ path, before: file.source, after });
  }
  return { files: files.sort((a, b) => a.path.localeCompare(b.path)), applied, unsafeSkipped };
}

function fileFor(byPath: Map<string, { source: string; lineStarts: number[]; edits: Placed[]; keys: Set<string> }>, path: string, read: (path: string) => string | null) {
  if (!byPath.has(path)) {
    const source = read(path);
    if (source === null) return undefined;
    byPath.set(path, { source, lineStarts: lineStartsOf(source), edits: [], keys: new Set() });
  }
  return byPath.get(path);
}

function place(edit: TextEdit, lineStarts: readonly number[], order: number): Placed {
  return { start: offsetAt(lineStarts, edit.line, edit.column), end: offsetAt(lineStarts, edit.endLine, edit.endColumn), text: edit.text, order };
}

/** Two edits touch the same text: overlapping ranges, or one inserting strictly inside the other's range. */
function overlaps(a: Placed, b: Placed): boolean {
  if (a.start === a.end && b.start === b.end) return false;
  return a.start < b.end && b.start < a.end;
}

/** The unified diff of the fixed files, paths as `a/<path>` and `b/<path>` (git's way). */
export function unifiedDiff(files: readonly FixedFile[]): string {
  return files.map((file) => createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, file.before, file.after, undefined, undefined, { context: 3 }).replace(/^=+\n/, '')).join('');
}
