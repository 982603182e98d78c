// A hit's fix: the claiming rule's own edits for the code at hand, with the allowlist a client keeps.
import type { SinkHit } from '../analysis/hits.js';
import type { Fix } from '../result.js';
import { allRules } from '../rules/index.js';
import { allowlistFor } from './allowlist.js';

/** The fix of the rule that claims `hit`, or undefined when it has none for this shape or the model is unknown. */
export function fixFor(hit: SinkHit, source: string, lineStarts: readonly number[]): Fix | undefined {
  const rule = allRules.find((r) => r.claims(hit));
  if (!rule?.fix) return undefined;
  return rule.fix(hit, { source, lineStarts, allowlist: allowlistFor(hit) ?? { fields: [], fromContract: false } });
}
