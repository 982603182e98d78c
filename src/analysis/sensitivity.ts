// Which field names a caller must not write, by category, as data; users add and remove names.
import type { SensitivityCategory } from '../result.js';

const RULES: [SensitivityCategory, RegExp][] = [
  ['privilege', /^(is_?admin|admin|is_?superuser|superuser|is_?staff|staff|roles?|user_?roles?|permissions?|perms|scopes?|groups?|tier|plan|privileges?|is_?owner|access_?level|level|is_?moderator|capabilities)$/i],
  ['credential', /(^|_)(api_?key|key|secret|password|passwd|pwd|hash|salt)(_|$)|_key$|token|^password|^secret|credentials?|^otp|mfa_secret/i],
  ['ownership', /^(id|uuid|pk|owner(_?id)?|user_?id|tenant_?id|account_?id|org(anization)?_?id|company_?id|customer_?id|created_?by|author_?id)$/i],
  ['limit', /(^|_)(rate_?limit|quota|credits?|credit_?limit|balance|price|discount)($|_)|_limit$|^max_\w+/i],
  ['server-state', /^(debug\w*|verified|is_?verified|email_?verified|is_?active|confirmed\w*|created_?at|updated_?at|deleted\w*|is_?deleted|is_?banned|banned|is_?disabled|is_?approved|approved|last_login\w*)$/i],
];

export interface SensitivityOptions {
  sensitive?: readonly string[];
  notSensitive?: readonly string[];
}

export class Sensitivity {
  private readonly extra: Set<string>;
  private readonly never: Set<string>;

  constructor(options: SensitivityOptions = {}) {
    this.extra = new Set((options.sensitive ?? []).map((n) => n.toLowerCase()));
    this.never = new Set((options.notSensitive ?? []).map((n) => n.toLowerCase()));
  }

  /** The category of a field, from its name and (when known) whether it is a primary or foreign key. */
  classify(name: string, facts: { primaryKey?: boolean; foreignKey?: string } = {}): SensitivityCategory | undefined {
    const lower = name.toLowerCase();
    if (this.never.has(lower)) return undefined;
    if (this.extra.has(lower)) return 'privilege';
    if (facts.primaryKey || facts.foreignKey) return 'ownership';
    return RULES.find(([, re]) => re.test(name))?.[0];
  }

  isPrivilege(name: string): boolean {
    return this.classify(name) === 'privilege';
  }
}
