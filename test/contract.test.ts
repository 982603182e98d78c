// The field contract: evidence kinds across modules, reasons on every reported field, confidence, and one
// classifier for the scan and the probe.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { scan } from '../src/index.js';
import { Sensitivity } from '../src/analysis/sensitivity.js';
import { confidenceOf } from '../src/analysis/confidence.js';
import { DICTIONARY, fieldRole, looksSensitive } from '../src/probe/fields.js';
import type { ScanResult } from '../src/result.js';

const projects = join(import.meta.dirname, 'fixtures', 'projects');
let invoices: Promise<ScanResult> | undefined;
const invoicesScan = () => (invoices ??= scan({ path: join(projects, 'contract_invoices') }));

const contractOf = async (field: string) => {
  const result = await invoicesScan();
  return result.models.find((m) => m.name === 'Invoice')!.fields.find((f) => f.name === field)!.contract;
};

test('each kind of server evidence gives the field a server contract with its place', async () => {
  const expected: [string, RegExp][] = [
    ['workspace', /caller's identity/],
    ['region', /scopes records to the caller/],
    ['signing_nonce', /generated/],
    ['first_seen', /clock/],
    ['channel', /constant/],
    ['reviewer', /admin-only/],
    ['checksum', /dump_only in InvoiceSchema/],
    ['revision', /readOnly in the OpenAPI schema Invoice/],
    ['sequence', /listed in READ_ONLY_INVOICE_FIELDS/],
  ];
  for (const [field, reason] of expected) {
    const contract = await contractOf(field);
    assert.equal(contract?.owner, 'server', field);
    assert.ok(contract.reasons.some((r) => reason.test(r.text) && r.path && r.line), `${field}: ${JSON.stringify(contract.reasons)}`);
  }
});

test('explicit request writes and allowlists make fields the client\'s, even a state name', async () => {
  for (const field of ['memo', 'label', 'status']) {
    const contract = await contractOf(field);
    assert.equal(contract?.owner, 'client', field);
  }
  const result = await invoicesScan();
  const status = result.models.find((m) => m.name === 'Invoice')!.fields.find((f) => f.name === 'status')!;
  assert.equal(status.sensitive, undefined, 'a client-written state field is not sensitive, so the fix keeps it');
});

test('every reported field carries at least one reason, and a resolved model with server evidence is high confidence', async () => {
  const results = await Promise.all(['contract_invoices', 'contract_accounts'].map((p) => scan({ path: join(projects, p) })));
  const findings = results.flatMap((r) => r.findings);
  assert.ok(findings.length >= 5);
  for (const finding of findings) {
    for (const field of finding.fields) assert.ok((finding.fieldReasons?.[field] ?? []).length > 0, `${finding.path}:${finding.line} ${field}`);
  }
  const update = findings.find((f) => f.path === 'views_update.py' && f.rule === 'MA101')!;
  assert.equal(update.confidence, 'high');
  assert.match(update.fieldReasons!.id![0]!, /primary key/);
});

test('confidence: model resolved or assumed, evidence strong or by a broad name, keys bounded or not', () => {
  assert.equal(confidenceOf({ model: 'resolved', fields: ['contract'], unboundedKeys: true }), 'high');
  assert.equal(confidenceOf({ model: 'resolved', fields: ['weak-name'], unboundedKeys: true }), 'medium');
  assert.equal(confidenceOf({ model: 'assumed', fields: ['strong-name'], unboundedKeys: false }), 'medium');
  assert.equal(confidenceOf({ model: 'assumed', fields: ['weak-name'], unboundedKeys: false }), 'low');
  assert.equal(confidenceOf({ model: 'unknown', fields: [], unboundedKeys: true }), 'low');
});

test('the probe and the scan classify the same fields the same way', async () => {
  const scanner = new Sensitivity();
  const results = await Promise.all(['contract_invoices', 'contract_accounts'].map((p) => scan({ path: join(projects, p) })));
  const names = new Set<string>([...DICTIONARY, ...results.flatMap((r) => r.models.flatMap((m) => m.fields.map((f) => f.name)))]);
  for (const name of names) assert.equal(looksSensitive(name), scanner.classify(name) !== undefined, name);
  for (const name of DICTIONARY) assert.ok(looksSensitive(name), `the probe's dictionary entry ${name} is sensitive to the scan`);
  // every field a scan finding names is one the probe would try (or, for a primary key, knows to leave alone)
  for (const result of results) {
    for (const finding of result.findings) {
      const model = result.models.find((m) => m.name === finding.model);
      for (const name of finding.fields) {
        const field = model?.fields.find((f) => f.name === name);
        const probed = field?.sensitive !== undefined || looksSensitive(name);
        assert.ok(probed || fieldRole(name, field) === 'primary-key', `${finding.model}.${name} is reported by the scan but not a probe candidate`);
      }
    }
  }
});

test('classifier: broadened kinds by name, camelCase read as snake_case, user lists win', () => {
  const s = new Sensitivity({ sensitive: ['nickname'], notSensitive: ['status'] });
  const kinds = ['amount_cents', 'price', 'approved', 'published', 'karma', 'project_id', 'expires_at', 'isAdmin', 'ownerId', 'nickname', 'status', 'title']
    .map((n) => [n, s.kindOf(n) ?? '-']);
  assert.deepEqual(kinds, [
    ['amount_cents', 'money'], ['price', 'money'], ['approved', 'state'], ['published', 'state'], ['karma', 'reputation'],
    ['project_id', 'reference'], ['expires_at', 'date'], ['isAdmin', 'privilege'], ['ownerId', 'ownership'], ['nickname', 'privilege'],
    ['status', '-'], ['title', '-'],
  ]);
});

test('origins: the request, the caller, generated values, the clock and constants, as real views spell them', async () => {
  const { parsePython } = await import('../src/python/parse.js');
  const { lowerModule } = await import('../src/python/lower.js');
  const { Origins } = await import('../src/contract/origin.js');
  const source = [
    'def view(key_id):',
    '    body = request.get_json()',
    '    form = SignupForm()',
    '    record = ApiKey.query.filter_by(key=request.headers.get("X-API-Key")).first()',
    '    x = (',
    '        body.get("name"), int(body["qty"]), form.email.data, g.tenant.id, current_user.id, flask_login.current_user.id,',
    '        record.owner_id, str(uuid.uuid4()), secrets.token_hex(16), generate_password_hash(body["pw"]),',
    '        datetime.utcnow(), time_utcnow(), "api", None, price * 2, key_id, helper(),',
    '    )',
  ].join('\n');
  const [def] = lowerModule(parsePython(source).tree);
  assert.ok(def?.t === 'def');
  const origins = new Origins(def.fn, () => false);
  const tuple = def.fn.body.at(-1)!;
  assert.ok(tuple.t === 'assign' && tuple.value.t === 'seq');
  assert.deepEqual(tuple.value.items.map((e) => origins.of(e)), [
    'request', 'request', 'request', 'principal', 'principal', 'principal',
    'principal', 'generated', 'generated', 'generated',
    'clock', 'clock', 'constant', 'constant', 'computed', 'unknown', 'unknown',
  ]);
});
