// The terminal report: findings grouped by endpoint, in plain words: what, why, the fields, the fix;
// then the files that could not be analysed and a one-line summary. ANSI colour only when asked.
import type { Finding, ScanResult, Severity, TextEdit } from '../result.js';
import wrapAnsi from 'wrap-ansi';
import type { RenderOptions } from './index.js';
import { escapeStrings } from './escape.js';
import { authLabel, groupByEndpoint, keySetInWords, probeVerdictInWords, summaryLine, whyInWords } from './describe.js';

const defaultWidth = 80;
const labelWidth = 12;
const ansiPattern = /\x1b\[[0-9;]*m/g;

type Paint = (code: string, text: string) => string;
const severityColour: Record<Severity, string> = { critical: '1;35', high: '1;31', medium: '1;33', low: '1;36' };

const visibleLength = (text: string) => text.replace(ansiPattern, '').length;

/**
 * Word-wraps `text` to `width` columns (wrap-ansi: colour codes do not count, long words are not broken), the
 * first line after `head`, the rest indented as deep as `head`. Line breaks in `text` are kept, with each line's
 * own indentation (remediations hold code).
 */
function wrapTo(width: number, head: string, text: string): string[] {
  const indent = ' '.repeat(visibleLength(head));
  return text.split('\n').flatMap((source, index) => {
    const own = /^ */.exec(source)?.[0] ?? '';
    const lead = (index === 0 ? head : indent) + own;
    const room = Math.max(20, width - visibleLength(lead));
    return wrapAnsi(source.slice(own.length), room, { hard: false, trim: true }).split('\n').map((line, i) => (i === 0 ? lead : indent + own) + line);
  });
}

function editInWords(edit: TextEdit): string {
  const inserts = edit.line === edit.endLine && edit.column === edit.endColumn;
  const text = edit.text.replace(/\n$/, '').replaceAll('\n', '⏎');
  return `${edit.path}:${edit.line}:${edit.column} ${inserts ? 'insert' : 'replace with'} ${text}`;
}

function renderFinding(finding: Finding, paint: Paint, wrap: (head: string, text: string) => string[]): string[] {
  const indent = ' '.repeat(labelWidth);
  const label = (name: string) => `    ${paint('2', `${name}:`.padEnd(labelWidth - 5))} `;
  const row = (name: string, text: string) => wrap(label(name), text);
  const badge = paint(severityColour[finding.severity], finding.severity.toUpperCase());
  const lines = [`  ${badge} ${paint('1', finding.rule)} ${finding.name}  ${paint('36', `${finding.path}:${finding.line}:${finding.column}`)}`];
  lines.push(...wrap('    ', finding.message));
  lines.push(...row('Why', whyInWords(finding)));
  const others = finding.writable.filter((name) => !finding.fields.includes(name));
  const sensitive = finding.fields.map((name) => paint('1;31', name)).join(', ');
  const fields = finding.fields.length > 0 ? `${sensitive} (sensitive)` : finding.model === null ? 'unknown (model not resolved)' : 'no sensitive field';
  lines.push(...row('Fields', `${fields}${others.length > 0 ? `; also writable: ${others.join(', ')}` : ''}`));
  if (finding.confidence) lines.push(...row('Confidence', finding.confidence));
  for (const [field, reasons] of Object.entries(finding.fieldReasons ?? {})) lines.push(...row('Evidence', `${field}: ${reasons.join('; ')}`));
  lines.push(...row('Keys', `${keySetInWords(finding.keys)}${finding.model ? ` onto ${finding.model}` : ''}`));
  const places = finding.trace.map((step) => `${step.path}:${step.line}`);
  const placeWidth = Math.max(...places.map((place) => place.length));
  finding.trace.forEach((step, index) => {
    const head = `${index === 0 ? label('Trace') : indent}${index + 1}. ${paint('36', places[index].padEnd(placeWidth))}  `;
    lines.push(...wrap(head, step.note));
  });
  for (const step of finding.related ?? []) lines.push(...row('Related', `${paint('36', `${step.path}:${step.line}`)}  ${step.note}`));
  const verdict = probeVerdictInWords(finding);
  if (verdict) lines.push(...row('Probe', verdict));
  lines.push(...row('Fix', finding.remediation));
  if (finding.fix) {
    lines.push(...wrap(indent, `Suggested edit (${finding.fix.applicability}): ${finding.fix.description}`));
    for (const edit of finding.fix.edits) lines.push(...wrap(`${indent}  `, editInWords(edit)));
  }
  return lines;
}

/** Strings from scanned code reach the terminal escaped; remediations keep their code lines. */
const keepLines = new Set(['remediation', 'text']);

export function renderText(unsafe: ScanResult, options: RenderOptions): string {
  const result = escapeStrings(unsafe, keepLines);
  const width = options.width ?? defaultWidth;
  const wrap = (head: string, text: string) => wrapTo(width, head, text);
  const paint: Paint = options.color ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text;
  const lines: string[] = [];
  for (const group of groupByEndpoint(result.findings)) {
    lines.push(...wrap('', `${paint('1', group.label)} ${paint('2', `· ${authLabel(group.auth)}`)}`));
    for (const finding of group.findings) lines.push(...renderFinding(finding, paint, wrap), '');
  }
  if (result.errors.length > 0) {
    lines.push(paint('1', 'Files that could not be analysed:'));
    for (const error of result.errors) lines.push(...wrap('  ', `${paint('36', error.path)}: ${error.message}`));
    lines.push('');
  }
  if (!options.quiet) lines.push(...wrap('', summaryLine(result)).map((line) => paint('1', line)));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
