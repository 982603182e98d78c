// Applies `# massassign: ignore` comments to findings after the scan, and lists the comments that
// silenced nothing (`--warn-unused-ignores`).
import type { Finding } from '../result.js';
import { namesRule } from './filter.js';
import { findIgnoreComments, type IgnoreComment } from './ignore-comments.js';

/** Reads a scanned file by its path relative to the scan root; null when it cannot be read. */
export type SourceReader = (path: string) => string | null;

export interface Suppression {
  kept: Finding[];
  suppressed: Finding[];
}

export interface UnusedIgnore {
  path: string;
  line: number;
  /** The listed rules that matched nothing; empty for a bare ignore that matched nothing. */
  rules: string[];
}

/** Comments of each file, read once. */
export class IgnoreIndex {
  private readonly byPath = new Map<string, IgnoreComment[]>();
  private readonly used = new Map<IgnoreComment, Set<string>>();

  constructor(private readonly read: SourceReader) {}

  comments(path: string): IgnoreComment[] {
    let comments = this.byPath.get(path);
    if (!comments) {
      const source = this.read(path);
      comments = source === null ? [] : findIgnoreComments(source);
      this.byPath.set(path, comments);
    }
    return comments;
  }

  /** Whether a comment covers `finding`; records which of its rules were used. */
  covers(finding: Finding): boolean {
    let covered = false;
    for (const comment of this.comments(finding.path)) {
      const onLine = comment.line === finding.line || (comment.ownLine && comment.line === finding.line - 1);
      if (!onLine) continue;
      const matching = comment.rules.length === 0 ? ['*'] : comment.rules.filter((rule) => namesRule(rule, finding));
      if (matching.length === 0) continue;
      const used = this.used.get(comment) ?? new Set();
      for (const rule of matching) used.add(rule);
      this.used.set(comment, used);
      covered = true;
    }
    return covered;
  }

  /** Comments in `paths` that covered none of the findings passed to `covers`. */
  unused(paths: string[]): UnusedIgnore[] {
    return paths.flatMap((path) => this.comments(path).flatMap((comment) => {
      const used = this.used.get(comment);
      if (!used) return [{ path, line: comment.line, rules: comment.rules }];
      const unusedRules = comment.rules.filter((rule) => !used.has(rule));
      return unusedRules.length > 0 ? [{ path, line: comment.line, rules: unusedRules }] : [];
    }));
  }
}

export function suppress(findings: Finding[], index: IgnoreIndex): Suppression {
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of findings) (index.covers(finding) ? suppressed : kept).push(finding);
  return { kept, suppressed };
}
