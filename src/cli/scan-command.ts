// `massassign scan [PATH]`: settings from the config file and flags, run the scan, apply ignore comments,
// filters and the baseline, render with the chosen reporter, and set the exit code from `--fail-on`.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { isUnreadable, scan } from '../scan.js';
import type { ScanResult } from '../result.js';
import { reporters, type ReporterName } from '../reporters/index.js';
import { collectExcerpts } from '../reporters/excerpts.js';
import { loadConfig, startFolder } from '../config/load.js';
import { failOnValues, severities } from '../config/schema.js';
import { resolveSettings, type Settings } from '../config/settings.js';
import { applyBaseline, applyFilters } from '../policy/apply.js';
import { baselineOf, readBaseline, writeBaseline, type Baseline } from '../policy/baseline.js';
import { failsRun, unknownRules } from '../policy/filter.js';
import { suppressedList, unusedIgnoreLine } from '../policy/notes.js';
import type { SourceReader } from '../policy/suppress.js';
import { progressBar } from './progress.js';
import { UsageError } from './usage-error.js';
import { addScanProbeOptions, probeScanFindings, redactOutput, type ProbeScanFlags } from './probe-command.js'; // live probe (scan --probe)

interface ScanFlags extends Settings {
  format: ReporterName;
  output?: string;
  config?: string;
  baseline?: string;
  writeBaseline?: string;
  showSuppressed: boolean;
  warnUnusedIgnores: boolean;
  quiet: boolean;
  color: boolean;
  cache: boolean;
  workers?: number;
}

const list = (value: string, previous?: string[]) => [...(previous ?? []), ...value.split(',').map((v) => v.trim()).filter(Boolean)];

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--workers takes a whole number of at least 1, not ${value}`);
  return n;
}

export function registerScanCommand(program: Command, setExitCode: (code: number) => void): void {
  const command = program
    .command('scan')
    .description('Scan a Flask project for mass assignment')
    .argument('[path]', 'project folder or file', '.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(reporters)).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('--config <file>', 'read settings from this file (.massassign.toml or pyproject.toml) instead of searching for one')
    .option('--include <glob>', 'scan only files matching this glob (repeatable)', list)
    .option('--exclude <glob>', 'skip files matching this glob (repeatable)', list)
    .option('--sensitive <names>', 'extra sensitive field names, comma-separated (repeatable)', list)
    .option('--not-sensitive <names>', 'field names never to treat as sensitive (repeatable)', list)
    .option('--extra-sources <names>', 'qualified names of functions returning the whole request body (repeatable)', list)
    .option('--extra-sanitizers <names>', 'qualified names of functions that bound keys to safe ones (repeatable)', list)
    .option('--extra-sinks <names>', 'qualified names of functions that copy a mapping\'s keys onto their first argument (repeatable)', list)
    .option('--api-key-decorators <names>', 'qualified names of decorators that check an API key (repeatable)', list)
    .addOption(new Option('--severity <level>', 'report only findings at or above this severity').choices(severities))
    .option('--select <rules>', 'report only these rules, by code or name (repeatable)', list)
    .option('--ignore <rules>', 'never report these rules, by code or name (repeatable)', list)
    .addOption(new Option('--fail-on <level>', 'exit 1 only for findings at or above this severity (default: any finding)').choices(failOnValues))
    .option('--baseline <file>', 'report only findings not recorded in this baseline file')
    .option('--write-baseline <file>', 'record the current findings in this baseline file, then report only new ones')
    .option('--show-suppressed', 'list the findings silenced by ignore comments', false)
    .option('--warn-unused-ignores', 'warn on stderr about ignore comments that silence nothing', false)
    .option('--no-cache', 'neither read nor write .massassign_cache/ in the scanned folder')
    .option('--workers <n>', 'threads that parse the code (default: one per core)', positiveInteger)
    .option('-q, --quiet', 'print only the findings: no summary, no progress bar', false)
    .option('--no-color', 'never colour the output (also: the NO_COLOR environment variable)')
    .action(async (path: string, flags: ScanFlags) => setExitCode(await runScan(path, flags)));
  addScanProbeOptions(command); // live probe: --probe <base-url>, --api-key, ... (src/cli/probe-command.ts)
}

async function runScan(path: string, flags: ScanFlags): Promise<number> {
  const { severity, select, ignore, failOn, ...scanSettings } = settingsFor(path, flags);
  const baseline = flags.baseline && !flags.writeBaseline ? readBaseline(flags.baseline) : undefined;
  const progress = progressBar(process.stderr, process.env, !flags.quiet);
  let scanned: ScanResult;
  try {
    scanned = await scan({ path, ...scanSettings, cache: flags.cache, workers: flags.workers, onProgress: progress.onProgress });
  } finally {
    progress.finish();
  }
  const read = sourceReader(scanned.root);
  const { result: filtered, ignores } = applyFilters(scanned, { severity, select, ignore }, read);
  const result = withBaseline(filtered, baseline, flags.writeBaseline);
  const probeExit = await probeScanFindings(result, flags as ProbeScanFlags); // live probe: marks each finding confirmed / reflected / ...; 3 on residue
  emit(redactOutput(render(result, flags, read)), flags.output); // no secret a probe learned is ever printed
  if (flags.showSuppressed) {
    const listing = suppressedList(result.suppressed ?? []);
    if (flags.format === 'text' && !flags.output) process.stdout.write(listing);
    else process.stderr.write(listing);
  }
  if (flags.warnUnusedIgnores) {
    for (const unused of ignores.unused(scanned.files ?? [])) process.stderr.write(`massassign: warning: ${unusedIgnoreLine(unused)}\n`);
  }
  const unread = failOn !== 'never' && scanned.errors.some(isUnreadable); // code it could not read: not a clean run
  return probeExit ?? (failsRun(result.findings, failOn) || unread ? 1 : 0);
}

/** The config file's settings, overridden by the flags given; unknown rule references are usage errors. */
function settingsFor(path: string, flags: ScanFlags): Settings {
  const { include, exclude, sensitive, notSensitive, extraSources, extraSanitizers, extraSinks, apiKeyDecorators, severity, select, ignore, failOn } = flags;
  const fromFlags = { include, exclude, sensitive, notSensitive, extraSources, extraSanitizers, extraSinks, apiKeyDecorators, severity, select, ignore, failOn };
  for (const [flag, references] of [['--select', select], ['--ignore', ignore]] as const) {
    const unknown = unknownRules(references ?? []);
    if (unknown.length > 0) throw new UsageError(`${flag} names no rule: ${unknown.join(', ')}`);
  }
  return resolveSettings(loadConfig(path, flags.config), startFolder(path), fromFlags);
}

/** `--write-baseline` records the findings and then applies them as the baseline, so the run reports none of them. */
function withBaseline(result: ScanResult, baseline: Baseline | undefined, writeTo: string | undefined): ScanResult {
  if (writeTo) {
    writeBaseline(writeTo, result.findings);
    return applyBaseline(result, baselineOf(result.findings));
  }
  return baseline ? applyBaseline(result, baseline) : result;
}

/** Reads each file once, by its path relative to the scan root. */
function sourceReader(root: string): SourceReader {
  const cache = new Map<string, string | null>();
  const readOnce = (path: string) => {
    try {
      return readFileSync(resolve(root, path), 'utf8');
    } catch {
      return null;
    }
  };
  return (path) => {
    if (!cache.has(path)) cache.set(path, readOnce(path));
    return cache.get(path)!;
  };
}

function render(result: ScanResult, flags: ScanFlags, read: SourceReader): string {
  const color = flags.color && !flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const excerpts = flags.format === 'html' ? collectExcerpts(result, read) : undefined;
  return reporters[flags.format](result, { color, quiet: flags.quiet, excerpts });
}

function emit(text: string, output: string | undefined): void {
  if (!output) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(output, text);
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}
