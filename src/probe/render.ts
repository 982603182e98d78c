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
  // One block per endpoint, in plan order, headed by its one outcome; every verdict's evidence under it.
  for (const o of report.outcomes ?? []) {
    const mine = report.findings.filter((f) => f.method === o.method && f.route === o.route);
    const head = mine[0];
    if (!head) {
      const tried = report.probed.find((p) => p.method === o.method && p.path === o.path);
      lines.push('', o.outcome === 'nothing stored' && tried ? `nothing stored  ${o.method} ${o.path}  tried ${tried.fields.join(', ')}` : `${o.outcome}  ${o.method} ${o.path}  ${o.detail}`);
      continue;
    }
    lines.push('', `${head.status.toUpperCase()}  ${head.method} ${head.path}  ${head.fields.join(', ')}  [${head.rule}]${head.status === 'confirmed' ? (head.restored ? '  restored' : '  NOT RESTORED') : ''}`);
    for (const f of mine) {
      for (const e of f.evidence) lines.push(`  ${f === head ? '' : `${f.status}: `}${describeEvidence(e)}`);
    }
  }
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
