// `massassign probe <base-url>`: options to ProbeOptions, run the live probe (or `--undo` a journal), render it
// through the redaction boundary, and set the exit code. Also exports the key and safety options `scan --probe` shares.
import { Command, Option } from 'commander';
import type { ScanResult } from '../result.js';
import type { KeyPlacement, ProbeOptions, ProbeReport } from '../probe/index.js';
import { redactOutput } from '../probe/redact.js';
import { UsageError } from './usage-error.js';

export { redactOutput };

export interface ProbeCliOptions {
  apiKey?: string;
  apiKeyHeader?: string;
  apiKeyQuery?: string;
  header?: string[];
  cookie?: string[];
  authCommand?: string;
  allowHost?: string[];
  maxRequests?: string;
  rate?: string;
  timeout?: string;
  requestTimeout?: string;
  journal?: string;
  aggressive?: boolean;
  dryRun?: boolean;
}

/** Exit code of a run that left changes it could not put back, whatever else it found. */
export const RESIDUE_EXIT_CODE = 3;

const repeat = (value: string, previous: string[]) => [...previous, value];

/** The options every probing command takes: the credentials, where they go, and the safety limits. */
export function addProbeOptions(command: Command): Command {
  return command
    .option('--api-key <key>', 'the API key to call with (or env MASSASSIGN_API_KEY); redacted everywhere')
    .addOption(new Option('--api-key-header <name>', 'send the key in this header (default X-API-Key)').conflicts('apiKeyQuery'))
    .option('--api-key-query <param>', 'send the key as this query parameter instead')
    .option('--header <"Name: value">', 'send this header too (repeatable); redacted like the key', repeat, [])
    .option('--cookie <name=value>', 'send this cookie (repeatable); redacted like the key', repeat, [])
    .option('--auth-command <cmd>', 'run this shell command for the key (its standard output), again once on a 401 mid-run')
    .option('--dry-run', 'print the plan and send nothing')
    .option('--allow-host <host>', 'allow a non-loopback target host (repeatable)', repeat, [])
    .option('--max-requests <n>', 'request budget, retries included (undoing changes is never cut off)', '300')
    .option('--rate <r>', 'at most this many requests per second')
    .option('--timeout <seconds>', 'wall-clock limit for the whole run (changes already sent are still undone)', '600')
    .option('--request-timeout <seconds>', 'limit for each request: connect, headers and whole body', '10')
    .option('--journal <file>', 'write-ahead journal of every write (default .massassign/probe-<time>.jsonl)')
    .option('--aggressive', 'also probe foreign keys and timestamps of objects the probe did not create');
}

function positive(name: string, text: string | undefined, whole = false): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
    throw new UsageError(`${name} wants a positive ${whole ? 'whole ' : ''}number, got: ${text}`);
  }
  return value;
}

function headersFrom(opts: ProbeCliOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const text of opts.header ?? []) {
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/.exec(text);
    if (!match) throw new UsageError('--header wants "Name: value"');
    headers[match[1]] = match[2];
  }
  if ((opts.cookie ?? []).length > 0) headers.Cookie = [headers.Cookie, ...(opts.cookie ?? [])].filter(Boolean).join('; ');
  return headers;
}

/** The shared options as ProbeOptions (without what to plan from). */
export function probeOptionsFrom(baseUrl: string, opts: ProbeCliOptions): ProbeOptions {
  const apiKey = opts.apiKey ?? process.env.MASSASSIGN_API_KEY ?? (opts.authCommand ? '' : undefined);
  if (apiKey === undefined || (!apiKey && !opts.authCommand)) throw new UsageError('--api-key is required (or set MASSASSIGN_API_KEY, or give --auth-command)');
  const placement: KeyPlacement = opts.apiKeyQuery ? { kind: 'query', name: opts.apiKeyQuery } : { kind: 'header', name: opts.apiKeyHeader ?? 'X-API-Key' };
  return {
    baseUrl,
    apiKey,
    placement,
    headers: headersFrom(opts),
    authCommand: opts.authCommand,
    dryRun: opts.dryRun ?? false,
    allowHosts: opts.allowHost,
    maxRequests: positive('--max-requests', opts.maxRequests, true),
    rate: positive('--rate', opts.rate),
    runTimeoutMs: (positive('--timeout', opts.timeout) ?? 600) * 1000,
    timeoutMs: (positive('--request-timeout', opts.requestTimeout) ?? 10) * 1000,
    journal: opts.journal,
    aggressive: opts.aggressive ?? false,
  };
}

/** `--body 'POST /users {"name": "a"}'`: a JSON object to seed that write's control body. */
function bodiesFrom(texts: string[]): Record<string, Record<string, unknown>> {
  const bodies: Record<string, Record<string, unknown>> = {};
  for (const text of texts) {
    const match = /^\s*([A-Za-z]+\s+\/\S*)\s+(\{[\s\S]*\})\s*$/.exec(text);
    let body: unknown;
    try {
      body = match ? JSON.parse(match[2]) : undefined;
    } catch {
      body = undefined;
    }
    if (!match || typeof body !== 'object' || body === null) throw new UsageError('--body wants "METHOD /path {JSON object}"');
    bodies[match[1]] = body as Record<string, unknown>;
  }
  return bodies;
}

/** 3 when anything is left not restored, else 2 when the target was lost, 1 when a field is confirmed, else 0. */
function exitCodeOf(report: ProbeReport, unreachable: boolean): number {
  if (report.residue.length > 0) return RESIDUE_EXIT_CODE;
  if (unreachable) return 2;
  return report.findings.some((f) => f.status === 'confirmed') ? 1 : 0;
}

export function registerProbeCommand(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('probe')
    .description('Prove mass assignment against a running API: write one property at a time, re-read, put it back')
    .argument('<base-url>', 'the API, e.g. http://127.0.0.1:5000 (loopback only unless --allow-host)')
    .option('--source <dir>', 'plan from a static scan of this Flask source')
    .option('--openapi <file>', 'plan from this OpenAPI 3.x / Swagger 2 document (JSON or YAML)')
    .option('--path <endpoint>', 'probe only this endpoint, "METHOD /path" (repeatable); a GET or DELETE adds a route to use', repeat, [])
    .option('--body <endpoint-json>', 'seed a write\'s body: \'POST /users {"name": "a"}\' (repeatable)', repeat, [])
    .option('--undo <journal>', 'put back what the run that wrote this journal left open, then stop')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'));
  addProbeOptions(command).action(async (baseUrl: string, opts: ProbeCliOptions & { source?: string; openapi?: string; path: string[]; body: string[]; undo?: string; format: 'text' | 'json' }) => {
    const options = probeOptionsFrom(baseUrl, opts);
    const { runProbe, renderProbeJson, renderProbeText, secretsOf } = await loadProbe();
    secretsOf(options);
    const run = await runProbe({ ...options, source: opts.source, openapi: opts.openapi, paths: opts.path, bodies: bodiesFrom(opts.body), undo: opts.undo });
    process.stdout.write(redactOutput(opts.format === 'json' ? renderProbeJson(run.report) : renderProbeText(run.report)));
    setExitCode(exitCodeOf(run.report, run.unreachable));
  });
}

export interface ProbeScanFlags extends ProbeCliOptions {
  probe?: string;
  openapi?: string;
}

/** `scan --probe <base-url>`: the probe options on the scan command. */
export function addScanProbeOptions(command: Command): void {
  addProbeOptions(command.option('--probe <base-url>', 'then confirm each finding against this running API (see: massassign probe --help)'))
    .option('--openapi <file>', 'with --probe: also plan from this OpenAPI document (required bodies, read and delete routes)');
}

/** The probe and its HTTP client load only when a probe runs, so a plain scan starts faster. */
const loadProbe = () => import('../probe/index.js');

/**
 * With `--probe`, probes the scan's findings and marks each with its verdict; residue and errors go to stderr. Every
 * secret joins the registry `redactOutput` applies at the scan command's output boundary. Resolves to the exit code
 * the probe imposes (3 when it left residue), or undefined to let the findings decide.
 */
export async function probeScanFindings(result: ScanResult, flags: ProbeScanFlags): Promise<number | undefined> {
  if (!flags.probe) return undefined;
  const { annotateFindings, runProbe, renderProbeText, secretsOf } = await loadProbe();
  const options = probeOptionsFrom(flags.probe, flags);
  secretsOf(options);
  if (!result.findings.some((f) => f.endpoint !== null)) {
    annotateFindings(result, []);
    return undefined;
  }
  const run = await runProbe({ ...options, scanResult: result, findingsOnly: true, openapi: flags.openapi });
  if (run.report.plan) {
    process.stderr.write(redactOutput(renderProbeText(run.report)));
    return undefined;
  }
  annotateFindings(result, run.results, run.report.errors[0]);
  const lines = run.report.residue.map((r) => `massassign: NOT RESTORED: ${r.method} ${r.path}: ${r.what}. To do: ${r.todo}\n`);
  for (const error of run.report.errors) lines.push(`massassign: probe: ${error}\n`);
  if (run.report.residue.length > 0) lines.push(`massassign: the probe left changes it could not put back; journal: ${run.report.journal}\n`);
  process.stderr.write(redactOutput(lines.join('')));
  if (run.report.residue.length > 0) return RESIDUE_EXIT_CODE;
  if (run.unreachable) throw new UsageError(run.report.errors[0]);
  return undefined;
}
