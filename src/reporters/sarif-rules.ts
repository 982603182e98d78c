// SARIF rule descriptors (`tool.driver.rules`) built from each rule's own docs, so the text a code
// scanning UI shows is the same text as `massassign explain` and docs/rules.
import type { ReportingDescriptor } from 'sarif';
import type { Rule } from '../rules/rule.js';
import { renderRuleHelp } from '../rules/render-markdown.js';
import type { Confidence, Severity } from '../result.js';
import { ruleDocsUrl } from '../rules/render-markdown.js';

/** GitHub code scanning's `security-severity` scale, as the string number it expects. */
export const securitySeverity: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

export const sarifLevel: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** A rule's severity when the endpoint is authenticated and a sensitive field is writable. */
const defaultSeverity: Severity = 'high';

/** SARIF `precision` from a finding's confidence (absent counts as high). */
export const sarifPrecision: Record<Confidence, 'high' | 'medium' | 'low'> = { high: 'high', medium: 'medium', low: 'low' };

/**
 * GitHub code scanning reads `security-severity` and `precision` from the rule, not the result, so each
 * severity and confidence a rule's findings take gets its own descriptor: `MA101` for high severity and
 * confidence, `MA101/critical`, `MA101/medium/low` (severity, then confidence) otherwise.
 */
export function variantId(code: string, severity: Severity, confidence: Confidence = 'high'): string {
  const parts = [code, ...(severity !== defaultSeverity || confidence !== 'high' ? [severity] : []), ...(confidence !== 'high' ? [confidence] : [])];
  return parts.join('/');
}

export function sarifRule(rule: Rule, severity: Severity = defaultSeverity, confidence: Confidence = 'high'): ReportingDescriptor {
  return {
    id: variantId(rule.code, severity, confidence),
    name: rule.name,
    shortDescription: { text: rule.docs.summary },
    fullDescription: { text: rule.docs.whatItDoes },
    help: { text: `${rule.docs.whyBad}\n\nReferences:\n${rule.docs.references.join('\n')}`, markdown: renderRuleHelp(rule) },
    helpUri: ruleDocsUrl(rule),
    defaultConfiguration: { level: sarifLevel[severity] },
    properties: {
      tags: ['security', 'CWE-915', 'OWASP-API3:2023'],
      precision: sarifPrecision[confidence],
      'security-severity': securitySeverity[severity],
      massassignRule: rule.code,
    },
  };
}
