// Each rule's docs example runs under Flask: the attack in its "why is this bad" stores the field; the fix refuses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../src/rules/index.js';
import { scratchDir } from './helpers/scratch.js';

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
        getattr(client, attack["method"])(attack["path"], json=attack["attack"], headers={"X-API-Key": "test-key"})
        m.db.session.expire_all()
        results.append(eval(attack["stored"]))
print(json.dumps(results))
`;

/** What each rule's example and fix store after its attack, by rule code. */
function runAttacks(): Map<string, { example: unknown; useInstead: unknown }> {
  const folder = scratchDir('massassign-live-');
  try {
    const jobs = allRules.flatMap((rule) => (['example', 'useInstead'] as const).map((variant) => {
      const path = join(folder, `${rule.code}-${variant}.py`);
      writeFileSync(path, rule.docs[variant]);
      return [path, rule.docs.proof] as const;
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

const stored = runAttacks();
for (const rule of allRules) {
  const attack = rule.docs.proof;
  test(`${rule.code} ${rule.name}: the example stores what the attacker sent, the fix does not`, () => {
    assert.deepEqual(stored.get(rule.code)!.example, attack.attacked, 'the example is vulnerable');
    assert.notDeepEqual(stored.get(rule.code)!.useInstead, attack.attacked, 'the fix refuses the attack');
  });
}
