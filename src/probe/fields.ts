// Which properties the probe tries and which it leaves alone: the built-in dictionary, the scan's own classifier for
// sensitive-looking keys a read returns, and the keys it never touches (primary keys; foreign keys and timestamps
// of objects it did not create, unless --aggressive).
import { looksLikePrimaryKey, Sensitivity } from '../analysis/sensitivity.js';
import type { ModelField } from '../result.js';

/** Properties worth trying on an endpoint no static finding describes. */
export const DICTIONARY = [
  'is_admin', 'isAdmin', 'admin', 'role', 'roles', 'permissions', 'scope', 'scopes', 'is_staff', 'is_superuser',
  'tier', 'plan', 'credits', 'balance', 'credit_limit', 'api_key', 'owner_id', 'user_id', 'tenant_id', 'debug_mode',
  'rate_limit', 'quota', 'verified', 'is_verified', 'email_verified', 'approved', 'status',
];

const classifier = new Sensitivity();

/** The same test the scan applies to a model field's name (one classifier for scan and probe). */
export function looksSensitive(name: string): boolean {
  return classifier.classify(name) !== undefined;
}

export type FieldRole = 'primary-key' | 'foreign-key' | 'timestamp' | 'plain';

/** What a key is, from the model the static scan resolved when there is one, else from its name. */
export function fieldRole(name: string, model?: ModelField): FieldRole {
  if (model?.primaryKey || looksLikePrimaryKey(name)) return 'primary-key';
  const kind = classifier.kindOf(name, model ?? {});
  if (model?.foreignKey || kind === 'reference' || (kind === 'ownership' && /_?id$/i.test(name))) return 'foreign-key';
  if (kind === 'date' || /^(created|updated|modified|deleted)$/.test(name)) return 'timestamp';
  return 'plain';
}

/** Why a key must not be probed on this object, or undefined when it may be. */
export function whyNotProbed(name: string, ownObject: boolean, aggressive: boolean, model?: ModelField): string | undefined {
  const role = fieldRole(name, model);
  if (role === 'primary-key') return 'primary key: never probed';
  if (role !== 'plain' && !ownObject && !aggressive) return `${role} of an existing object: probed only with --aggressive`;
  return undefined;
}
