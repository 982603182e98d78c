// SARIF 2.1.0 report: every produced log validates against the official schema (draft-04, via ajv),
// and the sample result's log carries the rules, locations, code flows, fixes and fingerprints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import type * as Sarif from 'sarif';
import { scan } from '../src/scan.js';
import { VERSION } from '../src/version.js';
import { allRules } from '../src/rules/index.js';
import { renderRuleHelp } from '../src/rules/render-markdown.js';
import { fingerprintKey, renderSarif } from '../src/reporters/sarif.js';
import type { ScanResult } from '../src/result.js';
import { sampleResult } from './fixtures/sample-result.js';

const schema = JSON.parse(readFileSync(new URL('./fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8'));
const isUri = (text: string) => URL.canParse(text);
const formats = { uri: isUri, 'uri-reference': (text: string) => URL.canParse(text, 'file:///'), 'date-time': (text: string) => !Number.isNaN(Date.parse(text)) };
const validate = new ajvDraft04.default({ strict: false, allErrors: true, formats }).compile(schema);

function sarifOf(result: ScanResult): Sarif.Log {
  const log = JSON.parse(renderSarif(result)) as Sarif.Log;
  assert.ok(validate(log), `${result.root}: ${JSON.stringify(validate.errors, null, 2)}`);
  return log;
}

const pythonFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.py'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();

test('the schema check rejects a log that breaks SARIF', () => {
  const log = JSON.parse(renderSarif(sampleResult));
  log.runs[0].results[0].level = 'fatal';
  assert.equal(validate(log), false);
});

test('the sample result gives one valid run with every rule in tool.driver', () => {
  const log = sarifOf(sampleResult);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const all = log.runs[0].tool.driver.rules ?? [];
  const rules = all.slice(0, allRules.length);
  assert.deepEqual(rules.map((rule) => rule.id), allRules.map((rule) => rule.code));
  for (const [index, rule] of rules.entries()) {
    assert.equal(rule.helpUri, `https://unpkg.com/massassign@${VERSION}/docs/rules/${allRules[index].name}.md`);
    assert.equal(rule.name, allRules[index].name);
    assert.equal(rule.shortDescription?.text, allRules[index].docs.summary);
    assert.equal(rule.fullDescription?.text, allRules[index].docs.whatItDoes);
    assert.equal(rule.help?.markdown, renderRuleHelp(allRules[index]));
    assert.ok(rule.help.text.startsWith(allRules[index].docs.whyBad));
    assert.deepEqual(rule.properties?.tags, ['security', 'CWE-915', 'OWASP-API3:2023']);
    assert.equal(rule.properties?.['security-severity'], '8.0');
    assert.equal(rule.defaultConfiguration?.level, 'error');
  }
  // code scanning reads security-severity from the rule: a critical or medium finding gets a descriptor of its own
  assert.deepEqual(all.slice(allRules.length).map((rule) => [rule.id, rule.properties?.['security-severity'], rule.defaultConfiguration?.level]), [
    ['MA102/critical', '9.5', 'error'],
    ['MA104/medium', '5.5', 'warning'],
  ]);
});

test('URIs are relative to the repository root when the scan is of a subfolder', () => {
  const provenance = { date: '2026-01-01T00:00:00.000Z', version: VERSION, repositoryRoot: '/srv', settings: [] };
  const run = (JSON.parse(renderSarif(sampleResult, { color: false, provenance })) as Sarif.Log).runs[0];
  assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///srv/' } });
  assert.equal(run.results?.[1].locations?.[0].physicalLocation?.artifactLocation?.uri, 'service-config/app.py');
  assert.equal(run.results?.[1].codeFlows?.[0].threadFlows[0].locations[0].location?.physicalLocation?.artifactLocation?.uri, 'service-config/app.py');
});

test('each result names its rule, level, sink, trace, model and route', () => {
  const run = sarifOf(sampleResult).runs[0];
  assert.equal(run.columnKind, 'utf16CodeUnits');
  assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///srv/service-config/' } });
  const results = run.results ?? [];
  assert.deepEqual(results.map((r) => [r.ruleId, r.level]), [['MA102/critical', 'error'], ['MA101', 'error'], ['MA201', 'error'], ['MA104/medium', 'warning']]);
  assert.deepEqual(results.map((r) => r.properties?.rule), ['MA102', 'MA101', 'MA201', 'MA104']);
  for (const result of results) assert.equal(run.tool.driver.rules?.[result.ruleIndex!].id, result.ruleId);
  const config = results[1];
  assert.deepEqual(config.locations?.[0].physicalLocation, {
    artifactLocation: { uri: 'app.py', uriBaseId: '%SRCROOT%' },
    region: { startLine: 39, startColumn: 9, endLine: 39, endColumn: 36 },
  });
  const steps = config.codeFlows?.[0].threadFlows[0].locations ?? [];
  assert.deepEqual(steps.map((step) => [step.location?.physicalLocation?.region?.startLine, step.location?.message?.text]), [
    [34, 'request.get_json()'],
    [35, 'for key, value in data.items()'],
    [36, 'if key == "id": continue'],
    [39, 'setattr(config, key, value)'],
  ]);
  assert.deepEqual(config.relatedLocations?.map((l) => [l.message?.text, l.physicalLocation?.region?.startLine]), [['model ServiceConfig', 8], ['route POST /config', 30]]);
  assert.deepEqual(config.partialFingerprints, { [fingerprintKey]: '5f0c9a3e1b7d2468' });
  assert.deepEqual(config.properties?.fields, ['api_key', 'debug_mode', 'rate_limit']);
  assert.equal(config.properties?.endpoint, 'POST /config');
  assert.equal(config.properties?.auth, 'API key (header X-API-Key)');
});

test('a fix becomes artifact changes, one per file, with every edit as a replacement', () => {
  const config = sarifOf(sampleResult).runs[0].results![1];
  assert.deepEqual(config.fixes?.[0].artifactChanges, [
    {
      artifactLocation: { uri: 'app.py', uriBaseId: '%SRCROOT%' },
      replacements: [
        { deletedRegion: { startLine: 8, startColumn: 1, endLine: 8, endColumn: 1 }, insertedContent: { text: 'WRITABLE_CONFIG_FIELDS = {"display_name"}\n' } },
        { deletedRegion: { startLine: 36, startColumn: 12, endLine: 36, endColumn: 23 }, insertedContent: { text: 'key not in WRITABLE_CONFIG_FIELDS' } },
      ],
    },
  ]);
  assert.equal(sarifOf(sampleResult).runs[0].results![2].fixes, undefined);
});

test('unanalysable files become error notifications; paths are relative URIs', () => {
  const odd = { ...sampleResult, errors: [{ path: 'odd dir/bad #1.py', message: 'syntax error' }] };
  const run = sarifOf(odd).runs[0];
  assert.deepEqual(run.invocations?.[0].toolExecutionNotifications, [
    { level: 'error', message: { text: 'syntax error' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'odd%20dir/bad%20%231.py', uriBaseId: '%SRCROOT%' } } }] },
  ]);
});

test('the probe verdict is carried in the result properties when present', () => {
  const results = sarifOf(sampleResult).runs[0].results ?? [];
  assert.deepEqual(results[1].properties?.probe, sampleResult.findings[1].probe);
  assert.equal(results[3].properties?.probe, undefined);
});

test('the example app scans to a valid log with its two findings', async () => {
  const log = sarifOf(await scan({ path: 'examples/vulnerable' }));
  assert.deepEqual(log.runs[0].results?.map((r) => r.ruleId).sort(), ['MA101', 'MA201']);
});

test('every file of the rule fixture corpus scans to a valid log', async () => {
  const files = pythonFiles('test/fixtures/rules');
  let findings = 0;
  for (const file of files) findings += sarifOf(await scan({ path: file })).runs[0].results?.length ?? 0;
  assert.ok(findings > 0, `no findings in ${files.length} fixture files`);
});

test('findings silenced by ignore comments stay in the log as suppressed results, and the log stays valid', () => {
  const [first, ...rest] = sampleResult.findings;
  const log = sarifOf({ ...sampleResult, findings: rest, suppressed: [first!] });
  const results = log.runs[0]!.results!;
  assert.equal(results.length, sampleResult.findings.length);
  assert.deepEqual(results.filter((r) => r.suppressions).map((r) => [r.properties?.rule, r.suppressions![0]!.kind]), [[first!.rule, 'inSource']]);
  assert.equal(log.runs[0]!.tool.driver.version, JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
});
