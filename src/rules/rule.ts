// What a rule is: a stable code, a kebab-case name, its documentation, and the test that claims a sink hit.
import type { Severity } from '../result.js';
import type { SinkHit } from '../analysis/hits.js';

export interface RuleDocs {
  /** One sentence: the short description in `massassign rules` and SARIF `shortDescription`. */
  summary: string;
  whatItDoes: string;
  whyBad: string;
  /** A small Flask file the rule flags (the docs test scans it and expects this rule). */
  example: string;
  /** The same file fixed (the docs test scans it and expects silence). */
  useInstead: string;
  references: string[];
  faq: { question: string; answer: string }[];
}

export interface Rule {
  code: string;
  name: string;
  docs: RuleDocs;
  /** Severity when the endpoint is authenticated and a sensitive field is writable. */
  claims(hit: SinkHit): boolean;
  /** The finding's message for one hit, in plain words. */
  message(hit: SinkHit, fields: string[]): string;
}

export type { Severity };
