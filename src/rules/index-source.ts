// The text of src/rules/index.ts, written by `npm run docs` from the rule files in src/rules (each file that
// exports `const x: Rule = {`), so adding a rule is its file, its fixture folder and the regenerated docs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const RULE_EXPORT = /^export const (\w+): Rule = \{/m;

/** The rule files of `folder` (src/rules) with their exported rule's name, sorted by file name. */
export function ruleFiles(folder: string): { file: string; name: string }[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .flatMap((file) => {
      const name = RULE_EXPORT.exec(readFileSync(join(folder, file), 'utf8'))?.[1];
      return name ? [{ file: file.replace(/\.ts$/, ''), name }] : [];
    });
}

export function ruleIndexSource(rules: readonly { file: string; name: string }[]): string {
  return `// The rule registry: every rule, sorted by code, and lookup by code or name.
// Generated from the rule files by \`npm run docs\` (src/rules/index-source.ts). Do not edit.
import type { Rule } from './rule.js';
${rules.map((r) => `import { ${r.name} } from './${r.file}.js';`).join('\n')}

export type { Rule, RuleDocs } from './rule.js';

export const allRules: Rule[] = [
${rules.map((r) => `  ${r.name},`).join('\n')}
].sort((a, b) => a.code.localeCompare(b.code));

/** The rule with this code (\`MA101\`, any case) or name (\`setattr-from-request\`), or undefined. */
export function ruleByCode(codeOrName: string): Rule | undefined {
  const wanted = codeOrName.trim().toLowerCase();
  return allRules.find((rule) => rule.code.toLowerCase() === wanted || rule.name === wanted);
}
`;
}
