// The config file's JSON schema (the `[tool.massassign]` table or `.massassign.toml`), derived from the option list.
import type { ModelRow } from '../frameworks/rows.js';
import { kebab, scanOptions, type OptionSpec } from './options.js';

export { failOnValues, severities, type FailOn } from './options.js';

/** A validated config, keys as written in the file (kebab-case). */
export type ConfigFile = Record<string, unknown> & { select?: string[]; ignore?: string[]; models?: ModelRow[] };

function propertyOf(option: OptionSpec): Record<string, unknown> {
  if (option.kind === 'choice') return { enum: option.choices, description: option.meaning };
  if (option.kind === 'rows') return { type: 'array', items: option.row, description: option.meaning };
  const items = option.items === 'rule' ? { type: 'string', pattern: '^(MA[0-9]{3}|[a-z][a-z0-9-]*)$' } : { type: 'string', minLength: 1 };
  return { type: 'array', items, description: option.meaning };
}

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'massassign configuration',
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(scanOptions.map((option) => [kebab(option.key), propertyOf(option)])),
};
