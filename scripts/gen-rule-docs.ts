// `npm run docs`: writes docs/rules/<name>.md for every rule and docs/rules/README.md from the rule files,
// the rule registry src/rules/index.ts from the rule files, and the key table of docs/config.md from the option list.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allRules } from '../src/rules/index.js';
import { renderRuleMarkdown, renderRulesIndex } from '../src/rules/render-markdown.js';
import { withOptionTable } from '../src/config/options.js';
import { ruleFiles, ruleIndexSource } from '../src/rules/index-source.js';

const rulesFolder = join(import.meta.dirname, '..', 'src', 'rules');
writeFileSync(join(rulesFolder, 'index.ts'), ruleIndexSource(ruleFiles(rulesFolder)));
console.log('wrote src/rules/index.ts');

const folder = join(import.meta.dirname, '..', 'docs', 'rules');
mkdirSync(folder, { recursive: true });
const pages = new Map(allRules.map((rule) => [`${rule.name}.md`, renderRuleMarkdown(rule)]));
pages.set('README.md', renderRulesIndex(allRules));
for (const file of readdirSync(folder)) {
  if (file.endsWith('.md') && !pages.has(file)) rmSync(join(folder, file));
}
for (const [file, text] of pages) writeFileSync(join(folder, file), text);
console.log(`wrote ${pages.size} pages to docs/rules`);

const configDocs = join(import.meta.dirname, '..', 'docs', 'config.md');
writeFileSync(configDocs, withOptionTable(readFileSync(configDocs, 'utf8')));
console.log('wrote the option table to docs/config.md');
