// The one field classifier, for the scan and the probe: which field names a caller must not write, by kind
// (privilege, credential, ownership, reference, money, limit, state, reputation, date), as data; users add and remove names.
import type { SensitivityCategory } from '../result.js';

/** What a field name says it is; each kind reports under one of the result's categories. */
export type FieldKind = 'privilege' | 'credential' | 'ownership' | 'reference' | 'money' | 'limit' | 'state' | 'reputation' | 'date';

const CATEGORY: Record<FieldKind, SensitivityCategory> = {
  privilege: 'privilege',
  credential: 'credential',
  ownership: 'ownership',
  reference: 'ownership',
  money: 'limit',
  limit: 'limit',
  state: 'server-state',
  reputation: 'server-state',
  date: 'server-state',
};

/** The words a reason uses for each kind: `money field by name`. */
export const KIND_WORDS: Record<FieldKind, string> = {
  privilege: 'privilege',
  credential: 'credential',
  ownership: 'ownership',
  reference: 'reference to another record',
  money: 'money',
  limit: 'limit or quota',
  state: 'state or flag',
  reputation: 'reputation score',
  date: 'server-kept date',
};

// Names are matched in snake_case (`isAdmin` is read as `is_admin`); the first kind that matches wins.
const RULES: [FieldKind, RegExp][] = [
  ['privilege', /^(is_?admin|admin|is_?superuser|superuser|is_?staff|staff|roles?|user_?roles?|permissions?|perms|scopes?|groups?|tier|plan|privileges?|is_?owner|access_?level|level|is_?moderator|capabilities)$/],
  ['credential', /(^|_)(api_?key|key|secret|password|passwd|pwd|hash|salt)(_|$)|_key$|token|^password|^secret|credentials?|^otp|mfa_secret/],
  ['ownership', /^(id|uuid|pk|owner(_?id)?|user_?id|tenant_?id|account_?id|org(anization)?_?id|company_?id|customer_?id|created_?by|updated_?by|author_?id)$/],
  ['limit', /(^|_)(rate_?limit|quota|credit_?limit)($|_)|_limit$|^max_\w+/],
  ['money', /(^|_)(amount|price|cost|balance|credits?|discount|fee|fees|total|subtotal|tax|salary|payout|refund(ed)?|wallet|cents)($|_)|_cents$/],
  ['state', /^(is_|has_)?(status|state|approved|verified|email_?verified|confirmed\w*|published|featured|locked|banned|suspended|blocked|disabled|deleted|archived|flagged|enabled|active|activated|paid|settled|trusted|internal|moderator)$|^(is|has|can)_\w+$|_(locked|enabled|verified|approved|trusted|internal|banned|suspended|featured|published|flagged|status|state)$|^deleted\w*|^debug\w*|^confirmed\w*/],
  ['reputation', /^(score|karma|reputation|rating|rank|ranking|points|trust_?score|stars|votes?|upvotes|downvotes|likes?|followers|\w+_count|\w+_score)$/],
  ['date', /_(at|on|date)$|^date_\w+|^last_\w+|^expires?(_\w+)?$|^expiry$|^timestamp$/],
  ['reference', /_id$|_uuid$/],
];

const PRIMARY_KEY_NAME = /^(id|pk|_id|uuid)$/;

/** `isAdmin` and `ownerId` as `is_admin` and `owner_id`: one spelling for the rules. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export interface SensitivityOptions {
  sensitive?: readonly string[];
  notSensitive?: readonly string[];
}

export interface FieldFacts {
  primaryKey?: boolean;
  foreignKey?: string;
}

export class Sensitivity {
  private readonly extra: Set<string>;
  private readonly never: Set<string>;

  constructor(options: SensitivityOptions = {}) {
    this.extra = new Set((options.sensitive ?? []).map((n) => n.toLowerCase()));
    this.never = new Set((options.notSensitive ?? []).map((n) => n.toLowerCase()));
  }

  /** The kind of a field, from its name and (when known) whether it is a primary or foreign key. */
  kindOf(name: string, facts: FieldFacts = {}): FieldKind | undefined {
    const lower = name.toLowerCase();
    if (this.never.has(lower)) return undefined;
    if (this.extra.has(lower)) return 'privilege';
    if (facts.primaryKey) return 'ownership';
    const snake = snakeCase(name);
    const byName = RULES.find(([, re]) => re.test(snake))?.[0];
    if (facts.foreignKey && (byName === undefined || byName === 'reference')) return 'reference';
    return byName;
  }

  /** The result category of a field (see kindOf). */
  classify(name: string, facts: FieldFacts = {}): SensitivityCategory | undefined {
    const kind = this.kindOf(name, facts);
    return kind && CATEGORY[kind];
  }

  isPrivilege(name: string): boolean {
    return this.kindOf(name) === 'privilege';
  }
}

/** A name that says "primary key" when no model says which column is. */
export function looksLikePrimaryKey(name: string): boolean {
  return PRIMARY_KEY_NAME.test(name);
}

/** Passwords a client sends for its own new record (sign-up): input, unlike keys, tokens and hashes. */
export function isPasswordInput(name: string): boolean {
  return /^(password|passwd|pwd|new_password|password1|password2|confirm_password|password_confirmation)$/.test(snakeCase(name));
}
