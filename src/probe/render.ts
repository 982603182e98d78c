// The probe report as text (default) or JSON (the documented shape of docs/probe.md).
import type { ProbeReport } from './types.js';
import { describeEvidence } from './report.js';

export function renderProbeJson(report: ProbeReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderProbeText(report: ProbeReport): string {
  const lines: string[] = [];
  if (report.plan) {
    lines.push(`Dry run against ${report.target}: nothing sent. The plan:`);
    for (const p of report.plan) {
      lines.push(`  ${p.method} ${p.route}  re-read by ${p.reread}`);
      lines.push(`    properties: ${p.candidates.length > 0 ? p.candidates.join(', ') : '(none known yet)'}; ${p.note}`);
    }
    return `${lines.join('\n')}\n`;
  }
  if (report.undo) {
    lines.push(`Undo from ${report.undo.file} against ${report.target}: ${report.undo.restored} of ${report.undo.open} open change(s) put back, with ${report.requests} requests.`);
  } else lines.push(`Probed ${report.target} with ${report.requests} requests.`);
  for (const o of report.outcomes ?? []) {
    if (['not probed', 'not reached'].includes(o.outcome)) lines.push('', `${o.outcome}  ${o.method} ${o.path}  ${o.detail}`);
  }
  for (const f of report.findings) {
    lines.push('', `${f.status.toUpperCase()}  ${f.method} ${f.path}  ${f.fields.join(', ')}  [${f.rule}]${f.status === 'confirmed' ? (f.restored ? '  restored' : '  NOT RESTORED') : ''}`);
    for (const e of f.evidence) lines.push(`  ${describeEvidence(e)}`);
  }
  const unconfirmed = report.probed.filter((p) => !report.findings.some((f) => f.method === p.method && f.path === p.path));
  for (const p of unconfirmed) lines.push('', `nothing stored  ${p.method} ${p.path}  tried ${p.fields.join(', ')}`);
  const fieldSkips = report.skipped.filter((s) => !(report.outcomes ?? []).some((o) => o.method === s.method && o.route === s.route && o.detail === s.reason));
  if (fieldSkips.length > 0) {
    lines.push('', 'Not probed:');
    for (const s of fieldSkips) lines.push(`  ${s.method} ${s.route}  ${s.reason}`);
  }
  if (report.residue.length > 0) {
    lines.push('', 'NOT RESTORED: the probe changed these and could not put them back:');
    for (const r of report.residue) lines.push(`  ${r.method} ${r.path}: ${r.what}. To do: ${r.todo}`);
  }
  if (report.errors.length > 0) {
    lines.push('', 'Errors:');
    for (const e of report.errors) lines.push(`  ${e}`);
  }
  const confirmed = report.findings.filter((f) => f.status === 'confirmed').flatMap((f) => f.fields).length;
  const verdict = report.undo ? '' : confirmed > 0 ? `${confirmed} field(s) confirmed writable. ` : 'Nothing confirmed. ';
  lines.push('', report.residue.length === 0
    ? `${verdict}Everything the probe changed was put back.`
    : `${verdict}NOT RESTORED: ${report.residue.length} change(s) left (listed above)${report.journal ? `; journal ${report.journal}: massassign probe ${report.target} --undo ${report.journal}` : ''}.`);
  return `${lines.join('\n')}\n`;
}
