// Benchmark: in one run, time the built massassign CLI and bandit over bench/corpus and the bare parse of the
// same files, with each process's peak RSS; print the ratios against the targets. Not a test: run by hand.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');
const corpus = join(repo, 'bench', 'corpus');
const work = mkdtempSync(join(tmpdir(), 'massassign-bench-'));

interface Run {
  seconds: number;
  peakMb: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` under GNU time from the repo root: wall seconds, peak RSS, exit status and both outputs. */
function measure(name: string, command: string[]): Run {
  const rusage = join(work, `${name}.time`);
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rusage, ...command], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seconds = (performance.now() - started) / 1000;
  if (child.error) throw new Error(`${name}: ${child.error.message}`);
  const peakKb = Number(readFileSync(rusage, 'utf8').trim().split('\n').pop());
  return { seconds, peakMb: peakKb / 1024, status: child.status, stdout: child.stdout, stderr: child.stderr };
}

function fail(message: string): never {
  process.stderr.write(`scan-vs-bandit: ${message}\n`);
  process.exit(1);
}

if (!existsSync(corpus)) fail('no bench/corpus: run bash bench/build-corpus.sh first');
if (spawnSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' }).status !== 0) fail('npm run build failed');

const massassign = measure('massassign', ['node', 'bin/massassign.js', 'scan', 'bench/corpus', '--format', 'json']);
if (massassign.status !== 0 && massassign.status !== 1) fail(`massassign exited ${massassign.status}: ${massassign.stderr}`);
const bandit = measure('bandit', ['bandit', '-r', '-q', 'bench/corpus', '-f', 'json']);
if (bandit.status !== 0 && bandit.status !== 1) fail(`bandit exited ${bandit.status}: ${bandit.stderr}`);
const bare = measure('bare-parse', ['node', '--import', 'tsx', 'bench/bare-parse.ts', 'bench/corpus']);
if (bare.status !== 0) fail(`bare parse exited ${bare.status}: ${bare.stderr}`);
rmSync(work, { recursive: true, force: true });

const scanned = JSON.parse(massassign.stdout) as { findings: unknown[]; errors: unknown[]; stats: { files: number; bytes: number } };
const parsed = JSON.parse(bare.stdout) as { files: number; bytes: number; seconds: number; syntaxErrors: number };
const banditReport = JSON.parse(bandit.stdout) as { results: unknown[]; metrics: { _totals: { loc: number } } };

const fixed = (n: number, digits = 2) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const speedup = bandit.seconds / massassign.seconds;
const overParse = massassign.seconds / parsed.seconds;
const lines = [
  `corpus: ${parsed.files} files, ${fixed(parsed.bytes / 1e6, 1)} MB (${parsed.syntaxErrors} syntax errors in the bare parse)`,
  `massassign: ${fixed(massassign.seconds)} s, peak ${fixed(massassign.peakMb, 0)} MB, ${scanned.stats.files} files, ${scanned.findings.length} findings, ${scanned.errors.length} errors`,
  `bandit:     ${fixed(bandit.seconds)} s, peak ${fixed(bandit.peakMb, 0)} MB, ${banditReport.results.length} results, ${banditReport.metrics._totals.loc} lines`,
  `bare parse: ${fixed(parsed.seconds)} s of parsing (process ${fixed(bare.seconds)} s, peak ${fixed(bare.peakMb, 0)} MB)`,
  `bandit / massassign:     ${fixed(speedup, 1)}x  (target >= 10x)   ${verdict(speedup >= 10)}`,
  `massassign / bare parse: ${fixed(overParse, 2)}x (target <= 1.5x)  ${verdict(overParse <= 1.5)}`,
  `massassign peak memory:  ${fixed(massassign.peakMb, 0)} MB (target < 400 MB) ${verdict(massassign.peakMb < 400)}`,
];
if (scanned.stats.files !== parsed.files) {
  lines.push(`WARNING: massassign read ${scanned.stats.files} of ${parsed.files} files: its time is not comparable`);
}
process.stdout.write(`${lines.join('\n')}\n`);
