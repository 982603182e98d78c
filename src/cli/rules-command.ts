// `massassign rules` lists every rule; `massassign explain <code|name>` prints one rule's docs for a terminal.
import { Command, Option } from 'commander';
import { allRules, ruleByCode, type Rule } from '../rules/index.js';
import { FLASK_FIXES, appBody } from '../rules/shared-docs.js';
import { UsageError } from './usage-error.js';

const WIDTH = 80;

/** Prose for a terminal: Markdown backticks dropped, words wrapped at WIDTH after `indent` (`hanging` on later lines). */
function paragraph(text: string, indent = '  ', hanging = indent): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.replaceAll('`', '').split(/\s+/).filter(Boolean)) {
    if (line && (lines.length ? hanging : indent).length + line.length + 1 + word.length > WIDTH) {
      lines.push((lines.length ? hanging : indent) + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push((lines.length ? hanging : indent) + line);
  return lines.join('\n');
}

/** A docs example without its shared Flask skeleton, indented as a code listing. */
function listing(source: string): string {
  const lines = ['# app, db, ApiKey and @require_api_key (X-API-Key) as in the full example', '', ...appBody(source).trimEnd().split('\n')];
  return lines.map((line) => (line ? `    ${line}` : '')).join('\n');
}

export function renderRuleList(rules: readonly Rule[]): string {
  const nameWidth = Math.max(...rules.map((rule) => rule.name.length));
  return rules.map((rule) => `${rule.code}  ${rule.name.padEnd(nameWidth)}  ${rule.docs.summary}`).join('\n') + '\n';
}

export function renderRuleListJson(rules: readonly Rule[]): string {
  const list = rules.map((rule) => ({ code: rule.code, name: rule.name, summary: rule.docs.summary }));
  return `${JSON.stringify(list, null, 2)}\n`;
}

export function renderExplanation(rule: Rule): string {
  const { docs } = rule;
  return [
    `${rule.code} ${rule.name}\n${paragraph(docs.summary, '')}`,
    `What it does\n${paragraph(docs.whatItDoes)}`,
    `Why it is bad, even behind an API key\n${paragraph(docs.whyBad)}`,
    `Flagged\n${listing(docs.example)}`,
    `Fixed\n${listing(docs.useInstead)}`,
    `How to fix it in Flask\n${FLASK_FIXES.map((fix) => paragraph(`- ${fix.title}: ${fix.text}`, '  ', '    ')).join('\n')}`,
    `Common questions\n${docs.faq.map((entry) => `${paragraph(entry.question)}\n${paragraph(entry.answer, '    ')}`).join('\n\n')}`,
    `References\n${docs.references.map((reference) => `  - ${reference.replace(' — ', '\n    ')}`).join('\n')}`,
  ].join('\n\n') + '\n';
}

export function registerRulesCommands(program: Command): void {
  program
    .command('rules')
    .description('List every rule: code, name and summary')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { format: 'text' | 'json' }) => {
      process.stdout.write(opts.format === 'json' ? renderRuleListJson(allRules) : renderRuleList(allRules));
    });
  program
    .command('explain')
    .description('Explain a rule: what it finds, why an API key does not prevent it, how to fix it')
    .argument('<rule>', 'rule code (MA101) or name (setattr-from-request)')
    .action((wanted: string) => {
      const rule = ruleByCode(wanted);
      if (!rule) throw new UsageError(`unknown rule "${wanted}"; run \`massassign rules\` to list them`);
      process.stdout.write(renderExplanation(rule));
    });
}
