// The fix, written for the code at hand: an allowlist of the model's own non-sensitive fields,
// a strict schema, or a server-side scope check, in the words and names of the finding.
import type { SinkHit } from '../analysis/hits.js';

export function remediationFor(hit: SinkHit, fields: string[]): string {
  const model = hit.model?.name ?? 'the object';
  const safe = hit.model ? hit.model.fields.filter((f) => !f.sensitive).map((f) => f.name) : [];
  const allowlist = `ALLOWED_FIELDS = {${safe.map((f) => `"${f}"`).join(', ') || '"<fields a client may set>"'}}`;
  // code lines are indented four spaces, as in Markdown, so reporters can set them as code
  const blocked = fields.length > 0 ? `, so ${fields.join(', ')} can no longer come from the caller` : '';
  if (hit.kind === 'privilege-value') return scopeCheck(hit.field ?? 'scope');
  if (hit.kind === 'schema-load' || hit.bound === 'marshmallow') {
    return `Make the schema strict${blocked}: declare ${fields.length ? fields.join(', ') : 'the sensitive fields'} dump_only=True (or list them in Meta.dump_only / Meta.exclude), keep unknown=RAISE, and let it load only the fields a client may set${safe.length ? ` (${safe.join(', ')})` : ''}.`;
  }
  if (hit.bound === 'pydantic') {
    return `Make the request model strict${blocked}: remove ${fields.length ? fields.join(', ') : 'the sensitive fields'} from it, forbid extra fields (v1: class Config: extra = Extra.forbid; v2: model_config = ConfigDict(extra="forbid")), and set those fields on the server.`;
  }
  if (hit.bound === 'reqparse') {
    return `Remove the add_argument() calls for ${fields.length ? fields.join(', ') : 'the sensitive fields'} from this endpoint's parser and set them on the server${safe.length ? `; the parser may declare ${safe.join(', ')}` : ''}.`;
  }
  switch (hit.kind) {
    case 'setattr':
    case 'dict-update':
      return `Copy only an explicit allowlist of ${model} fields${blocked}:\n${code(`${allowlist}\nfor key, value in data.items():\n    if key in ALLOWED_FIELDS:\n        setattr(${hit.targetText || 'obj'}, key, value)`)}\nA denylist, hasattr() or a "_" prefix check is not a fix: every column passes them.`;
    case 'constructor':
      return `Build ${model} from named fields, not from the caller's keys${blocked}:\n${code(`${allowlist}\n${model}(**{k: v for k, v in data.items() if k in ALLOWED_FIELDS})`)}\nor load the body with a strict schema (marshmallow with only those fields, or pydantic with extra fields forbidden) first.`;
    case 'query-update':
      return `Update only an explicit allowlist of ${model} columns${blocked}:\n${code(`${allowlist}\nvalues = {k: v for k, v in data.items() if k in ALLOWED_FIELDS}`)}\nthen pass values to the update, and scope the query to rows the caller owns.`;
  }
}

function scopeCheck(field: string): string {
  return `Do not store the caller's ${field} as sent. Check it on the server against the values that exist AND against what the caller itself holds, and refuse with 403 otherwise:\n${code(`requested = set(data.get("${field}", "").split())\nif not requested <= ALLOWED_SCOPES or not requested <= set(g.api_key.${field}.split()):\n    abort(403)`)}`;
}

function code(text: string): string {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}
