// Which findings a run reports and whether it fails: rule selection by code or name, the severity
// threshold, and `fail-on`.
import type { Confidence, Finding, Severity } from '../result.js';
import type { FailOn } from '../config/schema.js';
import { ruleByCode } from '../rules/index.js';

const rank: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** A rule reference names the finding's rule: its code (any case) or its kebab-case name. */
export function namesRule(reference: string, finding: Pick<Finding, 'rule' | 'name'>): boolean {
  return reference.toUpperCase() === finding.rule || reference.toLowerCase() === finding.name;
}

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return rank[severity] >= rank[threshold];
}

export interface FindingFilter {
  /** Only these rules (codes or names); every rule when absent. */
  select?: string[];
  /** Never these rules. */
  ignore?: string[];
  /** Only findings at or above this severity. */
  severity?: Severity;
  /** Only findings at or above this confidence; one without a confidence counts as high. */
  minConfidence?: Confidence;
}

const confidenceRank: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

export function filterFindings(findings: Finding[], filter: FindingFilter): Finding[] {
  return findings.filter((finding) =>
    (!filter.select || filter.select.some((reference) => namesRule(reference, finding)))
    && !(filter.ignore ?? []).some((reference) => namesRule(reference, finding))
    && (!filter.severity || atOrAbove(finding.severity, filter.severity))
    && (!filter.minConfidence || confidenceRank[finding.confidence ?? 'high'] >= confidenceRank[filter.minConfidence]));
}

/** Whether the reported findings fail the run: any finding by default, none with `never`. */
export function failsRun(findings: Finding[], failOn?: FailOn): boolean {
  if (failOn === 'never') return false;
  return findings.some((finding) => !failOn || atOrAbove(finding.severity, failOn));
}

/** The references that name no rule, in the order given. */
export function unknownRules(references: string[]): string[] {
  return references.filter((reference) => !ruleByCode(reference));
}
