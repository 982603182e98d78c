// Plain-text lines about what the policy step set aside: suppressed findings and unused ignore comments.
import type { Finding } from '../result.js';
import type { UnusedIgnore } from './suppress.js';

export function suppressedList(findings: Finding[]): string {
  if (findings.length === 0) return 'No findings suppressed by ignore comments.\n';
  const lines = findings.map((f) => `  ${f.path}:${f.line}:${f.column}  ${f.rule} ${f.name} (${f.severity})`);
  return `Suppressed by ignore comments (${findings.length}):\n${lines.join('\n')}\n`;
}

export function unusedIgnoreLine(unused: UnusedIgnore): string {
  const what = unused.rules.length === 0 ? 'matches no finding' : `lists ${unused.rules.join(', ')}, which match${unused.rules.length === 1 ? 'es' : ''} no finding`;
  return `${unused.path}:${unused.line}: unused ignore comment: ${what}`;
}
