// Plain-text lines about what the policy step set aside: suppressed findings and unused ignore comments,
// and why each silenced finding is silenced (its ignore comment's words after `--`, its baseline note).
import type { Finding } from '../result.js';
import type { SourceReader, UnusedIgnore } from './suppress.js';
import type { Baseline } from './baseline.js';

export function suppressedList(findings: Finding[]): string {
  if (findings.length === 0) return 'No findings suppressed by ignore comments.\n';
  const lines = findings.map((f) => `  ${f.path}:${f.line}:${f.column}  ${f.rule} ${f.name} (${f.severity})`);
  return `Suppressed by ignore comments (${findings.length}):\n${lines.join('\n')}\n`;
}

export function unusedIgnoreLine(unused: UnusedIgnore): string {
  const what = unused.rules.length === 0 ? 'matches no finding' : `lists ${unused.rules.join(', ')}, which match${unused.rules.length === 1 ? 'es' : ''} no finding`;
  return `${unused.path}:${unused.line}: unused ignore comment: ${what}`;
}

const reasonAfterDirective = /#\s*massassign:\s*ignore(?:\[[^\]]*\])?\s*(?:--|:|-)?\s*(.+)$/i;

/** By fingerprint: the words after an ignore comment on the finding's line or the line before, and baseline notes. */
export function silencedReasons(suppressed: Finding[], baselined: Finding[], baseline: Baseline | undefined, read: SourceReader): Record<string, string> {
  const reasons: Record<string, string> = {};
  for (const finding of suppressed) {
    const lines = read(finding.path)?.split('\n') ?? [];
    for (const line of [lines[finding.line - 1], lines[finding.line - 2]]) {
      const reason = line === undefined ? undefined : reasonAfterDirective.exec(line)?.[1]?.trim();
      if (reason) { reasons[finding.fingerprint] = reason; break; }
    }
  }
  for (const finding of baselined) {
    const note = baseline?.findings.find((entry) => entry.fingerprint === finding.fingerprint)?.note;
    reasons[finding.fingerprint] = note ?? 'recorded in the baseline';
  }
  return reasons;
}
