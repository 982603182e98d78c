// probe(options): plan from the static scan, OpenAPI and --path, then probe each write endpoint against the live
// API, one property per request, journalled, re-read and undone; or replay a journal's open entries (`--undo`).
// Every secret joins the redactor, and the report leaves here redacted, credentials masked, long text cut after.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ScanResult } from '../result.js';
import { scan } from '../scan.js';
import { UsageError } from '../cli/usage-error.js';
import { ProbeAbort, ProbeClient } from './client.js';
import { probeEndpoint, type EndpointResult } from './endpoint.js';
import { Journal, readJournal } from './journal.js';
import { readOpenApi } from './openapi.js';
import { makePlan, type Plan } from './plan.js';
import { maskCredentials, Redactor } from './redact.js';
import { buildReport, planSummary, shorten } from './report.js';
import { Session } from './session.js';
import { checkTarget } from './target.js';
import type { ProbeOptions, ProbeReport } from './types.js';

export type * from './types.js';
export { annotateFindings } from './annotate.js';
export { renderProbeJson, renderProbeText } from './render.js';
export { redactOutput } from './redact.js';

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

/** Registers every secret the options hold: the key (and the token after a scheme), headers, cookies, URL credentials. */
export function secretsOf(options: Pick<ProbeOptions, 'apiKey' | 'headers' | 'baseUrl'>, redactor = new Redactor()): Redactor {
  const addWithToken = (value: string) => {
    redactor.add(value);
    const token = value.split(/\s+/).pop();
    if (token && token !== value) redactor.add(token);
    for (const part of value.split(/;\s*/)) {
      const cookie = part.split('=').slice(1).join('=');
      if (cookie.length >= 4) redactor.add(cookie);
    }
  };
  addWithToken(options.apiKey);
  for (const value of Object.values(options.headers ?? {})) addWithToken(value);
  const credentials = /^[a-z]+:\/\/([^@/]*)@/i.exec(options.baseUrl)?.[1];
  if (credentials) {
    redactor.add(credentials);
    for (const part of credentials.split(':')) redactor.add(part);
    for (const part of credentials.split(':')) redactor.add(decodeURIComponent(part));
  }
  return redactor;
}

export async function runProbe(options: ProbeOptions): Promise<ProbeRun> {
  const redactor = secretsOf(options);
  try {
    return await runRedacted(options, redactor, secretsOf(options));
  } catch (error) {
    if (error instanceof Error) error.message = redactor.text(error.message);
    throw error;
  }
}

/** Runs `--auth-command` and returns its standard output, trimmed: the credential. */
function credentialFrom(command: string, redactor: Redactor): string {
  let out: string;
  try {
    out = execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new UsageError('--auth-command failed');
  }
  if (!out) throw new UsageError('--auth-command printed nothing');
  secretsOf({ apiKey: out, baseUrl: '' }, redactor);
  return out;
}

/** `redactor` learns every secret of the run; `callers` holds only the caller's own, kept out of the journal. */
async function runRedacted(options: ProbeOptions, redactor: Redactor, callers: Redactor): Promise<ProbeRun> {
  const apiKey = options.authCommand ? credentialFrom(options.authCommand, callers) : options.apiKey;
  if (apiKey.length === 0) throw new UsageError('--api-key is empty');
  const target = checkTarget(options.baseUrl, options.allowHosts);
  target.username = '';
  target.password = '';
  const targetText = target.href.replace(/\/$/, '');
  const marker = `massassign-${randomBytes(4).toString('hex')}`;
  const client = new ProbeClient(target, {
    apiKey,
    placement: options.placement,
    headers: options.headers,
    maxRequests: options.maxRequests ?? 300,
    rate: options.rate,
    timeoutMs: options.timeoutMs ?? 10_000,
    deadline: Date.now() + (options.runTimeoutMs ?? 600_000),
    refreshKey: options.authCommand ? () => credentialFrom(options.authCommand!, callers) : undefined,
  });
  const finish = (report: ProbeReport): ProbeReport => shorten(redactor.json(maskCredentials(report, marker)));
  if (options.undo) return runUndo(options.undo, client, targetText, marker, redactor, callers, finish);
  const scanResult = options.scanResult ?? (options.source ? await scan({ path: options.source }) : undefined);
  const plan = makePlan(scanResult, options.openapi ? readOpenApi(options.openapi) : undefined, options.paths ?? [], options.bodies ?? {});
  if (options.findingsOnly) plan.writes = plan.writes.filter((w) => w.staticEvidence);
  if (plan.writes.length === 0) throw new UsageError('nothing to probe: give --source <dir>, --openapi <file> or --path "METHOD /path" naming a write endpoint');
  if (options.dryRun) {
    await client.close();
    const report: ProbeReport = { ...buildReport(targetText, [], [], 0, []), plan: planSummary(plan) };
    return { report: finish(report), plan, results: [], scanResult, unreachable: false };
  }
  const journalFile = options.journal ?? join('.massassign', `probe-${new Date().toISOString().replace(/[:.]/g, '-')}-${marker.slice(-8)}.jsonl`);
  const journal = new Journal(journalFile, { target: targetText }, (line) => callers.values(line));
  const session = new Session(client, plan, options.aggressive ?? false, marker, journal, redactor);
  const results: EndpointResult[] = plan.writes.map((write) => ({ write, path: write.route, evidence: [] }));
  const { errors, unreachable } = await untilAborted(client, async () => {
    for (const result of results) await probeEndpoint(session, result);
  });
  const report = { ...buildReport(targetText, results, session.residue, client.requests, errors), ...(journal.written ? { journal: journalFile } : {}) };
  return { report: finish(report), plan, results, scanResult, unreachable };
}

/** Runs the requests until done or a ProbeAbort stops the run (said as an error), then closes the client. */
async function untilAborted(client: ProbeClient, requests: () => Promise<void>): Promise<{ errors: string[]; unreachable: boolean }> {
  try {
    await requests();
    return { errors: [], unreachable: false };
  } catch (error) {
    if (!(error instanceof ProbeAbort)) throw error;
    return { errors: [error.message], unreachable: error.unreachable };
  } finally {
    await client.close();
  }
}

/** `probe --undo FILE`: every open journal entry, newest first, put back or deleted (when proven the probe's). */
async function runUndo(file: string, client: ProbeClient, targetText: string, marker: string, redactor: Redactor, callers: Redactor, finish: (r: ProbeReport) => ProbeReport): Promise<ProbeRun> {
  let journal: ReturnType<typeof readJournal>;
  try {
    journal = readJournal(file);
  } catch (error) {
    throw new UsageError(`cannot read journal ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (journal.target !== targetText) throw new UsageError(`journal ${file} is for ${journal.target}, not ${targetText}`);
  const plan: Plan = { writes: [], reads: new Set(), deletes: new Set() };
  const session = new Session(client, plan, false, marker, new Journal(file, { target: targetText }, (line) => callers.values(line), true), redactor);
  const open = journal.entries.filter((e) => !e.settled || e.settled === 'residue').reverse();
  let restored = 0;
  const { errors, unreachable } = await untilAborted(client, async () => {
    for (const entry of open) if ((await session.undo(entry)).restored) restored++;
  });
  const report = { ...buildReport(targetText, [], session.residue, client.requests, errors), undo: { file, open: open.length, restored } };
  return { report: finish(report), plan, results: [], unreachable };
}
