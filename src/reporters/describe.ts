// Plain-words pieces every human-facing reporter shares: severity counts, the summary line,
// endpoint and auth labels, key sets in words, and findings grouped by endpoint.
import type { AuthInfo, Finding, KeySetInfo, ScanResult, Severity } from '../result.js';

export const severities: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export function severityCounts(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** `a`, `a and b`, `a, b and c`. */
export function listInWords(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** `4 findings (1 critical, 2 high, 1 medium) in 12 files, 0.21 s`, plus unreadable files, suppressed and baselined findings when any. */
export function summaryLine(result: ScanResult): string {
  const counts = severityCounts(result.findings);
  const bySeverity = severities.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const findings = result.findings.length === 0 ? 'No findings' : `${plural(result.findings.length, 'finding')} (${bySeverity.join(', ')})`;
  const errors = result.errors.length === 0 ? '' : `; ${plural(result.errors.length, 'file')} could not be analysed`;
  const suppressed = result.suppressed?.length ? `; ${result.suppressed.length} suppressed` : '';
  const baselined = result.baselined ? `; ${result.baselined} in baseline` : '';
  return `${findings} in ${plural(result.stats.files, 'file')}, ${result.stats.seconds.toFixed(2)} s${errors}${suppressed}${baselined}`;
}

export function endpointLabel(endpoint: { methods: string[]; rule: string } | null): string {
  return endpoint ? `${endpoint.methods.join(', ')} ${endpoint.rule}` : 'No route';
}

export function authLabel(auth: AuthInfo): string {
  switch (auth.kind) {
    case 'api_key':
      return auth.via ? `API key (${auth.via})` : 'API key';
    case 'other':
      return auth.via ? `other auth (${auth.via})` : 'other auth';
    case 'none':
      return 'no authentication';
  }
}

export function keySetInWords(keys: KeySetInfo): string {
  switch (keys.kind) {
    case 'any':
      return 'every key the caller sends';
    case 'only':
      return `only ${listInWords(keys.names)}`;
    case 'anyBut':
      return `every key except ${listInWords(keys.names)}`;
  }
}

/** Why the finding matters, in one sentence, from its auth and whether its fields are known. */
export function whyInWords(finding: Finding): string {
  if (finding.auth.kind === 'none') return 'The endpoint has no authentication: anyone who can reach it can write these fields.';
  if (finding.model === null) return 'The written model could not be resolved and the caller\'s keys are not bounded, so any column may be writable.';
  const who = finding.auth.kind === 'api_key' ? 'An API key' : 'Authentication';
  return `${who} says who calls; it does not limit which fields they write, so every key holder can change them.`;
}

/** Masks the value of an API-key or Authorization header quoted in free text, whatever the probe already did. */
export function redactKeyHeaders(text: string): string {
  return text.replace(/\b(x-api-key|authorization)(["']?\s*[:=]\s*["']?)(?:(?:ApiKey|Bearer|Basic|Token)\s+)?[^\s"',;}&]+/gi, '$1$2[redacted]');
}

/** `confirmed: api_key, debug_mode (restored). <reason>`, or undefined when the probe did not run. */
export function probeVerdictInWords(finding: Finding): string | undefined {
  const probe = finding.probe;
  if (!probe) return undefined;
  const fields = probe.fields.length > 0 ? `: ${probe.fields.join(', ')}` : '';
  const restored = probe.restored === undefined ? '' : probe.restored ? ' (restored)' : ' (NOT restored)';
  return `${probe.status}${fields}${restored}. ${redactKeyHeaders(probe.reason)}`;
}

export interface EndpointGroup {
  label: string;
  auth: AuthInfo;
  findings: Finding[];
}

const rank = (severity: Severity) => severities.indexOf(severity);

/** Findings grouped by endpoint, worst first; within a group, by severity then rule. */
export function groupByEndpoint(findings: readonly Finding[]): EndpointGroup[] {
  const groups = new Map<string, EndpointGroup>();
  for (const finding of findings) {
    const label = endpointLabel(finding.endpoint);
    const group = groups.get(label) ?? { label, auth: finding.auth, findings: [] };
    group.findings.push(finding);
    groups.set(label, group);
  }
  const bySeverity = (a: Finding, b: Finding) => rank(a.severity) - rank(b.severity) || a.rule.localeCompare(b.rule) || a.path.localeCompare(b.path) || a.line - b.line;
  const worst = (group: EndpointGroup) => rank(group.findings[0].severity);
  for (const group of groups.values()) group.findings.sort(bySeverity);
  return [...groups.values()].sort((a, b) => worst(a) - worst(b) || a.label.localeCompare(b.label));
}
