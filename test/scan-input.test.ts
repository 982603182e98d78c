// Bad input never stops a scan or prints a stack trace: unreadable, binary, broken and deeply nested files
// are reported one line each and the rest is analysed; a missing path is a one-line error and exit 2.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scan } from '../src/index.js';
import { entryCodeTest } from '../src/frameworks/flask/request.js';
import { runCli } from './fixtures/cli/run-cli.js';
import { scratchDir } from './helpers/scratch.js';

const VULNERABLE = `from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
app = Flask(__name__)
db = SQLAlchemy(app)

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String)
    is_admin = db.Column(db.Boolean)

@app.post("/users/<int:user_id>")
def update(user_id):
    user = User.query.get(user_id)
    for k, v in request.get_json().items():
        setattr(user, k, v)
    return "ok"
`;

function project(files: Record<string, string | Buffer>): string {
  const root = scratchDir('massassign-input-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

test('broken files are reported and the rest of the project is still analysed', async () => {
  const root = project({
    'app.py': VULNERABLE,
    'binary.py': Buffer.from([0x89, 0x50, 0x00, 0x01, 0xff]),
    'broken.py': 'from flask import request\ndef f(:\n    pass\n',
    'deep.py': `from flask import request\nx = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`,
  });
  const result = await scan({ path: root });
  assert.deepEqual(result.errors.map((e) => `${e.path}: ${e.message.split(':')[0]}`), [
    'binary.py: binary file, not Python source',
    'broken.py: syntax error at line 2, column 7',
    'deep.py: nesting too deep to analyse',
  ]);
  assert.deepEqual(result.findings.map((f) => `${f.rule} ${f.path}:${f.line} ${f.fields}`), ['MA101 app.py:15 id,is_admin']);
  assert.equal(result.stats.files, 4);
});

test('a module no Flask entry code imports is not parsed at all (the prefilter), so its errors go unreported', async () => {
  const root = project({ 'app.py': VULNERABLE, 'tools/script.py': 'def f(:\n    pass\n', 'helpers.py': 'def g(:\n    pass\n' });
  writeFileSync(join(root, 'app.py'), `import helpers\n${VULNERABLE}`);
  const result = await scan({ path: root });
  assert.deepEqual(result.errors.map((e) => e.path), ['helpers.py']);
  assert.equal(result.stats.files, 3);
});

test('the analysis goes on in a file with a syntax error elsewhere', async () => {
  const root = project({ 'app.py': `${VULNERABLE}\ndef broken(:\n    pass\n` });
  const result = await scan({ path: root });
  assert.equal(result.errors.length, 1);
  assert.deepEqual(result.findings.map((f) => f.line), [15]);
});

test('a missing path is one line on stderr and exit code 2', async () => {
  const run = await runCli(['scan', join(tmpdir(), 'massassign-no-such-folder')]);
  assert.equal(run.code, 2);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^massassign: .*no such file or directory: .*\n$/);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
});

test('.gitignore, --exclude, virtualenvs, site-packages and hidden folders are skipped', async () => {
  const root = project({
    'app.py': VULNERABLE,
    '.gitignore': 'generated/\n',
    'generated/app.py': VULNERABLE,
    'vendor/app.py': VULNERABLE,
    '.hidden/app.py': VULNERABLE,
    'venv/pyvenv.cfg': 'home = /usr/bin\n',
    'venv/lib/app.py': VULNERABLE,
    'lib/site-packages/pkg/app.py': VULNERABLE,
  });
  const result = await scan({ path: root, exclude: ['vendor/**'] });
  assert.deepEqual(result.files, ['app.py']);
  assert.deepEqual(result.findings.map((f) => f.path), ['app.py']);
});

test('a single file can be scanned, and its findings name it relative to its folder', async () => {
  const root = project({ 'svc/app.py': VULNERABLE });
  const result = await scan({ path: join(root, 'svc', 'app.py') });
  assert.deepEqual(result.findings.map((f) => `${f.path}:${f.line}`), ['app.py:15']);
});

test('a configured sanitizer bounds what passes through it; without the setting the same flow is a finding', async () => {
  const root = project({
    'app.py': VULNERABLE.replace('for k, v in request.get_json().items():', 'for k, v in clean(request.get_json()).items():'),
    'util.py': 'def clean(data):\n    return data\n',
  });
  writeFileSync(join(root, 'app.py'), `from util import clean\n${readFileSync(join(root, 'app.py'), 'utf8')}`);
  assert.deepEqual((await scan({ path: root })).findings.map((f) => f.fields.join(',')), ['id,is_admin']);
  assert.deepEqual((await scan({ path: root, extraSanitizers: ['util.clean'] })).findings, []);
});

test('a configured sink reports the keys it is handed; without the setting an unknown helper is silent', async () => {
  const app = VULNERABLE.replace('    for k, v in request.get_json().items():\n        setattr(user, k, v)\n', '    assign_all(user, request.get_json())\n');
  const root = project({ 'app.py': `from mylib import assign_all\n${app}` });
  assert.deepEqual((await scan({ path: root })).findings, []);
  const found = (await scan({ path: root, extraSinks: ['mylib.assign_all'] })).findings;
  assert.deepEqual(found.map((f) => `${f.rule} ${f.line} ${f.fields}`), ['MA101 15 id,is_admin']);
});

test('a helper module that imports flask under another name reads the request for the route that calls it', async () => {
  const routes = VULNERABLE.replace('from flask import Flask, request\n', 'from flask import Flask\nimport helpers\n')
    .replace('    for k, v in request.get_json().items():\n        setattr(user, k, v)\n', '    helpers.apply(user)\n');
  const helpers = 'import flask as fl\n\ndef apply(target):\n    for k, v in fl.request.get_json().items():\n        setattr(target, k, v)\n';
  const root = project({ 'app.py': routes, 'helpers.py': helpers });
  assert.deepEqual((await scan({ path: root })).findings.map((f) => `${f.rule} ${f.path}:${f.line} ${f.fields} ${f.endpoint?.rule}`), ['MA101 helpers.py:5 id,is_admin /users/<int:user_id>']);
});

test('a file with thousands of elif branches keeps its finding', async () => {
  const chain = `def pick(x):\n    if x == 0:\n        return 0\n${Array.from({ length: 3000 }, (_, i) => `    elif x == ${i + 1}:\n        return ${i + 1}\n`).join('')}`;
  const result = await scan({ path: project({ 'app.py': `${VULNERABLE}\n${chain}` }) });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.findings.map((f) => f.line), [15]);
});

test('runs of blank lines never hide entry code from the prefilter', async () => {
  const spaced = VULNERABLE.replace('\n@app.post', `\n${'\n  \t\n'.repeat(20_000)}@app.post`).replace('from flask import Flask, request\n', 'from flask import Flask\nimport flask\nrequest = flask.request\n');
  const result = await scan({ path: project({ 'app.py': spaced }) });
  assert.equal(result.routes.length, 1);
  assert.equal(result.findings.length, 1);
});

test('the entry-code test finds a route decorator at a line start after any line ending and indentation, not mid-line', () => {
  const isEntry = entryCodeTest([]);
  const route = '@bp.route("/items", methods=["POST"])\ndef create():\n    pass\n';
  for (const lineEnd of ['\n', '\r\n', '\r', '\u2028']) {
    for (const indent of ['', '    ', '\t', ' \f ']) assert.equal(isEntry(`x = 1${lineEnd}${lineEnd}${indent}${route}`), true, JSON.stringify([lineEnd, indent]));
  }
  assert.equal(isEntry(`x = 1\ny = "@bp.route('/items')"\n`), false);
  assert.equal(isEntry(`x = 1  # @bp.route('/items')\n`), false);
});

// /proc/self/mem is a file every read of fails (EIO), even for root: a file the scan cannot read.
test('a file that cannot be read is listed in errors and fails the run even with no finding', { skip: !existsSync('/proc/self/mem') }, async () => {
  const root = project({ 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' });
  symlinkSync('/proc/self/mem', join(root, 'broken.py'));
  const result = await scan({ path: root });
  assert.deepEqual(result.errors.map((e) => `${e.path}: ${e.message}`), ['broken.py: cannot read file: EIO']);
  assert.equal((await runCli(['scan', root, '--quiet'])).code, 1);
  assert.equal((await runCli(['scan', root, '--quiet', '--fail-on', 'never'])).code, 0);
});
