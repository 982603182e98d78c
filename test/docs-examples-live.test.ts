// Each rule's docs example runs under Flask: the attack in its "why is this bad" stores the field; the fix refuses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allRules } from '../src/rules/index.js';

/** One attack per rule: rows to seed (Python statements), the request a key holder sends, and what the database then holds. */
interface Attack {
  seed?: string;
  method: 'post' | 'put' | 'patch';
  path: string;
  body: Record<string, unknown>;
  /** A Python expression over the app module `m`, read after the request. */
  stored: string;
  /** Its value when the attack worked. */
  attacked: unknown;
}

const ATTACKS: Record<string, Attack> = {
  MA101: {
    seed: 'm.ServiceConfig(id=1, display_name="relay", api_key="upstream", rate_limit=100)',
    method: 'post', path: '/config', body: { display_name: 'x', api_key: 'mine', rate_limit: 1000000 },
    stored: 'm.db.session.get(m.ServiceConfig, 1).api_key', attacked: 'mine',
  },
  MA102: {
    method: 'post', path: '/devices', body: { name: 'd', owner_id: 99, is_approved: true },
    stored: '[d.owner_id for d in m.Device.query.all()]', attacked: [99],
  },
  MA103: {
    method: 'post', path: '/projects', body: { title: 't', owner_id: 99, is_public: true },
    stored: '[p.owner_id for p in m.Project.query.all()]', attacked: [99],
  },
  MA104: {
    seed: 'm.Account(id=1, name="a")',
    method: 'put', path: '/accounts/1', body: { name: 'b', is_admin: true },
    stored: 'm.db.session.get(m.Account, 1).is_admin', attacked: true,
  },
  MA105: {
    seed: 'm.Member(id=1, name="a", role="viewer")',
    method: 'patch', path: '/members/1', body: { name: 'b', role: 'admin' },
    stored: 'm.db.session.get(m.Member, 1).role', attacked: 'admin',
  },
  MA106: {
    method: 'post', path: '/webhooks', body: { url: 'https://example.test/hook', event: 'push', is_verified: true },
    stored: '[w.is_verified for w in m.Webhook.query.all()]', attacked: [true],
  },
  MA107: {
    method: 'post', path: '/users', body: { username: 'u', is_admin: true },
    stored: '[u.is_admin for u in m.User.query.all()]', attacked: [true],
  },
  MA201: {
    method: 'post', path: '/keys', body: { scope: 'admin' },
    stored: 'sorted(k.scope for k in m.ApiKey.query.all())', attacked: ['admin', 'config:write'],
  },
};

/**
 * For each [file, attack]: loads the app, creates its tables with one key (`config:write`), seeds, sends the attack
 * with that key, and reads what is stored. One Python process for every app, since importing Flask is the slow part.
 */
const HARNESS = `
import importlib.util, json, sys
results = []
for index, (path, attack) in enumerate(json.loads(sys.argv[1])):
    spec = importlib.util.spec_from_file_location(f"app{index}", path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    with m.app.app_context():
        m.db.create_all()
        m.db.session.add(m.ApiKey(key="test-key", scope="config:write"))
        if attack.get("seed"):
            m.db.session.add(eval(attack["seed"]))
        m.db.session.commit()
        client = m.app.test_client()
        getattr(client, attack["method"])(attack["path"], json=attack["body"], headers={"X-API-Key": "test-key"})
        m.db.session.expire_all()
        results.append(eval(attack["stored"]))
print(json.dumps(results))
`;

/** What each rule's example and fix store after its attack, by rule code. */
function runAttacks(): Map<string, { example: unknown; useInstead: unknown }> {
  const folder = mkdtempSync(join(tmpdir(), 'massassign-live-'));
  try {
    const jobs = allRules.flatMap((rule) => (['example', 'useInstead'] as const).map((variant) => {
      const path = join(folder, `${rule.code}-${variant}.py`);
      writeFileSync(path, rule.docs[variant]);
      return [path, ATTACKS[rule.code]] as const;
    }));
    const output = execFileSync('/usr/bin/python3', ['-c', HARNESS, JSON.stringify(jobs)], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const stored = JSON.parse(output) as unknown[];
    return new Map(allRules.map((rule, i) => [rule.code, { example: stored[2 * i], useInstead: stored[2 * i + 1] }]));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

test('every rule has an attack', () => {
  assert.deepEqual(Object.keys(ATTACKS).sort(), allRules.map((rule) => rule.code));
});

const stored = runAttacks();
for (const rule of allRules) {
  const attack = ATTACKS[rule.code]!;
  test(`${rule.code} ${rule.name}: the example stores what the attacker sent, the fix does not`, () => {
    assert.deepEqual(stored.get(rule.code)!.example, attack.attacked, 'the example is vulnerable');
    assert.notDeepEqual(stored.get(rule.code)!.useInstead, attack.attacked, 'the fix refuses the attack');
  });
}
