// probe(options): plan from the static scan, OpenAPI and --path, then probe each write endpoint against the live
// API, one property per request, re-read, undo, and report with the API key redacted everywhere.
import { randomBytes } from 'node:crypto';
import type { ScanResult } from '../result.js';
import { scan } from '../scan.js';
import { UsageError } from '../cli/usage-error.js';
import { ProbeAbort, ProbeClient } from './client.js';
import { probeEndpoint, type EndpointResult } from './endpoint.js';
import { readOpenApi } from './openapi.js';
import { makePlan, type Plan } from './plan.js';
import { Redactor } from './redact.js';
import { buildReport, planSummary } from './report.js';
import { Session } from './session.js';
import { checkTarget } from './target.js';
import type { ProbeOptions, ProbeReport } from './types.js';

export type * from './types.js';
export { annotateFindings } from './annotate.js';
export { renderProbeJson, renderProbeText } from './render.js';

export interface ProbeRun {
  report: ProbeReport;
  plan: Plan;
  results: EndpointResult[];
  scanResult?: ScanResult;
  /** The probe could not reach the target at all, or lost it. */
  unreachable: boolean;
}

export async function probe(options: ProbeOptions): Promise<ProbeReport> {
  return (await runProbe(options)).report;
}

export async function runProbe(options: ProbeOptions): Promise<ProbeRun> {
  const redactor = new Redactor();
  redactor.add(options.apiKey);
  const token = options.apiKey.split(/\s+/).pop() ?? '';
  if (token.length >= 6) redactor.add(token);
  try {
    return await runRedacted(options, redactor);
  } catch (error) {
    if (error instanceof Error) error.message = redactor.text(error.message);
    throw error;
  }
}

async function runRedacted(options: ProbeOptions, redactor: Redactor): Promise<ProbeRun> {
  if (options.apiKey.length === 0) throw new UsageError('--api-key is empty');
  const target = checkTarget(options.baseUrl, options.allowHosts);
  const scanResult = options.scanResult ?? (options.source ? await scan({ path: options.source }) : undefined);
  const plan = makePlan(scanResult, options.openapi ? readOpenApi(options.openapi) : undefined, options.paths ?? []);
  if (options.findingsOnly) plan.writes = plan.writes.filter((w) => w.staticEvidence);
  if (plan.writes.length === 0) throw new UsageError('nothing to probe: give --source <dir>, --openapi <file> or --path "METHOD /path" naming a write endpoint');
  const targetText = target.href.replace(/\/$/, '');
  if (options.dryRun) {
    const report: ProbeReport = { ...buildReport(targetText, [], [], 0, []), plan: planSummary(plan) };
    return { report: redactor.json(report), plan, results: [], scanResult, unreachable: false };
  }
  const client = new ProbeClient(target, { apiKey: options.apiKey, placement: options.placement, maxRequests: options.maxRequests ?? 300, rate: options.rate, timeoutMs: options.timeoutMs ?? 10_000 });
  const session = new Session(client, plan, options.apiKey, options.aggressive ?? false, `massassign-${randomBytes(4).toString('hex')}`);
  const results: EndpointResult[] = [];
  const errors: string[] = [];
  let unreachable = false;
  try {
    for (const write of plan.writes) {
      const result: EndpointResult = { write, path: write.route, evidence: [] };
      results.push(result);
      await probeEndpoint(session, result);
    }
  } catch (error) {
    if (!(error instanceof ProbeAbort)) throw error;
    errors.push(error.message);
    unreachable = error.unreachable;
  } finally {
    await client.close();
  }
  const report = buildReport(targetText, results, session.residue, client.requests, errors);
  return { report: redactor.json(report), plan, results, scanResult, unreachable };
}

