// The scan command end to end through run(argv): exit codes, --fail-on, --quiet, colour, progress bar,
// ignore comments, baselines and config files on small Flask projects; plus the CI files' contents.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { progressBar, minFilesForBar } from '../src/cli/progress.js';
import { failsRun } from '../src/policy/filter.js';
import { finding } from './fixtures/cli/findings.js';
import { anotherEndpoint, safeApp, vulnerableApp } from './fixtures/cli/apps.js';
import { runCli, tempProject } from './fixtures/cli/run-cli.js';

const repo = join(import.meta.dirname, '..');
const noCi = { CI: undefined, NO_COLOR: undefined };

/** The findings of a JSON report as `RULE severity line`. */
function reported(stdout: string): string[] {
  return (JSON.parse(stdout) as { findings: { rule: string; severity: string; line: number }[] }).findings.map((f) => `${f.rule} ${f.severity} ${f.line}`);
}

function lineOf(source: string, text: string): number {
  return source.split('\n').findIndex((line) => line.includes(text)) + 1;
}

test('--fail-on: any reported finding fails by default; a threshold fails from that severity up; never never fails', () => {
  const high = [finding('MA101', 'a.py', 1, 'high')];
  assert.equal(failsRun([], undefined), false);
  assert.equal(failsRun(high, undefined), true);
  assert.equal(failsRun([finding('MA101', 'a.py', 1, 'low')], undefined), true);
  assert.equal(failsRun(high, 'critical'), false);
  assert.equal(failsRun(high, 'high'), true);
  assert.equal(failsRun(high, 'medium'), true);
  assert.equal(failsRun(high, 'never'), false);
});

test('progress bar: drawn on a terminal outside CI for many files, then erased', () => {
  let written = '';
  const stream = { isTTY: true, columns: 80, write: (text: string) => { written += text; return true; } };
  const progress = progressBar(stream, {});
  progress.onProgress!(0, 200);
  progress.onProgress!(1, 200); // same percent: not redrawn
  progress.onProgress!(200, 200);
  progress.onAnalysisProgress!(150, 300);
  progress.onAnalysisProgress!(300, 300);
  progress.finish();
  assert.equal(written.split('\r\x1b[K').filter(Boolean).length, 4);
  assert.match(written, /scanning \[-+\] 0\/200 files/);
  assert.match(written, /scanning \[#{2,}-+\] 200\/200 files/, 'reading fills only the first part');
  assert.match(written, /scanning \[#+-+\] analysing 150\/300 functions/, 'the analysis moves the bar on');
  assert.match(written, /scanning \[#+\] analysing 300\/300 functions/);
  assert.ok(written.endsWith('\r\x1b[K'), 'the bar is erased');
});

test('progress bar: never in CI, off a terminal, with --quiet, or for few files', () => {
  const silent = (tty: boolean, env: NodeJS.ProcessEnv, enabled = true, total = 500) => {
    let written = '';
    const progress = progressBar({ isTTY: tty, write: (text: string) => { written += text; return true; } }, env, enabled);
    progress.onProgress?.(total, total);
    progress.finish();
    return written === '';
  };
  assert.equal(silent(true, {}), false, 'drawn: the control case');
  assert.equal(silent(true, { CI: 'true' }), true);
  assert.equal(silent(true, { CI: 'false' }), false, 'CI=false is not CI');
  assert.equal(silent(false, {}), true);
  assert.equal(silent(true, {}, false), true);
  assert.equal(silent(true, {}, true, minFilesForBar - 1), true);
});

test('a project with nothing to report exits 0 with a one-line summary', async () => {
  const root = tempProject({ 'app.py': safeApp });
  const { code, stdout, stderr } = await runCli(['scan', root], noCi);
  assert.equal(code, 0);
  assert.match(stdout, /^No findings in \d+ files?, \d+\.\d\d s\n$/);
  assert.equal(stderr, '');
});

test('--quiet prints no summary line', async () => {
  const root = tempProject({ 'app.py': safeApp });
  const { code, stdout } = await runCli(['scan', root, '--quiet'], noCi);
  assert.equal(code, 0);
  assert.equal(stdout, '', 'no findings and no summary: nothing at all');
});

test('colour only on a terminal, and never with --no-color or NO_COLOR', async () => {
  const root = tempProject({ 'app.py': safeApp });
  const ansi = /\x1b\[/;
  assert.match((await runCli(['scan', root], noCi, true)).stdout, ansi, 'control: a terminal gets colour');
  assert.doesNotMatch((await runCli(['scan', root], noCi, false)).stdout, ansi);
  assert.doesNotMatch((await runCli(['scan', root, '--no-color'], noCi, true)).stdout, ansi);
  assert.doesNotMatch((await runCli(['scan', root], { ...noCi, NO_COLOR: '1' }, true)).stdout, ansi);
  assert.match((await runCli(['scan', root], { ...noCi, NO_COLOR: '' }, true)).stdout, ansi, 'an empty NO_COLOR does not count');
});

test('bad options exit 2 with one line', async () => {
  for (const argv of [['scan', '.', '--fail-on', 'sometimes'], ['scan', '.', '--severity', 'huge'], ['scan', '.', '--select', 'MA000']]) {
    const { code, stdout, stderr } = await runCli(argv, noCi);
    assert.equal(code, 2, argv.join(' '));
    assert.equal(stdout, '');
    assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
  }
});

test('end to end: findings fail the run; --fail-on and --severity set the threshold', async () => {
  const root = tempProject({ 'app.py': vulnerableApp() });
  const scan = (...flags: string[]) => runCli(['scan', root, '--format', 'json', ...flags], noCi);
  const all = await scan();
  assert.equal(all.code, 1);
  assert.deepEqual(reported(all.stdout).map((f) => f.split(' ').slice(0, 2).join(' ')).sort(), ['MA101 high', 'MA102 critical']);
  assert.equal((await scan('--fail-on', 'critical')).code, 1);
  assert.equal((await scan('--fail-on', 'critical', '--ignore', 'MA102')).code, 0);
  assert.equal((await scan('--fail-on', 'high', '--ignore', 'kwargs-from-request')).code, 1);
  assert.equal((await scan('--fail-on', 'never')).code, 0);
  const critical = await scan('--severity', 'critical');
  assert.deepEqual(reported(critical.stdout).map((f) => f.split(' ')[0]), ['MA102']);
  assert.equal((await scan('--select', 'MA101', '--severity', 'critical')).code, 0);
  const quiet = await runCli(['scan', root, '--quiet', '--no-color'], noCi);
  assert.equal(quiet.code, 1);
  assert.match(quiet.stdout, /MA101 setattr-from-request/);
  assert.doesNotMatch(quiet.stdout, /findings? \(|in 1 file/, 'no summary line');
});

test('end to end: ignore comments silence findings, are counted, listed with --show-suppressed, and unused ones warned about', async () => {
  const source = vulnerableApp({ setattr: '# massassign: ignore[MA101]', aboveConstructor: '# massassign: ignore', harmless: '# massassign: ignore[MA104]' });
  const root = tempProject({ 'app.py': source });
  const plain = await runCli(['scan', root, '--no-color'], noCi);
  assert.equal(plain.code, 0);
  assert.match(plain.stdout, /^No findings in 1 file, .*; 2 suppressed\n$/m);
  const listed = await runCli(['scan', root, '--show-suppressed', '--warn-unused-ignores'], noCi);
  assert.equal(listed.code, 0, 'unused ignores do not change the exit code');
  assert.match(listed.stdout, new RegExp(`Suppressed by ignore comments \\(2\\):\\n  app.py:${lineOf(source, 'setattr(config')}:\\d+  MA101 setattr-from-request \\(high\\)\\n  app.py:${lineOf(source, 'ServiceConfig(**data)')}:\\d+  MA102 kwargs-from-request \\(critical\\)`));
  assert.equal(listed.stderr, `massassign: warning: app.py:${lineOf(source, 'MA104')}: unused ignore comment: lists MA104, which matches no finding\n`);
  const wrongRule = tempProject({ 'app.py': vulnerableApp({ setattr: '# massassign: ignore[MA102]' }) });
  assert.equal((await runCli(['scan', wrongRule, '--select', 'MA101'], noCi)).code, 1, 'a comment for another rule does not silence');
});

test('end to end: --write-baseline records today\'s findings; --baseline then reports only new ones', async () => {
  const root = tempProject({ 'app.py': vulnerableApp() });
  const baseline = join(root, '.massassign-baseline.json');
  const written = await runCli(['scan', root, '--write-baseline', baseline, '--no-color'], noCi);
  assert.equal(written.code, 0);
  assert.match(written.stdout, /^No findings in 1 file, .*; 2 in baseline\n$/m);
  const recorded = JSON.parse(readFileSync(baseline, 'utf8'));
  assert.deepEqual(recorded.findings.map((e: { rule: string; path: string }) => `${e.rule} ${e.path}`), ['MA101 app.py', 'MA102 app.py']);
  writeFileSync(join(root, 'app.py'), `# a new header line moves every finding down\n${vulnerableApp()}`);
  assert.equal((await runCli(['scan', root, '--baseline', baseline], noCi)).code, 0, 'moved lines are still in the baseline');
  appendFileSync(join(root, 'app.py'), anotherEndpoint);
  const later = await runCli(['scan', root, '--baseline', baseline, '--format', 'json'], noCi);
  assert.equal(later.code, 1);
  const source = readFileSync(join(root, 'app.py'), 'utf8');
  assert.deepEqual(reported(later.stdout), [`MA101 high ${source.split('\n').lastIndexOf('        setattr(config, key, value)') + 1}`]);
});

test('end to end: a config file found upwards sets the policy, and flags override it', async () => {
  const root = tempProject({
    'pyproject.toml': '[tool.massassign]\nignore = ["MA102"]\nfail-on = "critical"\nexclude = ["svc/legacy/**"]\n',
    'svc/app.py': vulnerableApp(),
    'svc/legacy/old.py': vulnerableApp(),
  });
  const svc = join(root, 'svc');
  const fromConfig = await runCli(['scan', svc, '--format', 'json'], noCi);
  assert.deepEqual(reported(fromConfig.stdout).map((f) => f.split(' ')[0]), ['MA101'], 'MA102 ignored, legacy/ excluded');
  assert.equal(fromConfig.code, 0, 'a high finding under fail-on = critical');
  assert.equal((await runCli(['scan', svc, '--fail-on', 'high'], noCi)).code, 1);
  const explicit = join(root, 'strict.toml');
  writeFileSync(explicit, 'severity = "critical"\n');
  const strict = await runCli(['scan', svc, '--config', explicit, '--format', 'json'], noCi);
  assert.deepEqual(reported(strict.stdout).map((f) => f.split(' ')[0]).sort(), ['MA102', 'MA102'], '--config replaces the discovered file');
  assert.equal(strict.code, 1);
});

test('.pre-commit-hooks.yaml defines the massassign hook', () => {
  const hooks = readFileSync(join(repo, '.pre-commit-hooks.yaml'), 'utf8');
  for (const line of ['- id: massassign', '  entry: massassign scan', '  language: node', '  pass_filenames: false']) {
    assert.ok(hooks.split('\n').includes(line), `missing: ${line}`);
  }
});

test('docs/ci.md: the workflow uploads SARIF, and every scan flag it mentions exists', async () => {
  const docs = readFileSync(join(repo, 'docs', 'ci.md'), 'utf8');
  assert.match(docs, /uses: github\/codeql-action\/upload-sarif@v\d/);
  assert.match(docs, /massassign scan \. -o sarif=massassign\.sarif/);
  assert.match(docs, /id: massassign/);
  const help = (await runCli(['scan', '--help'], noCi)).stdout;
  const flags = new Set(docs.match(/--[a-z][a-z-]+/g));
  assert.ok(flags.size > 5);
  for (const flag of flags) assert.match(help, new RegExp(`${flag}\\b`), `${flag} is not an option of scan`);
});

test('README ends with "Use in CI" and "pre-commit" sections pointing at docs/ci.md', () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const ci = readme.indexOf('\n## Use in CI\n');
  const preCommit = readme.indexOf('\n## pre-commit\n');
  assert.ok(ci > 0 && preCommit > ci, 'both sections, in that order');
  assert.match(readme.slice(ci), /docs\/ci\.md/);
});

test('end to end: sensitive / not-sensitive from the config reach the scan, and a flag replaces its key only', async () => {
  const root = tempProject({ '.massassign.toml': 'sensitive = ["display_name"]\nnot-sensitive = ["api_key"]\n', 'app.py': vulnerableApp() });
  const fields = async (...flags: string[]) => {
    const { stdout } = await runCli(['scan', root, '--format', 'json', '--select', 'MA101', ...flags], noCi);
    return (JSON.parse(stdout) as { findings: { fields: string[] }[] }).findings.map((f) => f.fields);
  };
  const fromConfig = (await fields())[0]!;
  assert.ok(fromConfig.includes('display_name') && !fromConfig.includes('api_key'), fromConfig.join());
  const overridden = (await fields('--not-sensitive', 'debug_mode'))[0]!;
  assert.ok(overridden.includes('display_name') && overridden.includes('api_key') && !overridden.includes('debug_mode'), overridden.join());
});
