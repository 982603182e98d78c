// The fields a fix lets a client write: what the contract says clients legitimately send when the code
// shows any, else the model's ordinary fields; a create endpoint also keeps the password a client sets for itself.
import type { SinkHit } from '../analysis/hits.js';
import type { ModelField } from '../result.js';

/** A credential a client chooses for its own new record (sign-up); never a key or token the server issues. */
const OWN_SECRET = /^(password|passwd|passphrase|pin)$/i;

export interface Allowlist {
  fields: string[];
  /** True when the project's own code says these are the fields clients write (then the fix is safe). */
  fromContract: boolean;
}

/** The allowlist for a hit's model, or undefined when the model is unknown or leaves a client nothing. */
export function allowlistFor(hit: SinkHit): Allowlist | undefined {
  const fields = hit.model?.fields;
  if (!fields) return undefined;
  const client = fields.filter((f) => f.contract?.owner === 'client');
  const creates = hit.kind === 'constructor'; // a new record, whatever route reaches it: one sink, one allowlist
  const ordinary = (f: ModelField) => !f.sensitive && !f.primaryKey && f.contract?.owner !== 'server';
  const ownSecret = (f: ModelField) => creates && f.sensitive === 'credential' && OWN_SECRET.test(f.name) && f.contract?.owner !== 'server';
  const chosen = client.length > 0 ? client : fields.filter((f) => ordinary(f) || ownSecret(f));
  if (chosen.length === 0) return undefined;
  return { fields: chosen.map((f) => f.name), fromContract: client.length > 0 };
}
