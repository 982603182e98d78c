// Plain-words pieces every rule's message is built from: who can write, what, which keys, where.
import type { SinkHit } from '../analysis/hits.js';
import type { KeySet } from '../dataflow/keyset.js';

/** `a`, `a and b`, `a, b and c`. */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Who can reach the sink, from the endpoint's authentication. */
export function caller(hit: SinkHit): string {
  switch (hit.endpoint?.auth.kind) {
    case 'api_key': return 'Any API-key holder';
    case 'other': return 'Any authenticated caller';
    case 'none': return 'Anyone';
    default: return 'A caller';
  }
}

/** ` through POST /config`, or nothing when the sink is not tied to a route. */
export function via(hit: SinkHit): string {
  return hit.endpoint ? ` through ${hit.endpoint.methods.join('/')} ${hit.endpoint.rule}` : '';
}

/** The object written: its model's name when resolved, else its source text. */
export function target(hit: SinkHit): string {
  return hit.model?.name ?? `\`${hit.targetText}\``;
}

/** The keys the caller controls, as a noun phrase: `all keys of the request body except id`. */
export function keyPhrase(keys: KeySet): string {
  switch (keys.kind) {
    case 'any': return "the request body's keys";
    case 'anyBut': return `all keys of the request body except ${listWords([...keys.keys].sort())}`;
    case 'only': return `the keys ${listWords([...keys.keys].sort())}`;
    case 'none': return 'no caller keys';
  }
}

/**
 * The message of a key-set sink: who can set which fields on what, then how (`how` completes
 * "<keys> ..."), e.g. "are copied onto it with setattr". With no fields and no model, says so.
 */
export function fieldWriteMessage(hit: SinkHit, fields: readonly string[], how: string): string {
  const keys = keyPhrase(hit.keys);
  const sentenceStart = keys.charAt(0).toUpperCase() + keys.slice(1);
  if (fields.length > 0) {
    return `${caller(hit)} can set ${listWords(fields)} on ${target(hit)}${via(hit)}: ${keys} ${how}.`;
  }
  if (!hit.model) {
    const written = hit.keys.kind === 'only' ? listWords([...hit.keys.keys].sort()) : 'any attribute';
    const unbounded = hit.keys.kind === 'only' ? '' : ' and the keys are unbounded';
    return `${caller(hit)} can set ${written} on \`${hit.targetText}\`${via(hit)}: its model could not be resolved${unbounded}. ${sentenceStart} ${how}.`;
  }
  return `${caller(hit)} can choose which fields of ${hit.model.name} are written${via(hit)}: ${keys} ${how}.`;
}
