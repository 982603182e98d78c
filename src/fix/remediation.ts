// The fix, written for the code at hand: an allowlist of the model's own non-sensitive fields,
// a strict schema, or a server-side scope check, in the words and names of the finding.
import type { SinkHit } from '../analysis/hits.js';

export function remediationFor(hit: SinkHit, fields: string[]): string {
  const model = hit.model?.name ?? 'the object';
  const safe = hit.model ? hit.model.fields.filter((f) => !f.sensitive).map((f) => f.name) : [];
  const allowlist = `ALLOWED_FIELDS = {${safe.map((f) => `"${f}"`).join(', ') || '"<fields a client may set>"'}}`;
  const blocked = fields.length > 0 ? ` so ${fields.join(', ')} can no longer be set by the caller` : '';
  switch (hit.kind) {
    case 'setattr':
    case 'dict-update':
      return `Copy only an explicit allowlist of ${model} fields${blocked}:\n${allowlist}\nfor key, value in data.items():\n    if key in ALLOWED_FIELDS:\n        setattr(${hit.targetText || 'obj'}, key, value)\nA denylist, hasattr() or a "_" prefix check is not a fix: every column passes them.`;
    case 'constructor':
      return `Build ${model} from named fields, not from the request's keys${blocked}:\n${allowlist}\n${model}(**{k: v for k, v in data.items() if k in ALLOWED_FIELDS})\nor load the body with a strict schema (marshmallow with only those fields, or pydantic with extra forbidden) first.`;
    case 'query-update':
      return `Update only an explicit allowlist of ${model} columns${blocked}:\n${allowlist}\nvalues = {k: v for k, v in data.items() if k in ALLOWED_FIELDS}\nthen pass \`values\` to the update. Scope the query to objects the caller owns.`;
    case 'schema-load':
      return `Make the schema strict${blocked}: declare ${fields.length ? fields.join(', ') : 'sensitive fields'} dump_only (or list them in Meta.exclude / Meta.dump_only), keep unknown=RAISE, and load only the fields a client may set${safe.length ? ` (${safe.join(', ')})` : ''}.`;
    case 'privilege-value':
      return `Do not take ${hit.field} from the request as given. Check it on the server against the set of values that exist AND against the caller's own grants before issuing or storing it, and refuse with 403 otherwise:\nrequested = set(data.get("${hit.field}", []))\nif not requested <= ALLOWED_${(hit.field ?? 'scope').toUpperCase()}S or not requested <= set(caller.${hit.field}):\n    abort(403)`;
  }
}
