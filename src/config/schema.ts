// The config file's JSON schema (the `[tool.massassign]` table or `.massassign.toml`): what each key means and takes.
import type { Severity } from '../result.js';
import { modelRowSchema, type ModelRow } from '../frameworks/rows.js';

export type FailOn = Severity | 'never';

/** A validated config, keys as written in the file (kebab-case). */
export interface ConfigFile {
  include?: string[];
  exclude?: string[];
  sensitive?: string[];
  'not-sensitive'?: string[];
  'extra-sources'?: string[];
  'extra-sanitizers'?: string[];
  'extra-sinks'?: string[];
  'api-key-decorators'?: string[];
  severity?: Severity;
  select?: string[];
  ignore?: string[];
  'fail-on'?: FailOn;
  models?: ModelRow[];
}

export const severities: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
export const failOnValues: readonly FailOn[] = [...severities, 'never'];

const strings = (description: string) => ({ type: 'array', items: { type: 'string', minLength: 1 }, description });
const ruleRefs = (description: string) => ({
  type: 'array',
  items: { type: 'string', pattern: '^(MA[0-9]{3}|[a-z][a-z0-9-]*)$' },
  description,
});

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'massassign configuration',
  type: 'object',
  additionalProperties: false,
  properties: {
    include: strings('Globs of files to scan, relative to the config file\'s folder; when given, only matching files are read.'),
    exclude: strings('Globs of files to skip, relative to the config file\'s folder, on top of .gitignore and the built-in skips.'),
    sensitive: strings('Extra field names a caller must never write.'),
    'not-sensitive': strings('Field names never to treat as sensitive.'),
    'extra-sources': strings('Qualified names of functions whose result is the caller\'s whole request body (`myapp.util.payload`).'),
    'extra-sanitizers': strings('Qualified names of functions that return their argument bounded to safe keys.'),
    'extra-sinks': strings('Qualified names of functions that copy every key of a mapping argument onto their first argument (setattr-style helpers).'),
    'api-key-decorators': strings('Qualified names of decorators that authenticate the caller by API key.'),
    severity: { enum: severities, description: 'Report only findings at or above this severity.' },
    select: ruleRefs('Rule codes or names to report; every rule when absent.'),
    ignore: ruleRefs('Rule codes or names never to report.'),
    'fail-on': { enum: failOnValues, description: 'Exit 1 only for a finding at or above this severity; `never` always exits 0.' },
    models: { type: 'array', items: modelRowSchema, description: 'Library rows (`[[tool.massassign.models]]`), the shape of the built-in ones: see docs/models.md.' },
  },
} as const;
