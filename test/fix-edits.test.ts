// The pieces fixes are made of: the allowlist (contract first, then ordinary fields, a sign-up keeps its
// password), the constant added once after the imports, edits that keep the code's own names, and apply's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SinkHit } from '../src/analysis/hits.js';
import type { Finding, ModelInfo } from '../src/result.js';
import { allowlistFor } from '../src/fix/allowlist.js';
import { applyFixes } from '../src/fix/apply.js';
import { fixFor } from '../src/fix/edits.js';
import { constantEdit } from '../src/fix/python-text.js';
import { lineStartsOf } from '../src/python/positions.js';
import { finding } from './fixtures/cli/findings.js';

const here = { path: 'app.py', line: 1, column: 1, endLine: 1, endColumn: 1 };
const user: ModelInfo = {
  name: 'UserAccount', qualifiedName: 'app.UserAccount', kind: 'sqlalchemy', location: here,
  fields: [
    { name: 'id', primaryKey: true, sensitive: 'server-state' },
    { name: 'email' },
    { name: 'nickname' },
    { name: 'password', sensitive: 'credential' },
    { name: 'api_key', sensitive: 'credential' },
    { name: 'is_admin', sensitive: 'privilege' },
  ],
};
const hit = (overrides: Partial<SinkHit>): SinkHit => ({
  kind: 'setattr', location: here, functionName: 'app.f', sinkText: '', targetText: 'user', model: user, keys: { kind: 'any' }, trace: [], endpoint: null, ...overrides,
});

test('the allowlist: ordinary fields; a constructor keeps the password a client sets for its own record, never a key', () => {
  assert.deepEqual(allowlistFor(hit({})), { fields: ['email', 'nickname'], fromContract: false });
  assert.deepEqual(allowlistFor(hit({ kind: 'constructor' })), { fields: ['email', 'nickname', 'password'], fromContract: false });
  assert.equal(allowlistFor(hit({ model: null })), undefined);
});

test('the allowlist prefers the fields the contract says clients write, and then the fix is safe', () => {
  const contracted: ModelInfo = { ...user, fields: user.fields.map((f) => (f.name === 'nickname' ? { ...f, contract: { owner: 'client' as const, reasons: [{ text: 'written by PATCH /me' }] } } : f)) };
  assert.deepEqual(allowlistFor(hit({ model: contracted })), { fields: ['nickname'], fromContract: true });
  const source = 'from flask import request\n\n\ndef f(user):\n    for key, value in request.json.items():\n        setattr(user, key, value)\n';
  const fix = fixFor(hit({ model: contracted, sinkText: 'setattr(user, key, value)', location: { path: 'app.py', line: 6, column: 9, endLine: 6, endColumn: 34 } }), source, lineStartsOf(source));
  assert.equal(fix?.applicability, 'safe');
});

test('the constant goes after the imports (multi-line ones too), once', () => {
  const source = '"""doc"""\nimport os\nfrom x import (\n    a,\n    b,\n)\n\nAPP = 1\n';
  const [edit] = constantEdit('m.py', source, 'USER_CLIENT_FIELDS', ['email']);
  assert.equal(edit!.line, 7);
  assert.equal(edit!.text, '\nUSER_CLIENT_FIELDS = {"email"}\n');
  assert.deepEqual(constantEdit('m.py', `${source}USER_CLIENT_FIELDS = {"x"}\n`, 'USER_CLIENT_FIELDS', ['email']), []);
});

test('a constructor fix filters the code\'s own mapping, keeps the rest of the call, and adds the constant once', () => {
  const source = 'from flask import request\n\n\ndef create(user_data):\n    return UserAccount(owner=1, **user_data)  # keep me\n';
  const sink = { path: 'app.py', line: 5, column: 12, endLine: 5, endColumn: 45 };
  const fix = fixFor(hit({ kind: 'constructor', sinkText: 'UserAccount(owner=1, **user_data)', location: sink }), source, lineStartsOf(source))!;
  const f: Finding = { ...finding('MA102', 'app.py', 5, 'high'), fix };
  const out = applyFixes([f, f], () => source, { unsafe: true }).files[0]!.after;
  assert.match(out, /^USER_ACCOUNT_CLIENT_FIELDS = \{"email", "nickname", "password"\}$/m);
  assert.match(out, /UserAccount\(owner=1, \*\*\{key: value for key, value in user_data\.items\(\) if key in USER_ACCOUNT_CLIENT_FIELDS\}\)  # keep me/);
  assert.equal(out.match(/USER_ACCOUNT_CLIENT_FIELDS = /g)?.length, 1, 'identical edits are applied once');
});

test('apply: safe fixes by default, unsafe ones only when asked, display-only never; overlapping fixes wait for the next pass', () => {
  const source = 'abcdef\n';
  const edit = (column: number, endColumn: number, text: string) => ({ path: 'a.py', line: 1, column, endLine: 1, endColumn, text });
  const make = (applicability: 'safe' | 'unsafe' | 'display-only', edits: ReturnType<typeof edit>[]): Finding => ({ ...finding('MA101', 'a.py', 1, 'high'), fix: { description: 'd', applicability, edits } });
  const read = () => source;
  assert.equal(applyFixes([make('unsafe', [edit(1, 2, 'X')])], read, { unsafe: false }).files.length, 0);
  assert.equal(applyFixes([make('unsafe', [edit(1, 2, 'X')])], read, { unsafe: false }).unsafeSkipped, 1);
  assert.equal(applyFixes([make('display-only', [edit(1, 2, 'X')])], read, { unsafe: true }).files.length, 0);
  const both = applyFixes([make('safe', [edit(1, 3, 'X')]), make('safe', [edit(2, 4, 'Y')]), make('safe', [edit(5, 5, 'Z')])], read, { unsafe: false });
  assert.equal(both.files[0]!.after, 'XcdZef\n');
  assert.equal(both.applied, 2);
});

test('a key the function sets itself before the sink is kept as the server\'s value, not dropped', () => {
  const source = 'from flask import request, session\n\n\ndef create():\n    req = request.get_json()\n    req["owner_id"] = session["id"]\n    return UserAccount(**req)\n';
  const sink = { path: 'app.py', line: 7, column: 12, endLine: 7, endColumn: 30 };
  const fix = fixFor(hit({ kind: 'constructor', sinkText: 'UserAccount(**req)', location: sink }), source, lineStartsOf(source))!;
  assert.match(fix.edits.at(-1)!.text, /^\*\*\{\*\*\{key: value for key, value in req\.items\(\) if key in USER_ACCOUNT_CLIENT_FIELDS\}, "owner_id": session\["id"\]\}$/);
});
