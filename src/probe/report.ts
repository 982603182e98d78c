// From endpoint results to the probe report: findings grouped by endpoint and verdict, skips, and residue.
import type { Evidence, FieldStatus, Outcome, PlanSummary, ProbeFinding, ProbeReport, Probed, Residue, Skipped } from './types.js';
import type { EndpointResult } from './endpoint.js';
import type { Plan } from './plan.js';
import { fieldRole } from './fields.js';

const REPORTED = ['confirmed', 'reflected', 'suspected'] as const satisfies readonly FieldStatus[];

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
  return { version: 1, target, findings, probed, residue, skipped, requests, errors, outcomes: results.map((r) => outcomeOf(r, errors[0])) };
}

/** One outcome per endpoint: its best verdict, else that nothing was stored, else why it was not probed. */
function outcomeOf(result: EndpointResult, stopped: string | undefined): Outcome {
  const { method, route } = result.write;
  const base = { method, route, path: result.path };
  for (const status of REPORTED) {
    const fields = result.evidence.filter((e) => e.status === status).map((e) => e.field).sort();
    if (fields.length > 0) return { ...base, outcome: status, detail: fields.join(', ') };
  }
  const sent = result.evidence.filter((e) => e.request);
  if (sent.length > 0) return { ...base, outcome: 'nothing stored', detail: sent.map((e) => `${e.field}: ${e.reason}`).join('; ') };
  if (result.skipped) return { ...base, outcome: 'not probed', detail: result.skipped };
  const left = result.evidence.map((e) => `${e.field}: ${e.reason}`).join('; ');
  if (result.reached && stopped && !left) return { ...base, outcome: 'not probed', detail: `the run stopped here: ${stopped}` };
  return { ...base, outcome: result.reached ? 'not probed' : 'not reached', detail: left || (result.reached ? 'no property to probe' : `the run stopped before this endpoint${stopped ? `: ${stopped}` : ''}`) };
}

const MAX_TEXT = 2000;

/** Long strings cut short, after redaction (so no secret is ever half-printed). */
export function shorten<T>(value: T): T {
  if (typeof value === 'string') return (value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}… (${value.length} chars)` : value) as T;
  if (Array.isArray(value)) return value.map(shorten) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shorten(v)])) as T;
  return value;
}

export function planSummary(plan: Plan): PlanSummary[] {
  return plan.writes.map((write) => {
    const read = plan.reads.size === 0 || plan.reads.has(write.route) ? `GET ${write.route}` : undefined;
    const parent = write.method === 'POST' ? write.route.replace(/\/[^/{}]+\/?$/, '') : '';
    const list = !read && parent && !parent.endsWith('}') && plan.reads.has(parent) ? `GET ${parent} (the list it creates into)` : undefined;
    return {
      method: write.method,
      route: write.route,
      reread: read ?? list ?? 'nothing known: nothing is sent to it',
      candidates: write.candidates.map((c) => (fieldRole(c.field, write.modelFields.get(c.field)) === 'primary-key' ? `${c.field} (primary key: never probed)` : c.field)),
      note: `then any sensitive-looking key the object shows${write.staticEvidence ? '' : '; the built-in dictionary if it shows nothing but an id'}`,
    };
  });
}

/** Evidence for one field in a line: the verdict's reason and whether it was put back. */
export function describeEvidence(e: Evidence): string {
  return `${e.field}: ${e.reason}${e.request ? (e.restored ? ' (restored)' : ' (NOT restored)') : ''}`;
}
