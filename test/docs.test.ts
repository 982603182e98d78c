// Rule docs: every rule documents every section, and docs/rules holds exactly one up-to-date page per rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../src/rules/index.js';
import { renderRuleMarkdown, renderRulesIndex } from '../src/rules/render-markdown.js';

const docsFolder = join(import.meta.dirname, '..', 'docs', 'rules');
const REGENERATE = 'out of date: run `npm run docs` and commit docs/rules';

test('every rule fills every docs section', () => {
  for (const rule of allRules) {
    const { docs } = rule;
    for (const section of ['summary', 'whatItDoes', 'whyBad', 'example', 'useInstead'] as const) {
      assert.ok(docs[section].trim().length > 0, `${rule.code} has an empty ${section}`);
    }
    assert.match(docs.summary, /^[A-Z][^\n]*\.$/, `${rule.code}: the summary is one sentence`);
    assert.ok(docs.faq.length >= 3, `${rule.code} answers the common questions`);
    for (const entry of docs.faq) {
      assert.ok(entry.question.trim() && entry.answer.trim(), `${rule.code} has an empty question or answer`);
    }
    assert.notEqual(docs.example, docs.useInstead, `${rule.code}: the fix differs from the example`);
  }
});

test('every rule explains why an API key does not prevent it, and answers "Isn\'t an API key enough?"', () => {
  for (const rule of allRules) {
    assert.match(rule.docs.whyBad, /API key does not prevent this/, rule.code);
    assert.ok(rule.docs.faq.some((entry) => entry.question === "Isn't an API key enough?"), rule.code);
  }
});

test('every rule cites CWE-915 and OWASP API3:2023, each reference as "Title — URL"', () => {
  for (const rule of allRules) {
    const { references } = rule.docs;
    assert.ok(references.some((r) => r.endsWith('https://cwe.mitre.org/data/definitions/915.html')), `${rule.code} cites CWE-915`);
    assert.ok(references.some((r) => r.includes('0xa3-broken-object-property-level-authorization')), `${rule.code} cites OWASP API3`);
    for (const reference of references) assert.match(reference, /^[^—]+ — https:\/\/\S+$/, `${rule.code}: ${reference}`);
  }
});

test('every example is a Flask app that checks X-API-Key and defines a Flask-SQLAlchemy model', () => {
  for (const rule of allRules) {
    for (const source of [rule.docs.example, rule.docs.useInstead]) {
      assert.match(source, /request\.headers\.get\("X-API-Key"\)/, rule.code);
      assert.match(source, /^class \w+\(db\.Model\):$/m, rule.code);
      assert.match(source, /^@app\.(post|put|patch)\(/m, rule.code);
    }
  }
});

test('docs/rules holds one page per rule and nothing else', () => {
  const pages = readdirSync(docsFolder).filter((file) => file.endsWith('.md')).sort();
  const expected = [...allRules.map((rule) => `${rule.name}.md`), 'README.md'].sort();
  assert.deepEqual(pages, expected, 'a page without a rule, or a rule without a page');
});

test('every docs page and the index match their rule files', () => {
  for (const rule of allRules) {
    assert.equal(readFileSync(join(docsFolder, `${rule.name}.md`), 'utf8'), renderRuleMarkdown(rule), `${rule.name}.md ${REGENERATE}`);
  }
  assert.equal(readFileSync(join(docsFolder, 'README.md'), 'utf8'), renderRulesIndex(allRules), `README.md ${REGENERATE}`);
});

test('a page renders its sections in order and links its references', () => {
  const page = renderRuleMarkdown(allRules[0]!);
  const headings = [...page.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, ['What it does', 'Why is this bad?', 'Example', 'Use instead', 'How to fix it in Flask', 'Common questions', 'References']);
  assert.match(page, /^- \[CWE-915: [^\]]+\]\(https:\/\/cwe\.mitre\.org\/data\/definitions\/915\.html\)$/m);
});
