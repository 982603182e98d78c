// A deep tree of shared helpers (each calls three of the next level) reaches its sinks along thousands of call
// paths; summaries keep each sink once. The leaf writes are shared by two routes, so each route gets one
// finding per rule at its own call, with every leaf write it reaches as a related location.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scan } from '../src/index.js';
import { scratchDir } from './helpers/scratch.js';

const LEVELS = 7;

function helperTree(): string {
  let text = '';
  for (let level = 0; level < LEVELS; level++) {
    for (let h = 0; h < 3; h++) {
      text += `\ndef h${level}_${h}(target, data):\n`;
      text += level === LEVELS - 1
        ? (h === 2 ? '    target.__dict__.update(data)\n' : '    for k, v in data.items():\n        setattr(target, k, v)\n')
        : [0, 1, 2].map((c) => `    h${level + 1}_${c}(target, data)\n`).join('');
    }
  }
  return text;
}

const APP = `from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from helpers import h0_0, h0_1
app = Flask(__name__)
db = SQLAlchemy(app)

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String)
    is_admin = db.Column(db.Boolean)

@app.post("/a/<int:user_id>")
def first(user_id):
    user = User.query.get(user_id)
    h0_0(user, request.get_json())
    return "ok"

@app.post("/b/<int:user_id>")
def second(user_id):
    user = User.query.get(user_id)
    h0_1(user, dict(request.form))
    return "ok"
`;

test('a seven-level tree of shared helpers gives one finding per route and rule, naming every leaf write', async () => {
  const root = scratchDir('massassign-tree-');
  writeFileSync(join(root, 'app.py'), APP);
  writeFileSync(join(root, 'helpers.py'), helperTree());
  const result = await scan({ path: root });
  const lines = helperTree().split('\n');
  const leafLine = (h: number) => lines.findIndex((l) => l.startsWith(`def h${LEVELS - 1}_${h}(`)) + (h === 2 ? 2 : 3);
  const callLine = (helper: string) => APP.split('\n').findIndex((l) => l.includes(`${helper}(user`)) + 1;
  const expected = [['/a/<int:user_id>', callLine('h0_0')], ['/b/<int:user_id>', callLine('h0_1')]].flatMap(([rule, line]) => [
    `MA101 ${rule} app.py:${line} User id,is_admin related helpers.py:${leafLine(0)},helpers.py:${leafLine(1)}`,
    `MA103 ${rule} app.py:${line} User id,is_admin related helpers.py:${leafLine(2)}`,
  ]);
  const found = result.findings.map((f) => `${f.rule} ${f.endpoint?.rule} ${f.path}:${f.line} ${f.model} ${f.fields} related ${(f.related ?? []).map((s) => `${s.path}:${s.line}`)}`);
  assert.deepEqual(found.sort(), expected.sort());
});
