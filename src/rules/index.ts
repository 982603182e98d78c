// The rule registry: every rule, sorted by code, and lookup by code or name.
// Generated from the rule files by `npm run docs` (src/rules/index-source.ts). Do not edit.
import type { Rule } from './rule.js';
import { bulkUpdateFromRequest } from './bulk-update-from-request.js';
import { clientChosenScope } from './client-chosen-scope.js';
import { dictUpdateFromRequest } from './dict-update-from-request.js';
import { kwargsFromRequest } from './kwargs-from-request.js';
import { pydanticModelPermitsSensitiveField } from './pydantic-model-permits-sensitive-field.js';
import { reqparseDeclaresSensitiveArgument } from './reqparse-declares-sensitive-argument.js';
import { schemaLoadsSensitiveField } from './schema-loads-sensitive-field.js';
import { setattrFromRequest } from './setattr-from-request.js';

export type { Rule, RuleDocs } from './rule.js';

export const allRules: Rule[] = [
  bulkUpdateFromRequest,
  clientChosenScope,
  dictUpdateFromRequest,
  kwargsFromRequest,
  pydanticModelPermitsSensitiveField,
  reqparseDeclaresSensitiveArgument,
  schemaLoadsSensitiveField,
  setattrFromRequest,
].sort((a, b) => a.code.localeCompare(b.code));

/** The rule with this code (`MA101`, any case) or name (`setattr-from-request`), or undefined. */
export function ruleByCode(codeOrName: string): Rule | undefined {
  const wanted = codeOrName.trim().toLowerCase();
  return allRules.find((rule) => rule.code.toLowerCase() === wanted || rule.name === wanted);
}
