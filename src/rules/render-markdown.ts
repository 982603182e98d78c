// A rule's docs page as Markdown (docs/rules/<name>.md) and the index page; `npm run docs` and the docs test both use these.
import type { Rule } from './rule.js';
import { FLASK_FIXES } from './shared-docs.js';
import { VERSION } from '../version.js';

/** The rule's page as published with the npm package (docs/rules ships in it), pinned to this version. */
export function ruleDocsUrl(rule: Rule): string {
  return `https://unpkg.com/massassign@${VERSION}/docs/rules/${rule.name}.md`;
}

/** A reference written `Title — URL` as a Markdown link. */
export function referenceLink(reference: string): string {
  const [title, url] = reference.split(' — ');
  return `[${title}](${url})`;
}

export function generatedNotice(rule?: Rule): string {
  const source = rule ? `src/rules/${rule.name}.ts` : 'src/rules/*.ts';
  return `<!-- Generated from ${source} by \`npm run docs\`. Do not edit: change the rule file and regenerate. -->`;
}

export function renderRuleMarkdown(rule: Rule): string {
  return `${generatedNotice(rule)}\n\n# ${rule.name} (${rule.code})\n\n${renderRuleHelp(rule)}`;
}

/** The page without its title: summary, sections, questions and references (also fit for SARIF `help.markdown`). */
export function renderRuleHelp(rule: Rule): string {
  const { docs } = rule;
  return [
    docs.summary,
    '## What it does',
    docs.whatItDoes,
    '## Why is this bad?',
    docs.whyBad,
    '## Example',
    `\`\`\`python\n${docs.example.trimEnd()}\n\`\`\``,
    '## Use instead',
    `\`\`\`python\n${docs.useInstead.trimEnd()}\n\`\`\``,
    '## How to fix it in Flask',
    FLASK_FIXES.map((fix) => `- **${fix.title}.** ${fix.text}`).join('\n'),
    '## Common questions',
    docs.faq.map((entry) => `### ${entry.question}\n\n${entry.answer}`).join('\n\n'),
    '## References',
    docs.references.map((reference) => `- ${referenceLink(reference)}`).join('\n'),
  ].join('\n\n') + '\n';
}

export function renderRulesIndex(rules: readonly Rule[]): string {
  return [
    generatedNotice(),
    '# Rules',
    'Every massassign rule, by code. Each finding names the rule; `massassign explain <code>` prints the same page in a terminal.',
    '| Code | Name | Summary |\n| --- | --- | --- |\n' +
      rules.map((rule) => `| ${rule.code} | [${rule.name}](${rule.name}.md) | ${rule.docs.summary} |`).join('\n'),
  ].join('\n\n') + '\n';
}
