// `massassign probe <base-url>`: options to ProbeOptions, run the live probe, render it, exit 1 when confirmed.
// Also exports the key and safety options `scan --probe` shares.
import { Command, Option } from 'commander';
import type { ScanResult } from '../result.js';
import type { KeyPlacement, ProbeOptions } from '../probe/index.js';
import { UsageError } from './usage-error.js';

export interface ProbeCliOptions {
  apiKey?: string;
  apiKeyHeader?: string;
  apiKeyQuery?: string;
  allowHost?: string[];
  maxRequests?: string;
  rate?: string;
  aggressive?: boolean;
  dryRun?: boolean;
}

const repeat = (value: string, previous: string[]) => [...previous, value];

/** The options every probing command takes: the key, where it goes, and the safety limits. */
export function addProbeOptions(command: Command): Command {
  return command
    .option('--api-key <key>', 'the API key to call with (or env MASSASSIGN_API_KEY); redacted everywhere')
    .addOption(new Option('--api-key-header <name>', 'send the key in this header (default X-API-Key)').conflicts('apiKeyQuery'))
    .option('--api-key-query <param>', 'send the key as this query parameter instead')
    .option('--dry-run', 'print the plan and send nothing')
    .option('--allow-host <host>', 'allow a non-loopback target host (repeatable)', repeat, [])
    .option('--max-requests <n>', 'request budget (undoing changes is never cut off)', '300')
    .option('--rate <r>', 'at most this many requests per second')
    .option('--aggressive', 'also probe foreign keys and timestamps of objects the probe did not create');
}

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${name} wants a positive number, got: ${text}`);
  return value;
}

/** The shared options as ProbeOptions (without what to plan from). */
export function probeOptionsFrom(baseUrl: string, opts: ProbeCliOptions): ProbeOptions {
  const apiKey = opts.apiKey ?? process.env.MASSASSIGN_API_KEY;
  if (!apiKey) throw new UsageError('--api-key is required (or set MASSASSIGN_API_KEY)');
  const placement: KeyPlacement = opts.apiKeyQuery ? { kind: 'query', name: opts.apiKeyQuery } : { kind: 'header', name: opts.apiKeyHeader ?? 'X-API-Key' };
  return {
    baseUrl,
    apiKey,
    placement,
    dryRun: opts.dryRun ?? false,
    allowHosts: opts.allowHost,
    maxRequests: positive('--max-requests', opts.maxRequests),
    rate: positive('--rate', opts.rate),
    aggressive: opts.aggressive ?? false,
  };
}

export function registerProbeCommand(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('probe')
    .description('Prove mass assignment against a running API: write one property at a time, re-read, put it back')
    .argument('<base-url>', 'the API, e.g. http://127.0.0.1:5000 (loopback only unless --allow-host)')
    .option('--source <dir>', 'plan from a static scan of this Flask source')
    .option('--openapi <file>', 'plan from this OpenAPI 3.x / Swagger 2 document (JSON)')
    .option('--path <endpoint>', 'probe this endpoint, "METHOD /path" (repeatable)', repeat, [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'));
  addProbeOptions(command).action(async (baseUrl: string, opts: ProbeCliOptions & { source?: string; openapi?: string; path: string[]; format: 'text' | 'json' }) => {
    const { runProbe, renderProbeJson, renderProbeText } = await loadProbe();
    const run = await runProbe({ ...probeOptionsFrom(baseUrl, opts), source: opts.source, openapi: opts.openapi, paths: opts.path });
    process.stdout.write(opts.format === 'json' ? renderProbeJson(run.report) : renderProbeText(run.report));
    const confirmed = run.report.findings.some((f) => f.status === 'confirmed');
    setExitCode(run.unreachable ? 2 : confirmed ? 1 : 0);
  });
}

export interface ProbeScanFlags extends ProbeCliOptions {
  probe?: string;
}

/** `scan --probe <base-url>`: the probe options on the scan command. */
export function addScanProbeOptions(command: Command): void {
  addProbeOptions(command.option('--probe <base-url>', 'then confirm each finding against this running API (see: massassign probe --help)'));
}

/** The probe and its HTTP client load only when a probe runs, so a plain scan starts faster. */
const loadProbe = () => import('../probe/index.js');

/** With `--probe`, probes the scan's findings and marks each with its verdict; residue and errors go to stderr. */
export async function probeScanFindings(result: ScanResult, flags: ProbeScanFlags): Promise<void> {
  if (!flags.probe) return;
  const { annotateFindings, runProbe, renderProbeText } = await loadProbe();
  const options = probeOptionsFrom(flags.probe, flags);
  if (!result.findings.some((f) => f.endpoint !== null)) {
    annotateFindings(result, []);
    return;
  }
  const run = await runProbe({ ...options, scanResult: result, findingsOnly: true });
  if (run.report.plan) {
    process.stderr.write(renderProbeText(run.report));
    return;
  }
  annotateFindings(result, run.results, run.report.errors[0]);
  for (const r of run.report.residue) process.stderr.write(`massassign: NOT RESTORED: ${r.method} ${r.path}: ${r.what}. To do: ${r.todo}\n`);
  for (const error of run.report.errors) process.stderr.write(`massassign: probe: ${error}\n`);
  if (run.unreachable) throw new UsageError(run.report.errors[0]);
}
