// The rule registry: codes and names, exactly one rule claiming every sink hit, and the messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allRules, ruleByCode } from '../src/rules/index.js';
import type { KeyBound, SinkHit, SinkKind } from '../src/analysis/hits.js';
import type { KeySet } from '../src/dataflow/keyset.js';
import type { Endpoint, ModelInfo } from '../src/result.js';
import { existsSync, readFileSync as readText } from 'node:fs';
import { join } from 'node:path';
import { ruleFiles, ruleIndexSource } from '../src/rules/index-source.js';

const KINDS: SinkKind[] = ['setattr', 'constructor', 'dict-update', 'query-update', 'schema-load', 'privilege-value'];
const BOUNDS: (KeyBound | undefined)[] = [undefined, 'marshmallow', 'pydantic', 'reqparse'];
const here = { path: 'app.py', line: 12, column: 9, endLine: 12, endColumn: 40 };

const postConfig: Endpoint = {
  methods: ['POST'], rule: '/config', handler: 'app.update_config',
  auth: { kind: 'api_key', via: 'header X-API-Key' }, location: here,
};

const serviceConfig: ModelInfo = {
  name: 'ServiceConfig', qualifiedName: 'models.ServiceConfig', kind: 'sqlalchemy', location: here,
  fields: [{ name: 'id', primaryKey: true }, { name: 'display_name' }, { name: 'api_key', sensitive: 'credential' }],
};

function hit(overrides: Partial<SinkHit> = {}): SinkHit {
  return {
    kind: 'setattr', location: here, functionName: 'app.update_config', sinkText: 'setattr(config, key, value)',
    targetText: 'config', model: serviceConfig, keys: { kind: 'any' }, trace: [], endpoint: postConfig, ...overrides,
  };
}

test('the registry holds the eight rules sorted by code, each with a unique kebab-case name', () => {
  assert.deepEqual(allRules.map((r) => r.code), ['MA101', 'MA102', 'MA103', 'MA104', 'MA105', 'MA106', 'MA107', 'MA201']);
  for (const rule of allRules) assert.match(rule.name, /^[a-z]+(-[a-z]+)+$/);
  assert.equal(new Set(allRules.map((r) => r.name)).size, allRules.length);
});

test('ruleByCode finds a rule by code in any case or by name, and nothing for an unknown one', () => {
  assert.equal(ruleByCode('MA101')?.name, 'setattr-from-request');
  assert.equal(ruleByCode('ma201')?.name, 'client-chosen-scope');
  assert.equal(ruleByCode('kwargs-from-request')?.code, 'MA102');
  assert.equal(ruleByCode('MA999'), undefined);
});

test('exactly one rule claims every kind × bound of sink hit', () => {
  for (const kind of KINDS) {
    for (const bound of BOUNDS) {
      const claimants = allRules.filter((r) => r.claims(hit({ kind, bound }))).map((r) => r.code);
      assert.equal(claimants.length, 1, `${kind} bound ${bound ?? 'none'} claimed by [${claimants.join(', ')}]`);
    }
  }
});

test('each kind without a bound goes to its own rule, and a bound wins over the kind', () => {
  const claimant = (kind: SinkKind, bound?: KeyBound) => allRules.find((r) => r.claims(hit({ kind, bound })))?.code;
  assert.deepEqual(KINDS.map((kind) => claimant(kind)), ['MA101', 'MA102', 'MA103', 'MA104', 'MA105', 'MA201']);
  assert.equal(claimant('setattr', 'marshmallow'), 'MA105');
  assert.equal(claimant('constructor', 'pydantic'), 'MA106');
  assert.equal(claimant('setattr', 'reqparse'), 'MA107');
  assert.equal(claimant('privilege-value', 'pydantic'), 'MA201');
});

test('MA101 names who, the fields, the model, the endpoint and a denylist', () => {
  const keys: KeySet = { kind: 'anyBut', keys: new Set(['id']) };
  assert.equal(
    ruleByCode('MA101')!.message(hit({ keys }), ['api_key', 'debug_mode', 'rate_limit']),
    'Any API-key holder can set api_key, debug_mode and rate_limit on ServiceConfig through POST /config: ' +
      'all keys of the request body except id are copied onto it with setattr.',
  );
});

test('a message with no fields and no model says the model is unresolved and the keys unbounded', () => {
  const message = ruleByCode('MA102')!.message(hit({ kind: 'constructor', model: null, targetText: 'make_thing', endpoint: null }), []);
  assert.match(message, /could not be resolved/);
  assert.match(message, /unbounded/);
  assert.match(message, /`make_thing`/);
});

test('a message follows the endpoint authentication: anyone, authenticated callers', () => {
  const open = { ...postConfig, auth: { kind: 'none' as const } };
  assert.match(ruleByCode('MA103')!.message(hit({ kind: 'dict-update', endpoint: open }), ['api_key']), /^Anyone can set api_key on ServiceConfig/);
  const other = { ...postConfig, auth: { kind: 'other' as const } };
  assert.match(ruleByCode('MA104')!.message(hit({ kind: 'query-update', endpoint: other }), ['api_key']), /^Any authenticated caller can set/);
});

test('an allowlist that still holds a sensitive key is named', () => {
  const keys: KeySet = { kind: 'only', keys: new Set(['role', 'name']) };
  const message = ruleByCode('MA105')!.message(hit({ bound: 'marshmallow', keys }), ['role']);
  assert.match(message, /can set role on ServiceConfig/);
  assert.match(message, /the keys name and role/);
});

test('MA201 says whether the scope was checked at all or only against the allowed set', () => {
  const apiKeyModel = { ...serviceConfig, name: 'ApiKey' };
  const scopeHit = hit({ kind: 'privilege-value', field: 'scope', model: apiKeyModel, endpoint: { ...postConfig, rule: '/keys' } });
  const rule = ruleByCode('MA201')!;
  assert.equal(
    rule.message(scopeHit, ['scope']),
    "Any API-key holder can choose the scope written to ApiKey through POST /keys: the client's `scope` is stored without checking that it is allowed and held by the caller.",
  );
  assert.match(rule.message({ ...scopeHit, allowlistedOnly: true }, ['scope']), /checked against the server's allowed values but not against the caller's own/);
});

test('a rule is one file: the registry is generated from the rule files, and each has its fixture folder and docs page', () => {
  const folder = join(import.meta.dirname, '..', 'src', 'rules');
  assert.equal(readText(join(folder, 'index.ts'), 'utf8'), ruleIndexSource(ruleFiles(folder)), 'src/rules/index.ts is stale: run npm run docs');
  assert.deepEqual(ruleFiles(folder).map((r) => r.file).sort(), allRules.map((r) => r.name).sort(), 'file name = rule name');
  for (const rule of allRules) {
    assert.ok(existsSync(join(import.meta.dirname, 'fixtures', 'rules', rule.name)), `${rule.name} has no fixture folder`);
    assert.ok(existsSync(join(import.meta.dirname, '..', 'docs', 'rules', `${rule.name}.md`)), `${rule.name} has no docs page`);
    assert.equal(typeof rule.remediation, 'function', `${rule.name} writes its own remediation`);
  }
});
