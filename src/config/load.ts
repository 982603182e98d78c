// Finds and reads the config: `--config FILE`, or else the first `.massassign.toml` or `pyproject.toml`
// with a `[tool.massassign]` table from the scanned folder upwards. Bad files are one-line usage errors.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileSchema } from '../policy/schema.js';
import { UsageError } from '../cli/usage-error.js';
import { unknownRules } from '../policy/filter.js';
import { configSchema, type ConfigFile } from './schema.js';

export interface LoadedConfig {
  /** Absolute path of the file the config came from. */
  file: string;
  config: ConfigFile;
}

/** File names looked for in each folder, most specific first. */
const candidates = ['.massassign.toml', 'pyproject.toml'];

let validator: ValidateFunction<ConfigFile> | undefined;
/** Compiled on first use: most scans have no config file, and compiling costs startup time. */
const validate = () => (validator ??= compileSchema<ConfigFile>(configSchema, { verbose: true }));

/** The config for a scan of `scanPath`: from `explicitFile` when given, else discovered; null when there is none. */
export function loadConfig(scanPath: string, explicitFile?: string): LoadedConfig | null {
  if (explicitFile) {
    const file = resolve(explicitFile);
    const loaded = readConfigFile(file);
    if (!loaded) throw new UsageError(`${file}: no [tool.massassign] table`);
    return loaded;
  }
  for (let dir = startFolder(scanPath); ; dir = dirname(dir)) {
    for (const name of candidates) {
      const file = join(dir, name);
      const loaded = existsSync(file) ? readConfigFile(file) : null;
      if (loaded) return loaded;
    }
    if (dirname(dir) === dir) return null;
  }
}

/** The folder a scan of `scanPath` starts from: the path itself, or a file's folder. */
export function startFolder(scanPath: string): string {
  const path = resolve(scanPath);
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return dirname(path);
  }
}

/** Reads one file; null for a pyproject.toml without `[tool.massassign]`. */
export function readConfigFile(file: string): LoadedConfig | null {
  const document = parseToml(file);
  const inPyproject = basename(file) === 'pyproject.toml';
  const table = inPyproject ? (document.tool as Record<string, unknown> | undefined)?.massassign : document;
  if (table === undefined) return null;
  const prefix = inPyproject ? 'tool.massassign.' : '';
  if (!validate()(table)) throw new UsageError(describeError(file, prefix, validate().errors![0]));
  for (const key of ['select', 'ignore'] as const) {
    const unknown = unknownRules(table[key] ?? []);
    if (unknown.length > 0) throw new UsageError(`${file}: key "${prefix}${key}" names no rule: ${unknown.join(', ')}`);
  }
  return { file, config: table };
}

function parseToml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    throw new UsageError(`${file}:${error.line}:${error.column}: invalid TOML: ${error.message.split('\n')[0].replace(/^Invalid TOML document: /, '')}`);
  }
}

function describeError(file: string, prefix: string, error: ErrorObject): string {
  const key = error.instancePath.split('/')[1];
  if (key === undefined) {
    if (error.keyword === 'additionalProperties') {
      const unknown = (error.params as { additionalProperty: string }).additionalProperty;
      return `${file}: unknown key "${prefix}${unknown}" (known keys: ${Object.keys(configSchema.properties).join(', ')})`;
    }
    return `${file}: [${prefix.slice(0, -1)}] must be a table`;
  }
  const problem: Record<string, string> = {
    type: 'must be a list of strings',
    minLength: 'must not hold an empty string',
    enum: `must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')}, not ${JSON.stringify(error.data)}`,
    pattern: `holds ${JSON.stringify(error.data)}, which is neither a rule code (MA101) nor a rule name (setattr-from-request)`,
  };
  return `${file}: key "${prefix}${key}" ${problem[error.keyword] ?? error.message}`;
}
