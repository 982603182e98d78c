// Edits for a fix, where the code has a shape we can edit safely enough to propose: a guard that skips
// every key outside the model's non-sensitive fields, put in the loop right before the setattr.
import type { SinkHit } from '../analysis/hits.js';
import type { Fix } from '../result.js';

const SETATTR = /^setattr\(\s*[^,]+?\s*,\s*([A-Za-z_]\w*)\s*,/;

/** A fix for `for key, value in data.items(): setattr(obj, key, value)`; undefined for other shapes. */
export function fixFor(hit: SinkHit, source: string, lineStarts: readonly number[]): Fix | undefined {
  const key = SETATTR.exec(hit.sinkText)?.[1];
  const safe = hit.model?.fields.filter((f) => !f.sensitive).map((f) => f.name) ?? [];
  if (hit.kind !== 'setattr' || !key || !hit.model || safe.length === 0) return undefined;
  const lineStart = lineStarts[hit.location.line - 1]!;
  const indent = source.slice(lineStart, lineStart + hit.location.column - 1);
  if (!/^[ \t]*$/.test(indent) || !insideLoopOver(key, source, lineStart, indent.length)) return undefined;
  const allowed = `{${safe.map((f) => JSON.stringify(f)).join(', ')}}`;
  return {
    description: `Skip every key outside the fields of ${hit.model.name} a client may set`,
    applicability: 'unsafe',
    edits: [{
      path: hit.location.path,
      line: hit.location.line,
      column: 1,
      endLine: hit.location.line,
      endColumn: 1,
      text: `${indent}if ${key} not in ${allowed}:\n${indent}    continue\n`,
    }],
  };
}

/** Whether an enclosing `for` (less indented, above) binds `key`, so `continue` is valid and skips it. */
function insideLoopOver(key: string, source: string, lineStart: number, indent: number): boolean {
  const above = source.slice(0, lineStart).split('\n').reverse();
  for (const line of above) {
    const depth = line.length - line.trimStart().length;
    if (line.trim() === '' || depth >= indent) continue;
    if (/^\s*(def|class)\b/.test(line)) return false;
    if (new RegExp(`^\\s*(async\\s+)?for\\s+\\(?\\s*${key}\\b`).test(line)) return true;
    indent = depth;
  }
  return false;
}
