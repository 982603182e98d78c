// Every scan setting declared once: its config key, flag, value shape and meaning. The config schema,
// the settings resolver, the `scan` flags and the key table in docs/config.md are all derived from this list.
import type { Confidence, Severity } from '../result.js';
import { modelRowSchema, type ModelRow } from '../frameworks/rows.js';

export type FailOn = Severity | 'never';

export const severities: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
export const failOnValues: readonly FailOn[] = [...severities, 'never'];
export const confidences: readonly Confidence[] = ['high', 'medium', 'low'];

/** The settings a scan runs with, camelCase. */
export interface Settings {
  include?: string[];
  exclude?: string[];
  sensitive?: string[];
  notSensitive?: string[];
  extraSources?: string[];
  extraSanitizers?: string[];
  extraSinks?: string[];
  apiKeyDecorators?: string[];
  severity?: Severity;
  minConfidence?: Confidence;
  select?: string[];
  ignore?: string[];
  failOn?: FailOn;
  models?: ModelRow[];
}

interface BaseSpec {
  /** The key in `Settings` (camelCase); the config key and flag are its kebab-case form. */
  key: keyof Settings;
  /** One sentence: the flag's help, the schema's description and the docs table's meaning. */
  meaning: string;
  /** How the value reads in the docs table, e.g. `list of globs`. */
  shape: string;
  /** The flag's value placeholder, e.g. `<glob>`. */
  placeholder: string;
}

export type OptionSpec =
  | (BaseSpec & { kind: 'list'; items?: 'rule' })
  | (BaseSpec & { kind: 'choice'; choices: readonly string[] })
  /** A list of tables (`[[tool.massassign.<key>]]`), config only: `row` is the JSON schema of one table. */
  | (BaseSpec & { kind: 'rows'; row: Record<string, unknown> });

const list = (key: keyof Settings, shape: string, placeholder: string, meaning: string): OptionSpec => ({ key, kind: 'list', shape, placeholder, meaning });
const choice = (key: keyof Settings, choices: readonly string[], placeholder: string, meaning: string): OptionSpec => ({
  key,
  kind: 'choice',
  choices,
  placeholder,
  shape: choices.map((c) => `\`${c}\``).join(', '),
  meaning,
});

export const scanOptions: readonly OptionSpec[] = [
  list('include', 'list of globs', '<glob>', 'Only files matching one of these globs are scanned.'),
  list('exclude', 'list of globs', '<glob>', 'Files to skip, on top of `.gitignore` and the built-in skips.'),
  list('sensitive', 'list of names', '<names>', 'Extra field names a caller must never write.'),
  list('notSensitive', 'list of names', '<names>', 'Field names never to treat as sensitive.'),
  list('extraSources', 'list of qualified names', '<names>', "Functions whose result is the caller's whole request body, e.g. `app.util.payload`."),
  list('extraSanitizers', 'list of qualified names', '<names>', 'Functions that return their argument bounded to safe keys.'),
  list('extraSinks', 'list of qualified names', '<names>', 'Functions that copy every key of a mapping argument onto their first argument, e.g. `app.util.assign_all`; reported as MA101.'),
  list('apiKeyDecorators', 'list of qualified names', '<names>', 'Decorators that authenticate the caller by API key, e.g. `app.auth.key_required`.'),
  choice('severity', severities, '<level>', 'Report only findings at or above this severity.'),
  choice('minConfidence', confidences, '<level>', 'Report only findings at or above this confidence (high > medium > low); a finding without a confidence counts as high.'),
  { ...list('select', 'list of rule codes or names', '<rules>', 'Report only these rules (`MA101` or `setattr-from-request`); every rule when absent.'), kind: 'list', items: 'rule' },
  { ...list('ignore', 'list of rule codes or names', '<rules>', 'Never report these rules.'), kind: 'list', items: 'rule' },
  choice('failOn', failOnValues, '<level>', 'Exit 1 only when a reported finding is at or above this severity; `never` always exits 0. Without it, any reported finding exits 1.'),
  {
    key: 'models',
    kind: 'rows',
    row: modelRowSchema,
    shape: 'list of tables',
    placeholder: '',
    meaning: 'Library rows (`[[tool.massassign.models]]`) in the shape of the built-in ones: sources, sinks, sanitizers and types; see docs/models.md.',
  },
];

/** `notSensitive` -> `not-sensitive`: the config key and the flag's name. */
export const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The docs/config.md key table, generated from `scanOptions`. */
export function optionTable(): string {
  const rows = scanOptions.map((o) => `| \`${kebab(o.key)}\` | ${o.shape} | ${o.meaning} | ${o.kind === 'rows' ? 'config only' : `\`--${kebab(o.key)}\``} |`);
  return ['| key | type | meaning | flag |', '|---|---|---|---|', ...rows].join('\n');
}

/** `docs` with the text between its `<!-- options:start ... -->` and `<!-- options:end -->` marks replaced by the table. */
export function withOptionTable(docs: string): string {
  return docs.replace(/(<!-- options:start[^>]*-->\n)[\s\S]*?(<!-- options:end -->)/, `$1${optionTable()}\n$2`);
}
