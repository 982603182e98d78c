// SARIF rule descriptors (`tool.driver.rules`) built from each rule's own docs, so the text a code
// scanning UI shows is the same text as `massassign explain` and docs/rules.
import type { ReportingDescriptor } from 'sarif';
import type { Rule } from '../rules/rule.js';
import { renderRuleHelp } from '../rules/render-markdown.js';
import type { Severity } from '../result.js';

/** GitHub code scanning's `security-severity` scale, as the string number it expects. */
export const securitySeverity: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

export const sarifLevel: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** A rule's severity when the endpoint is authenticated and a sensitive field is writable. */
const defaultSeverity: Severity = 'high';

export function sarifRule(rule: Rule): ReportingDescriptor {
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: rule.docs.summary },
    fullDescription: { text: rule.docs.whatItDoes },
    help: { text: `${rule.docs.whyBad}\n\nReferences:\n${rule.docs.references.join('\n')}`, markdown: renderRuleHelp(rule) },
    defaultConfiguration: { level: sarifLevel[defaultSeverity] },
    properties: {
      tags: ['security', 'CWE-915', 'OWASP-API3:2023'],
      precision: 'high',
      'security-severity': securitySeverity[defaultSeverity],
    },
  };
}
