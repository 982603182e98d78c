// Each rule's docs example, scanned as a Flask app, yields that rule; its "use instead" fix yields no finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import { allRules } from '../src/rules/index.js';

const NEEDS_ENGINE = { todo: 'needs the analysis engine: scan() finding sinks' };

/** Scans `source` as the only file of a fresh project and returns the rule codes found. */
async function rulesFound(source: string): Promise<string[]> {
  const folder = mkdtempSync(join(tmpdir(), 'massassign-docs-'));
  try {
    writeFileSync(join(folder, 'app.py'), source);
    const result = await scan({ path: folder });
    return result.findings.map((finding) => finding.rule);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

for (const rule of allRules) {
  test(`${rule.code} ${rule.name}: the example is flagged with ${rule.code} only`, NEEDS_ENGINE, async () => {
    const found = await rulesFound(rule.docs.example);
    assert.ok(found.length > 0, 'no finding');
    assert.deepEqual([...new Set(found)], [rule.code]);
  });
  test(`${rule.code} ${rule.name}: the "use instead" fix has no finding`, NEEDS_ENGINE, async () => {
    assert.deepEqual(await rulesFound(rule.docs.useInstead), []);
  });
}
