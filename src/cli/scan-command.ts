// `massassign scan [PATH]`: settings from the config file and flags, run the scan, apply ignore comments,
// filters and the baseline, fix or diff when asked, render every requested output, and set the exit code.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { isUnreadable, scan } from '../scan.js';
import type { ScanResult } from '../result.js';
import { reporters, type ReporterName } from '../reporters/index.js';
import { collectExcerpts } from '../reporters/excerpts.js';
import { summaryLine } from '../reporters/describe.js';
import { loadConfig, startFolder } from '../config/load.js';
import { kebab, scanOptions, type OptionSpec } from '../config/options.js';
import { resolveSettings, settingsOf, type Settings } from '../config/settings.js';
import { applyBaseline, applyFilters } from '../policy/apply.js';
import { baselineOf, readBaseline, writeBaseline, type Baseline } from '../policy/baseline.js';
import { failsRun, unknownRules } from '../policy/filter.js';
import { silencedReasons, suppressedList, unusedIgnoreLine } from '../policy/notes.js';
import type { SourceReader } from '../policy/suppress.js';
import { applyFixes, unifiedDiff } from '../fix/apply.js';
import { colorWanted, colorWhen, type ColorWhen } from './color.js';
import { parseOutputs, type OutputTarget } from './outputs.js';
import { progressBar } from './progress.js';
import { UsageError } from './usage-error.js';
import { addScanProbeOptions, probeScanFindings, redactOutput, type ProbeScanFlags } from './probe-command.js'; // live probe (scan --probe)
import { provenanceOf } from './provenance.js';

interface ScanFlags extends Settings {
  format: ReporterName;
  output?: string[];
  config?: string;
  baseline?: string;
  writeBaseline?: string;
  showSuppressed: boolean;
  warnUnusedIgnores: boolean;
  quiet: boolean;
  color?: ColorWhen | boolean;
  fix: boolean;
  unsafeFixes: boolean;
  diff: boolean;
  cache: boolean;
  workers?: number;
}

/** Fix passes before giving up: each rescans, so fixes whose edits overlapped get their turn. */
const maxFixPasses = 5;

const list = (value: string, previous?: string[]) => [...(previous ?? []), ...value.split(',').map((v) => v.trim()).filter(Boolean)];
const repeat = (value: string, previous?: string[]) => [...(previous ?? []), value];

/** A registry option as a commander flag: lists repeat and split on commas, choices are checked. */
function flagOf(option: Exclude<OptionSpec, { kind: 'rows' }>): Option {
  const flag = new Option(`--${kebab(option.key)} ${option.placeholder}`, option.meaning.replace(/`/g, ''));
  return option.kind === 'choice' ? flag.choices(option.choices) : flag.argParser(list);
}

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
    .addOption(new Option('-f, --format <format>', 'output format on standard output').choices(Object.keys(reporters)).default('text'))
    .option('-o, --output <[format=]file>', 'write a report to a file: FORMAT=FILE (repeatable), or FILE in --format', repeat)
    .option('--config <file>', 'read settings from this file (.massassign.toml or pyproject.toml) instead of searching for one');
  for (const option of scanOptions) if (option.kind !== 'rows') command.addOption(flagOf(option));
  command
    .option('--baseline <file>', 'report only findings not recorded in this baseline file')
    .option('--write-baseline <file>', 'record the current findings in this baseline file, then report only new ones')
    .option('--fix', 'apply the safe fixes to the files, then report what is left', false)
    .option('--unsafe-fixes', 'with --fix or --diff, also the unsafe fixes (review them: they choose which fields a client keeps)', false)
    .option('--diff', 'print the fixes as a unified diff and write nothing; exit 1 when there is one', false)
    .option('--show-suppressed', 'list the findings silenced by ignore comments', false)
    .option('--warn-unused-ignores', 'warn on stderr about ignore comments that silence nothing', false)
    .option('--no-cache', 'neither read nor write .massassign_cache/ in the scanned folder')
    .option('--workers <n>', 'threads that parse and analyse the code (default: one per core)', positiveInteger)
    .option('-q, --quiet', 'print only the findings: no summary, no progress bar', false)
    .addOption(new Option('--color <when>', 'colour the text output: always, never or auto (a terminal; FORCE_COLOR, NO_COLOR and TERM=dumb count)').choices(['always', 'never', 'auto']))
    .option('--no-color', 'never colour the output (same as --color never)')
    .action(async (path: string, flags: ScanFlags) => setExitCode(await runScan(path, flags)));
  addScanProbeOptions(command); // live probe: --probe <base-url>, --api-key, ... (src/cli/probe-command.ts)
}

interface Policy {
  settings: Settings;
  baseline?: Baseline;
}

async function runScan(path: string, flags: ScanFlags): Promise<number> {
  const outputs = parseOutputs(flags.output ?? [], flags.format);
  const settings = settingsFor(path, flags);
  const policy: Policy = { settings, baseline: flags.baseline && !flags.writeBaseline ? readBaseline(flags.baseline) : undefined };
  let { scanned, result, ignores, read, baselined } = await scanOnce(path, policy, flags);
  if (scanned.stats.files === 0) process.stderr.write(`massassign: warning: no Python files to scan in ${path}${settings.include || settings.exclude ? ' (all excluded by include/exclude?)' : ''}\n`);

  if (flags.diff) {
    const outcome = applyFixes(result.findings, read, { unsafe: flags.unsafeFixes });
    process.stdout.write(unifiedDiff(outcome.files));
    process.stderr.write(`${fixSummary('would fix', outcome.applied, outcome.files.length, outcome.unsafeSkipped)}\n`);
    return outcome.files.length > 0 ? 1 : 0;
  }
  if (flags.fix) {
    // Ruff's loop: apply, rescan, and again, until nothing applies (fixes that overlapped get their turn)
    let applied = 0;
    let unsafeSkipped = 0;
    const touched = new Set<string>();
    for (let pass = 0; pass < maxFixPasses; pass++) {
      const outcome = applyFixes(result.findings, read, { unsafe: flags.unsafeFixes });
      unsafeSkipped = outcome.unsafeSkipped;
      if (outcome.files.length === 0) break;
      for (const file of outcome.files) {
        writeFileSync(resolve(scanned.root, file.path), file.after);
        touched.add(file.path);
      }
      applied += outcome.applied;
      ({ scanned, result, ignores, read, baselined } = await scanOnce(path, policy, flags));
    }
    process.stderr.write(`${fixSummary('fixed', applied, touched.size, unsafeSkipped)}\n`);
  }

  if (flags.writeBaseline) {
    writeBaseline(flags.writeBaseline, result.findings);
    baselined = result.findings;
    result = applyBaseline(result, baselineOf(result.findings));
  }
  const probeExit = await probeScanFindings(result, flags as ProbeScanFlags); // live probe: marks each finding confirmed / reflected / ...; 3 on residue
  const context = { read, provenance: provenanceOf(scanned.root, settings), baselined, reasons: silencedReasons(result.suppressed ?? [], baselined, policy.baseline, read) };
  for (const output of outputs) emit(redactOutput(render(result, output, flags, context)), output.file); // no secret a probe learned is ever printed
  if (!flags.quiet && outputs.every((o) => o.file)) process.stderr.write(`${summaryLine(result)}\n`);
  if (flags.showSuppressed) {
    const listing = suppressedList(result.suppressed ?? []);
    if (outputs.some((o) => o.format === 'text' && !o.file)) process.stdout.write(listing);
    else process.stderr.write(listing);
  }
  if (flags.warnUnusedIgnores) {
    for (const unused of ignores.unused(scanned.files ?? [])) process.stderr.write(`massassign: warning: ${unusedIgnoreLine(unused)}\n`);
  }
  const unread = settings.failOn !== 'never' && scanned.errors.some(isUnreadable); // code it could not read: not a clean run
  return probeExit ?? (failsRun(result.findings, settings.failOn) || unread ? 1 : 0);
}

/** `massassign: fixed 3 findings in 2 files (1 more with --unsafe-fixes)`. */
function fixSummary(verb: string, applied: number, files: number, unsafeSkipped: number): string {
  const unsafe = unsafeSkipped > 0 ? ` (${unsafeSkipped} more with --unsafe-fixes)` : '';
  return `massassign: ${verb} ${applied} finding${applied === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}${unsafe}`;
}

/** One scan with the policy applied: ignore comments, filters, then the baseline. */
async function scanOnce(path: string, policy: Policy, flags: ScanFlags) {
  const { severity, minConfidence, select, ignore, failOn: _failOn, ...scanSettings } = policy.settings;
  const progress = progressBar(process.stderr, process.env, !flags.quiet);
  let scanned: ScanResult;
  try {
    scanned = await scan({ path, ...scanSettings, cache: flags.cache, workers: flags.workers, onProgress: progress.onProgress, onAnalysisProgress: progress.onAnalysisProgress });
  } finally {
    progress.finish();
  }
  const read = sourceReader(scanned.root);
  const { result: filtered, ignores } = applyFilters(scanned, { severity, minConfidence, select, ignore }, read);
  const result = policy.baseline ? applyBaseline(filtered, policy.baseline) : filtered;
  const baselined = filtered.findings.filter((f) => !result.findings.includes(f));
  return { scanned, result, ignores, read, baselined };
}

/** The config file's settings, overridden by the flags given; unknown rule references are usage errors. */
function settingsFor(path: string, flags: ScanFlags): Settings {
  const fromFlags = settingsOf(flags as unknown as Record<string, unknown>);
  for (const [flag, references] of [['--select', fromFlags.select], ['--ignore', fromFlags.ignore]] as const) {
    const unknown = unknownRules(references ?? []);
    if (unknown.length > 0) throw new UsageError(`${flag} names no rule: ${unknown.join(', ')}`);
  }
  return resolveSettings(loadConfig(path, flags.config), startFolder(path), fromFlags);
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

interface RenderContext {
  read: SourceReader;
  provenance: ReturnType<typeof provenanceOf>;
  baselined: ScanResult['findings'];
  reasons: Record<string, string>;
}

function render(result: ScanResult, output: OutputTarget, flags: ScanFlags, { read, provenance, baselined, reasons }: RenderContext): string {
  const toTerminal = !output.file;
  const color = toTerminal && colorWanted(colorWhen(flags.color), process.stdout, process.env);
  const width = toTerminal && process.stdout.isTTY ? process.stdout.columns || 80 : 80;
  const excerpts = output.format === 'html' ? collectExcerpts(result, read) : undefined;
  return reporters[output.format](result, { color, quiet: flags.quiet, excerpts, width, provenance, baselined, reasons });
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
