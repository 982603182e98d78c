// What a rule is: a stable code, a kebab-case name, its documentation, the test that claims a sink hit,
// and what it says and edits about that hit: message, remediation and fix live with the rule.
import type { Fix, Severity } from '../result.js';
import type { SinkHit } from '../analysis/hits.js';
import type { FixContext } from '../fix/sink-edits.js';

export interface RuleDocs {
  /** One sentence: the short description in `massassign rules` and SARIF `shortDescription`. */
  summary: string;
  whatItDoes: string;
  whyBad: string;
  /** A small Flask file the rule flags (the docs test scans it and expects this rule). */
  example: string;
  /** The same file fixed (the docs test scans it and expects silence). */
  useInstead: string;
  /** The attack the example falls to and a legitimate request, run under Flask against the example, the fix and the applied fix. */
  proof: RuleProof;
  references: string[];
  faq: { question: string; answer: string }[];
}

/**
 * Requests sent with an API key (scope `config:write`) to a fresh copy of the example app, after the `seed`
 * row (Python over the app module `m`); `stored` and `legitimateStored` are Python expressions read afterwards.
 */
export interface RuleProof {
  seed?: string;
  method: 'post' | 'put' | 'patch';
  path: string;
  attack: Record<string, unknown>;
  stored: string;
  /** What `stored` holds when the attack worked. */
  attacked: unknown;
  legitimate: Record<string, unknown>;
  legitimateStored: string;
  legitimateValue: unknown;
  /** Why the applied fix cannot keep the legitimate request working, when it cannot (a known gap). */
  legitimateTodo?: string;
}

export interface Rule {
  code: string;
  name: string;
  docs: RuleDocs;
  /** Severity when the endpoint is authenticated and a sensitive field is writable. */
  claims(hit: SinkHit): boolean;
  /** The finding's message for one hit, in plain words. */
  message(hit: SinkHit, fields: string[]): string;
  /** How to fix it, for the code at hand; code lines are indented four spaces, as in Markdown. */
  remediation(hit: SinkHit, fields: string[]): string;
  /** The edits that fix it, when the code has a shape this rule can edit; undefined otherwise. */
  fix?(hit: SinkHit, context: FixContext): Fix | undefined;
}

export type { Severity };
