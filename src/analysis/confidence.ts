// How sure a finding is (high / medium / low, as Brakeman and Semgrep grade theirs), from how it was reached:
// the model resolved or only assumed, each field's evidence (the app's own code, a telling name, or a broad name), keys bounded or not.
import type { Confidence } from '../result.js';

/** How strongly one field is known to be beyond the client's reach. */
export type FieldEvidence = 'contract' | 'strong-name' | 'weak-name';

export interface ConfidenceInput {
  /** `resolved`: the write's model is known; `assumed`: a class-hierarchy candidate; `unknown`: none. */
  model: 'resolved' | 'assumed' | 'unknown';
  /** Evidence for each reported field. */
  fields: FieldEvidence[];
  /** The caller's keys are every key (or every key but a denylist) rather than a bounded set. */
  unboundedKeys: boolean;
}

export function confidenceOf(input: ConfidenceInput): Confidence {
  const strong = input.fields.some((f) => f !== 'weak-name');
  if (input.model === 'unknown') return input.fields.length > 0 && strong && !input.unboundedKeys ? 'medium' : 'low';
  if (input.model === 'assumed') return strong ? 'medium' : 'low';
  return strong ? 'high' : 'medium';
}
