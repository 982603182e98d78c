// From endpoint results to the probe report: findings grouped by endpoint and verdict, skips, and residue.
import type { Evidence, FieldStatus, PlanSummary, ProbeFinding, ProbeReport, Probed, Residue, Skipped } from './types.js';
import type { EndpointResult } from './endpoint.js';
import type { Plan } from './plan.js';

const REPORTED: FieldStatus[] = ['confirmed', 'reflected', 'suspected'];

export function buildReport(target: string, results: EndpointResult[], residue: Residue[], requests: number, errors: string[]): ProbeReport {
  const findings: ProbeFinding[] = [];
  const skipped: Skipped[] = [];
  const probed: Probed[] = [];
  for (const result of results) {
    const { write } = result;
    const sent = result.evidence.filter((e) => e.request).map((e) => e.field);
    if (sent.length > 0) probed.push({ method: write.method, path: result.path, fields: sent });
    if (result.skipped) skipped.push({ method: write.method, route: write.route, reason: result.skipped });
    for (const e of result.evidence.filter((x) => x.status === 'not probed')) skipped.push({ method: write.method, route: write.route, reason: `${e.field}: ${e.reason}` });
    for (const status of REPORTED) {
      const evidence = result.evidence.filter((e) => e.status === status);
      if (evidence.length === 0) continue;
      const rule = write.candidates.find((c) => c.rule && evidence.some((e) => e.field === c.field))?.rule ?? 'probe';
      findings.push({
        rule,
        method: write.method,
        path: result.path,
        route: write.route,
        fields: evidence.map((e) => e.field).sort(),
        status,
        restored: evidence.every((e) => e.restored),
        evidence: [...evidence].sort((a, b) => a.field.localeCompare(b.field)),
      });
    }
  }
  return { version: 1, target, findings, probed, residue, skipped, requests, errors };
}

export function planSummary(plan: Plan): PlanSummary[] {
  return plan.writes.map((write) => ({
    method: write.method,
    route: write.route,
    reread: plan.reads.size === 0 || plan.reads.has(write.route) ? `GET ${write.route}` : 'the created object, if the API shows it',
    candidates: write.candidates.map((c) => c.field),
    note: write.staticEvidence
      ? 'fields from the static findings only'
      : 'plus sensitive-looking keys the read returns; for creates, the built-in dictionary',
  }));
}

/** Evidence for one field in a line: the verdict's reason and whether it was put back. */
export function describeEvidence(e: Evidence): string {
  return `${e.field}: ${e.reason}${e.request ? (e.restored ? ' (restored)' : ' (NOT restored)') : ''}`;
}
