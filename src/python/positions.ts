// Offsets to 1-based lines and columns, computed only when a result is rendered (Ruff's rule), and
// the one-line source text of a node that traces and messages quote.
import type { Span } from './ir.js';
export function lineStartsOf(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function positionOf(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}

/** A node's source on one line, shortened: what traces and messages quote. */
export function codeText(source: string, node: Span): string {
  const raw = source.slice(node.s, Math.min(node.e, node.s + 400)).replace(/\s+/g, ' ').trim();
  return raw.length > 90 ? `${raw.slice(0, 87)}...` : raw;
}
