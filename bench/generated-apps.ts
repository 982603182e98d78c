// Benchmark on generated Flask apps: (1) an app of independent API-key routes grown 1x to 16x, and (2) a helper
// tree where each helper calls three shared helpers of the next level, seven levels deep, grown the same way.
// Prints wall time and peak RSS per size and the growth against the smallest: both should grow with the code.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'massassign-generated-'));
const sizes = [1, 2, 4, 8, 16];

const HEADER = `from flask import Flask, request, abort
from models import db, User
app = Flask(__name__)
`;
const MODELS = `from flask_sqlalchemy import SQLAlchemy
db = SQLAlchemy()

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String)
    is_admin = db.Column(db.Boolean)
`;

function route(module: number, i: number, body: string): string {
  return `
@app.post("/m${module}/users/<int:user_id>/r${i}")
def update_${module}_${i}(user_id):
    if request.headers.get("X-API-Key") != "k":
        abort(401)
    user = User.query.get(user_id)
    data = request.get_json()
${body}
    return "ok"
`;
}

/** `size` x 10 modules of 20 routes each, half of them writing every key. */
function routesApp(folder: string, size: number): void {
  writeFileSync(join(folder, 'models.py'), MODELS);
  for (let m = 0; m < size * 10; m++) {
    let text = HEADER;
    for (let i = 0; i < 20; i++) {
      text += route(m, i, i % 2 ? '    for k, v in data.items():\n        setattr(user, k, v)' : '    user.name = data.get("name")');
    }
    writeFileSync(join(folder, `routes_${m}.py`), text);
  }
}

/** `size` x 5 route modules, each over its own 7-level helper tree where every helper calls three of the next level. */
function helperTreeApp(folder: string, size: number): void {
  writeFileSync(join(folder, 'models.py'), MODELS);
  for (let t = 0; t < size * 5; t++) {
    let helpers = '';
    for (let level = 0; level < 7; level++) {
      for (let h = 0; h < 3; h++) {
        helpers += `\ndef h${level}_${h}(target, data):\n`;
        helpers += level === 6
          ? `    for k, v in data.items():\n        setattr(target, k, v)\n`
          : [0, 1, 2].map((c) => `    h${level + 1}_${c}(target, data)\n`).join('');
      }
    }
    writeFileSync(join(folder, `helpers_${t}.py`), helpers);
    let text = `${HEADER}from helpers_${t} import h0_0, h0_1, h0_2\n`;
    for (let i = 0; i < 10; i++) text += route(t, i, `    h0_${i % 3}(user, data)`);
    writeFileSync(join(folder, `routes_${t}.py`), text);
  }
}

function measure(folder: string): { seconds: number; peakMb: number; findings: number; errors: number } {
  const rusage = join(work, 'time');
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rusage, 'node', 'bin/massassign.js', 'scan', folder, '--format', 'json', '--quiet', '--no-cache'], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  const result = JSON.parse(child.stdout) as { findings: unknown[]; errors: unknown[] };
  return { seconds, peakMb: Number(readFileSync(rusage, 'utf8').trim().split('\n').pop()) / 1024, findings: result.findings.length, errors: result.errors.length };
}

if (spawnSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' }).status !== 0) {
  process.stderr.write('generated-apps: npm run build failed\n');
  process.exit(1);
}
for (const [name, generate] of [['independent routes', routesApp], ['helper tree, 3 calls x 7 levels', helperTreeApp]] as const) {
  let first: number | undefined;
  for (const size of sizes) {
    const folder = join(work, `${size}`);
    mkdirSync(folder, { recursive: true });
    generate(folder, size);
    const run = measure(folder);
    first ??= run.seconds;
    process.stdout.write(`${name} x${size}: ${run.seconds.toFixed(2)} s (${(run.seconds / first).toFixed(2)}x of x1), peak ${run.peakMb.toFixed(0)} MB, ${run.findings} findings, ${run.errors} errors\n`);
    rmSync(folder, { recursive: true, force: true });
  }
}
rmSync(work, { recursive: true, force: true });
