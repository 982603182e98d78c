// Config files: discovery from the scanned folder upwards, --config, validation errors, globs and flag overrides.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import { withOptionTable } from '../src/config/options.js';
import { configSchema } from '../src/config/schema.js';
import { rebaseGlob, resolveSettings } from '../src/config/settings.js';
import { UsageError } from '../src/cli/usage-error.js';
import { runCli, tempProject } from './fixtures/cli/run-cli.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'config');

/** The one-line message loadConfig throws for this project and scan path. */
function configError(files: Record<string, string>, scanPath = '.', explicit?: string): string {
  const root = tempProject(files);
  try {
    loadConfig(join(root, scanPath), explicit && join(root, explicit));
  } catch (error) {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${error}`);
    assert.doesNotMatch(error.message, /\n/);
    return error.message.replace(root, '<root>');
  }
  assert.fail('expected an error');
}

test('a pyproject.toml [tool.massassign] table is read with every key', () => {
  const loaded = loadConfig(join(fixtures, 'full', 'src'));
  assert.equal(loaded?.file, join(fixtures, 'full', 'pyproject.toml'));
  assert.deepEqual(loaded?.config, {
    include: ['src/**/*.py'],
    exclude: ['src/migrations/**', '**/tests'],
    sensitive: ['webhook_url'],
    'not-sensitive': ['user_id'],
    'extra-sources': ['app.util.payload'],
    'extra-sanitizers': ['app.util.allowed_fields'],
    'extra-sinks': ['app.util.assign_all'],
    'api-key-decorators': ['app.auth.key_required'],
    severity: 'medium',
    select: ['MA101', 'kwargs-from-request', 'MA201'],
    ignore: ['ma102'],
    'fail-on': 'high',
  });
});

test('discovery walks up from the scanned folder; the nearest file with a config wins', () => {
  const root = tempProject({
    '.massassign.toml': 'severity = "critical"\n',
    'svc/pyproject.toml': '[tool.massassign]\nseverity = "high"\n',
    'svc/api/app.py': '',
    'other/pyproject.toml': '[project]\nname = "other"\n',
    'other/app.py': '',
  });
  assert.equal(loadConfig(join(root, 'svc', 'api'))?.config.severity, 'high');
  assert.equal(loadConfig(join(root, 'svc', 'api', 'app.py'))?.file, join(root, 'svc', 'pyproject.toml'));
  const pastTablelessPyproject = loadConfig(join(root, 'other'));
  assert.equal(pastTablelessPyproject?.file, join(root, '.massassign.toml'), 'a pyproject.toml without the table is skipped');
});

test('.massassign.toml is preferred to pyproject.toml in the same folder', () => {
  const root = tempProject({ '.massassign.toml': 'fail-on = "never"\n', 'pyproject.toml': '[tool.massassign]\nfail-on = "high"\n' });
  assert.equal(loadConfig(root)?.config['fail-on'], 'never');
});

test('no config anywhere up to the filesystem root gives null', () => {
  const root = tempProject({ 'app.py': '', 'pyproject.toml': '[tool.black]\nline-length = 100\n' });
  assert.equal(loadConfig(root), null);
});

test('--config reads the named file, even when another is nearer', () => {
  const root = tempProject({ '.massassign.toml': 'severity = "low"\n', 'ci/strict.toml': 'severity = "critical"\n' });
  assert.equal(loadConfig(root, join(root, 'ci', 'strict.toml'))?.config.severity, 'critical');
});

test('--config naming a pyproject.toml without [tool.massassign] is an error', () => {
  assert.equal(configError({ 'pyproject.toml': '[project]\nname = "x"\n' }, '.', 'pyproject.toml'), '<root>/pyproject.toml: no [tool.massassign] table');
});

test('an unknown key is named with the file', () => {
  assert.match(configError({ '.massassign.toml': 'exclude = []\nexlude = ["tests"]\n' }), /^<root>\/\.massassign\.toml: unknown key "exlude" \(known keys: include, exclude, /);
  assert.match(configError({ 'pyproject.toml': '[tool.massassign]\nseverity = "high"\n[tool.massassign.rules]\nx = 1\n' }), /^<root>\/pyproject\.toml: unknown key "tool\.massassign\.rules"/);
});

test('a wrong type or value names the file and the key', () => {
  assert.equal(configError({ '.massassign.toml': 'exclude = "tests/**"\n' }), '<root>/.massassign.toml: key "exclude" must be a list of strings');
  assert.equal(configError({ '.massassign.toml': 'sensitive = ["a", 3]\n' }), '<root>/.massassign.toml: key "sensitive" must be a list of strings');
  assert.equal(configError({ 'pyproject.toml': '[tool.massassign]\nseverity = "severe"\n' }), '<root>/pyproject.toml: key "tool.massassign.severity" must be one of critical, high, medium, low, not "severe"');
  assert.equal(configError({ '.massassign.toml': 'fail-on = 1\n' }), '<root>/.massassign.toml: key "fail-on" must be one of critical, high, medium, low, never, not 1');
  assert.equal(configError({ 'pyproject.toml': '[tool]\nmassassign = ["x"]\n' }), '<root>/pyproject.toml: [tool.massassign] must be a table');
});

test('select and ignore must name rules that exist', () => {
  assert.match(configError({ '.massassign.toml': 'select = ["Not A Rule"]\n' }), /key "select" holds "Not A Rule", which is neither a rule code/);
  assert.equal(configError({ '.massassign.toml': 'ignore = ["MA101", "MA999", "no-such-rule"]\n' }), '<root>/.massassign.toml: key "ignore" names no rule: MA999, no-such-rule');
});

test('invalid TOML is one line with the position', () => {
  assert.match(configError({ '.massassign.toml': 'severity = "high"\nexclude = [\n' }), /^<root>\/\.massassign\.toml:3:1: invalid TOML: unfinished array encountered$/);
});

test('globs written for the config folder are rebased onto a scanned subfolder', () => {
  assert.equal(rebaseGlob('src/migrations/**', ''), 'src/migrations/**');
  assert.equal(rebaseGlob('src/migrations/**', 'src'), 'migrations/**');
  assert.equal(rebaseGlob('./src/*/tests/**', join('src', 'billing')), 'tests/**');
  assert.equal(rebaseGlob('**/tests/**', 'src'), '**/tests/**');
  assert.equal(rebaseGlob('tests', 'src'), null, 'anchored at the config folder');
  assert.equal(rebaseGlob('src', 'src'), '**');
  assert.equal(rebaseGlob('docs/**', 'src'), null, 'cannot match under src');
  assert.equal(rebaseGlob('src/api', join('src', 'api', 'v1')), '**', 'the whole scanned folder');
});

test('settings: config keys in camelCase, globs rebased, command-line values override key by key', () => {
  const loaded = loadConfig(join(fixtures, 'full'))!;
  const settings = resolveSettings(loaded, join(fixtures, 'full', 'src'), { severity: 'critical', exclude: ['vendor/**'], include: undefined });
  assert.deepEqual(settings, {
    include: ['**/*.py'],
    exclude: ['vendor/**'],
    sensitive: ['webhook_url'],
    notSensitive: ['user_id'],
    extraSources: ['app.util.payload'],
    extraSanitizers: ['app.util.allowed_fields'],
    extraSinks: ['app.util.assign_all'],
    apiKeyDecorators: ['app.auth.key_required'],
    severity: 'critical',
    select: ['MA101', 'kwargs-from-request', 'MA201'],
    ignore: ['ma102'],
    failOn: 'high',
  });
});

test('docs/config.md holds the option table generated from the option list (npm run docs)', () => {
  const docs = readFileSync(join(import.meta.dirname, '..', 'docs', 'config.md'), 'utf8');
  assert.equal(docs, withOptionTable(docs), 'docs/config.md is stale: run npm run docs');
  for (const key of Object.keys(configSchema.properties)) assert.match(docs, new RegExp(`^\\| \`${key}\` \\|`, 'm'), `${key} is not in the docs table`);
});

test('CLI: a bad config file exits 2 with one line naming the file and the key', async () => {
  const root = tempProject({ '.massassign.toml': 'severity = ["high"]\n', 'app.py': '' });
  const { code, stdout, stderr } = await runCli(['scan', root]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, `massassign: ${root}/.massassign.toml: key "severity" must be one of critical, high, medium, low, not ["high"]\n`);
});

test('CLI: --config pointing at a missing file exits 2', async () => {
  const root = tempProject({ 'app.py': '' });
  const { code, stderr } = await runCli(['scan', root, '--config', join(root, 'nope.toml')]);
  assert.equal(code, 2);
  assert.equal(stderr, `massassign: cannot read config ${root}/nope.toml: ENOENT\n`);
});

test('CLI: --select and --ignore naming no rule exit 2', async () => {
  const root = tempProject({ 'app.py': '' });
  const { code, stderr } = await runCli(['scan', root, '--ignore', 'MA101,MA777']);
  assert.equal(code, 2);
  assert.equal(stderr, 'massassign: --ignore names no rule: MA777\n');
});
