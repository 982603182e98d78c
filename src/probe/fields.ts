// Which properties the probe tries and which it leaves alone: the built-in dictionary, a name-based test for
// sensitive-looking keys a read returns, and the keys it never touches (primary keys; foreign keys and timestamps
// of objects it did not create, unless --aggressive).
import type { ModelField } from '../result.js';

/** Properties worth trying on an endpoint no static finding describes. */
export const DICTIONARY = [
  'is_admin', 'isAdmin', 'admin', 'role', 'roles', 'permissions', 'scope', 'scopes', 'is_staff', 'is_superuser',
  'tier', 'plan', 'credits', 'balance', 'credit_limit', 'api_key', 'owner_id', 'user_id', 'tenant_id', 'debug_mode',
  'rate_limit', 'quota', 'verified', 'is_verified', 'email_verified', 'approved', 'status',
];

const SENSITIVE_NAME = /(^|_)(is|has|can)_|admin|staff|superuser|role|permission|scope|privilege|tier|plan|credit|balance|quota|limit|api_?key|secret|token|password|owner|tenant|user_?id|debug|verified|approved|trusted|internal|locked|enabled/i;

export function looksSensitive(name: string): boolean {
  return SENSITIVE_NAME.test(name) || DICTIONARY.includes(name);
}

export type FieldRole = 'primary-key' | 'foreign-key' | 'timestamp' | 'plain';

/** What a key is, from the model the static scan resolved when there is one, else from its name. */
export function fieldRole(name: string, model?: ModelField): FieldRole {
  if (model?.primaryKey || name === 'id' || name === 'pk' || name === '_id') return 'primary-key';
  if (model?.foreignKey || /(_id|Id)$/.test(name)) return 'foreign-key';
  if (/(^|_)(created|updated|modified|deleted)(_at|_on)?$|_at$|^timestamp$|(At)$/.test(name)) return 'timestamp';
  return 'plain';
}

/** Why a key must not be probed on this object, or undefined when it may be. */
export function whyNotProbed(name: string, ownObject: boolean, aggressive: boolean, model?: ModelField): string | undefined {
  const role = fieldRole(name, model);
  if (role === 'primary-key') return 'primary key: never probed';
  if (role !== 'plain' && !ownObject && !aggressive) return `${role} of an existing object: probed only with --aggressive`;
  return undefined;
}
