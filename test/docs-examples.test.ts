// Each rule's docs example, scanned as a Flask app, yields that rule; its "use instead" fix yields no finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scan } from '../src/scan.js';
import { allRules } from '../src/rules/index.js';
import type { Finding } from '../src/result.js';
import { scratchDir } from './helpers/scratch.js';

/** The sensitive fields each example's docs say a caller can write: the finding must name at least these. */
const NAMED_FIELDS: Record<string, string[]> = {
  MA101: ['api_key', 'debug_mode', 'rate_limit'],
  MA102: ['is_approved', 'owner_id'],
  MA103: ['owner_id'],
  MA104: ['credit_limit', 'is_admin'],
  MA105: ['role'],
  MA106: ['is_verified', 'owner_id'],
  MA107: ['is_admin'],
  MA201: ['scope'],
};

/** Scans `source` as the only file of a fresh project and returns its findings. */
async function findingsOf(source: string): Promise<Finding[]> {
  const folder = scratchDir('massassign-docs-');
  try {
    writeFileSync(join(folder, 'app.py'), source);
    const result = await scan({ path: folder });
    return result.findings;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

for (const rule of allRules) {
  test(`${rule.code} ${rule.name}: the example is flagged with ${rule.code} only, naming the fields its docs name`, async () => {
    const findings = await findingsOf(rule.docs.example);
    assert.deepEqual(findings.map((finding) => finding.rule), [rule.code]);
    const missing = NAMED_FIELDS[rule.code]!.filter((field) => !findings[0]!.fields.includes(field));
    assert.deepEqual(missing, [], `fields reported: ${findings[0]!.fields.join(', ')}`);
  });
  test(`${rule.code} ${rule.name}: the "use instead" fix has no finding`, async () => {
    assert.deepEqual((await findingsOf(rule.docs.useInstead)).map((finding) => `${finding.rule} line ${finding.line}`), []);
  });
}
