// GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` annotation per finding, at the
// sink, paths relative to the repository root; message and properties escaped so scanned text cannot end a command.
import { relative } from 'node:path';
import type { Finding, ScanResult, Severity } from '../result.js';
import type { RenderOptions } from './index.js';
import { escapeLine } from './escape.js';
import { summaryLine } from './describe.js';

const level: Record<Severity, 'error' | 'warning' | 'notice'> = { critical: 'error', high: 'error', medium: 'warning', low: 'notice' };

/** The workflow-command escaping of a message: `%`, CR and LF. */
export const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** The escaping of a property value: as data, plus `:` and `,`. */
export const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** A finding's path as GitHub expects it: relative to the repository root when the scan knows it. */
export function repositoryPath(path: string, root: string, repositoryRoot: string | undefined): string {
  return repositoryRoot ? relative(repositoryRoot, `${root}/${path}`).split('\\').join('/') : path;
}

function annotation(finding: Finding, result: ScanResult, options: RenderOptions): string {
  const properties = [
    `file=${escapeProperty(escapeLine(repositoryPath(finding.path, result.root, options.provenance?.repositoryRoot)))}`,
    `line=${finding.line}`,
    `col=${finding.column}`,
    `endLine=${finding.endLine}`,
    `endColumn=${finding.endColumn}`,
    `title=${escapeProperty(`${finding.rule} ${finding.name} (${finding.severity}${finding.confidence ? `, ${finding.confidence} confidence` : ''})`)}`,
  ];
  const reasons = Object.entries(finding.fieldReasons ?? {}).map(([field, why]) => `${field}: ${why.join('; ')}`);
  const message = [finding.message, ...reasons, finding.remediation.split('\n')[0]!].map(escapeLine).join('\n');
  return `::${level[finding.severity]} ${properties.join(',')}::${escapeData(message)}`;
}

export function renderGithub(result: ScanResult, options: RenderOptions): string {
  const lines = result.findings.map((finding) => annotation(finding, result, options));
  for (const error of result.errors) lines.push(`::warning file=${escapeProperty(escapeLine(error.path))},title=massassign::${escapeData(escapeLine(error.message))}`);
  if (!options.quiet) lines.push(escapeData(summaryLine(result)));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
