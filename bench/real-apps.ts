// Benchmark on real Flask applications (bench/apps/, built by bench/build-real-apps.sh): in one run, massassign
// cold (no cache), warm (nothing changed), with one file changed and on one worker, bandit, the bare parse and
// ast-grep (when ASTGREP names its binary), each with its peak RSS; then one app copied 1x, 2x, 4x and 8x. The cold
// scan and the bare parse, which the targets compare, take turns ROUNDS times (default 3) and their medians are
// compared: on a shared machine one run of each can be 20% off. Not a test.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');
const apps = join(repo, 'bench', 'apps');
const work = mkdtempSync(join(tmpdir(), 'massassign-real-'));
const scaled = process.env.SCALE_APP ?? 'indico+indico';
const rounds = Math.max(1, Number(process.env.ROUNDS ?? 3));
const changedApp = process.env.CHANGE_APP ?? 'CTFd+CTFd';

interface Run {
  seconds: number;
  /** User + system CPU seconds, all threads: what the run costs, whatever else the machine is doing. */
  cpu: number;
  peakMb: number;
  status: number | null;
  stdout: string;
}

/** Runs `command` under GNU time: wall and CPU seconds, peak RSS, exit status and standard output. */
function measure(command: string[]): Run {
  const rusage = join(work, 'time');
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', rusage, ...command], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = (performance.now() - started) / 1000;
  if (child.error) throw new Error(`${command[0]}: ${child.error.message}`);
  const [user, system, peakKb] = readFileSync(rusage, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds, cpu: user! + system!, peakMb: peakKb! / 1024, status: child.status, stdout: child.stdout };
}

function fail(message: string): never {
  process.stderr.write(`real-apps: ${message}\n`);
  process.exit(1);
}

const fixed = (n: number, digits = 2) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
const massassign = (path: string, ...flags: string[]) => measure(['node', 'bin/massassign.js', 'scan', path, '--format', 'json', '--quiet', ...flags]);

if (!existsSync(apps)) fail('no bench/apps: run bash bench/build-real-apps.sh GIT_DIR... first');
if (spawnSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' }).status !== 0) fail('npm run build failed');

rmSync(join(apps, '.massassign_cache'), { recursive: true, force: true });
const parseBare = () => measure(['node', '--import', 'tsx', 'bench/bare-parse.ts', apps]);
const parsedBy = (run: Run) => JSON.parse(run.stdout) as { files: number; bytes: number; seconds: number };
const colds: Run[] = [];
const bares: Run[] = [];
for (let round = 0; round < rounds; round++) {
  colds.push(massassign(apps, '--no-cache'));
  bares.push(parseBare());
}
const median = (runs: Run[], seconds: (run: Run) => number) => [...runs].sort((a, b) => seconds(a) - seconds(b))[runs.length >> 1]!;
const spread = (runs: Run[], seconds: (run: Run) => number) => `${rounds} runs ${fixed(Math.min(...runs.map(seconds)))}-${fixed(Math.max(...runs.map(seconds)))} s`;
const cold = median(colds, (run) => run.seconds);
const coldPeak = Math.max(...colds.map((run) => run.peakMb));
const bare = median(bares, (run) => parsedBy(run).seconds);
const oneWorker = massassign(apps, '--no-cache', '--workers', '1');
massassign(apps); // fills the cache
const warm = massassign(apps);
// one file of one app edited: only that app's part is analysed again
const edited = join(apps, changedApp, readdirSync(join(apps, changedApp), { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.py')).sort()[0]!);
const original = readFileSync(edited, 'utf8');
writeFileSync(edited, `${original}\n# edited by the benchmark\n`);
const oneChanged = massassign(apps);
writeFileSync(edited, original);
rmSync(join(apps, '.massassign_cache'), { recursive: true, force: true });
const bandit = measure(['bandit', '-r', '-q', apps, '-f', 'json']);
const astGrep = process.env.ASTGREP ? measure([process.env.ASTGREP, 'run', '--lang', 'python', '--pattern', 'request.get_json()', '--json=compact', apps]) : undefined;

const scanned = JSON.parse(cold.stdout) as { findings: unknown[]; errors: unknown[]; stats: { files: number; bytes: number } };
const parsed = parsedBy(bare);
const banditResults = (JSON.parse(bandit.stdout) as { results: unknown[] }).results.length;
const cpu = (run: Run) => `${fixed(run.seconds)} s (cpu ${fixed(run.cpu)} s)`;
const lines = [
  `load average at the end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (on ${(await import('node:os')).availableParallelism()} cores: above that, wall times stretch)`,
  `corpus: ${parsed.files} files, ${fixed(parsed.bytes / 1e6, 1)} MB (${readFileSync(join(apps, 'PINS'), 'utf8').trim().split('\n').length} repositories, bench/apps/PINS)`,
  `massassign cold:     ${cpu(cold)}, peak ${fixed(cold.peakMb, 0)} MB, ${scanned.findings.length} findings, ${scanned.errors.length} errors (median; ${spread(colds, (run) => run.seconds)})`,
  `massassign 1 worker: ${cpu(oneWorker)}, peak ${fixed(oneWorker.peakMb, 0)} MB`,
  `massassign warm:     ${cpu(warm)}, peak ${fixed(warm.peakMb, 0)} MB`,
  `one file changed:    ${cpu(oneChanged)}, peak ${fixed(oneChanged.peakMb, 0)} MB (${changedApp}: only its part analysed again)`,
  `bandit:              ${cpu(bandit)}, peak ${fixed(bandit.peakMb, 0)} MB, ${banditResults} results`,
  `bare parse:          ${fixed(parsed.seconds)} s of parsing (process ${fixed(bare.seconds)} s, peak ${fixed(bare.peakMb, 0)} MB) (median; ${spread(bares, (run) => parsedBy(run).seconds)})`,
  astGrep ? `ast-grep:            ${cpu(astGrep)}, peak ${fixed(astGrep.peakMb, 0)} MB (one pattern)` : 'ast-grep:            skipped (set ASTGREP to its binary)',
  `bandit / cold:        ${fixed(bandit.seconds / cold.seconds, 1)}x  (target >= 15x)  ${verdict(bandit.seconds / cold.seconds >= 15)}`,
  `cold / bare parse:    ${fixed(cold.seconds / parsed.seconds)}x (target <= 1.5x) ${verdict(cold.seconds / parsed.seconds <= 1.5)}`,
  `bandit / warm:        ${fixed(bandit.seconds / warm.seconds, 1)}x  (target >= 50x)  ${verdict(bandit.seconds / warm.seconds >= 50)}`,
  `cold / one changed:   ${fixed(cold.seconds / oneChanged.seconds, 1)}x`,
  `bandit / cold, cpu:   ${fixed(bandit.cpu / cold.cpu, 1)}x`,
  `cold / bare parse, cpu: ${fixed(cold.cpu / bare.cpu, 2)}x (the bare parse process, startup included)`,
  `peak memory, cold:    ${fixed(coldPeak, 0)} MB, the highest of ${rounds} runs (target < 400 MB) ${verdict(coldPeak < 400)}`,
];
process.stdout.write(`${lines.join('\n')}\n`);

// One app copied side by side under new names: time should grow with the code.
if (existsSync(join(apps, scaled))) {
  const base: Run[] = [];
  for (const copies of [1, 2, 4, 8]) {
    const folder = join(work, `x${copies}`);
    for (let i = 0; i < copies; i++) cpSync(join(apps, scaled), join(folder, `copy${i}`), { recursive: true });
    const run = massassign(folder, '--no-cache');
    base.push(run);
    const ratio = run.seconds / base[0]!.seconds;
    process.stdout.write(`${scaled} x${copies}: ${cpu(run)} (${fixed(ratio)}x of x1, cpu ${fixed(run.cpu / base[0]!.cpu)}x), peak ${fixed(run.peakMb, 0)} MB\n`);
    rmSync(folder, { recursive: true, force: true });
  }
  const ratio8 = base[3]!.seconds / base[0]!.seconds;
  process.stdout.write(`scaling x8 / x1:      ${fixed(ratio8)}x (target <= 9x) ${verdict(ratio8 <= 9)}\n`);
}
rmSync(work, { recursive: true, force: true });
