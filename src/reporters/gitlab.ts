// The GitLab SAST report (security-report-schemas v15.0.7, `sast-report-format.json`): one vulnerability per
// finding with rule and CWE identifiers, location relative to the repository root, and the remediation as solution.
import type { Finding, ScanResult, Severity } from '../result.js';
import type { RenderOptions } from './index.js';
import { repositoryPath } from './github.js';
import { ruleByCode } from '../rules/index.js';
import { ruleDocsUrl } from '../rules/render-markdown.js';

export const gitlabSchemaVersion = '15.0.7';
const schemaUrl = `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${gitlabSchemaVersion}/dist/sast-report-format.json`;
const severity: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

/** `2026-12-02T19:40:00`: the schema's date-time without zone or fraction. */
const gitlabTime = (date: Date) => date.toISOString().slice(0, 19);

/** The fingerprint shaped as a UUID, so GitLab tracks the same finding across pipelines. */
const uuidOf = (fingerprint: string) => {
  const hex = fingerprint.padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

function vulnerability(finding: Finding, result: ScanResult, options: RenderOptions) {
  const rule = ruleByCode(finding.rule);
  return {
    id: uuidOf(finding.fingerprint),
    name: `${finding.rule} ${finding.name}`.slice(0, 255),
    description: [
      finding.message,
      ...(finding.fields.length ? [`Writable sensitive fields: ${finding.fields.join(', ')}.`] : []),
      ...Object.entries(finding.fieldReasons ?? {}).map(([field, why]) => `${field}: ${why.join('; ')}`),
      ...(finding.related ?? []).map((step) => `Related: ${step.path}:${step.line} ${step.note}`),
      ...(finding.confidence ? [`Confidence: ${finding.confidence}.`] : []),
    ].join('\n\n'),
    severity: severity[finding.severity],
    solution: finding.remediation.slice(0, 7000),
    identifiers: [
      { type: 'massassign_rule_id', name: `massassign ${finding.rule}`, value: finding.rule, ...(rule ? { url: ruleDocsUrl(rule) } : {}) },
      { type: 'cwe', name: 'CWE-915', value: '915', url: 'https://cwe.mitre.org/data/definitions/915.html' },
    ],
    location: {
      file: repositoryPath(finding.path, result.root, options.provenance?.repositoryRoot),
      start_line: finding.line,
      end_line: Math.max(finding.line, finding.endLine),
    },
  };
}

export function renderGitlab(result: ScanResult, options: RenderOptions): string {
  const end = options.provenance ? new Date(options.provenance.date) : new Date(0);
  const start = new Date(end.getTime() - Math.round(result.stats.seconds * 1000));
  const tool = { id: 'massassign', name: 'massassign', version: options.provenance?.version ?? '0.0.0', vendor: { name: 'massassign' }, url: 'https://www.npmjs.com/package/massassign' };
  const report = {
    version: gitlabSchemaVersion,
    schema: schemaUrl,
    scan: {
      analyzer: tool,
      scanner: tool,
      type: 'sast',
      start_time: gitlabTime(start),
      end_time: gitlabTime(end),
      status: 'success',
    },
    vulnerabilities: result.findings.map((finding) => vulnerability(finding, result, options)),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
