// The settings a scan runs with: the config file's keys in camelCase, its globs made relative to the
// scanned folder, then overridden by whatever the command line sets.
import { dirname, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { Severity } from '../result.js';
import type { ModelRow } from '../frameworks/rows.js';
import type { FailOn } from './schema.js';
import type { LoadedConfig } from './load.js';

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
  select?: string[];
  ignore?: string[];
  failOn?: FailOn;
  models?: ModelRow[];
}

/** The config's settings for a scan of `scanFolder` (absolute); command-line `overrides` win key by key. */
export function resolveSettings(loaded: LoadedConfig | null, scanFolder: string, overrides: Settings): Settings {
  const fromFile: Settings = {};
  if (loaded) {
    const c = loaded.config;
    const rel = relative(dirname(loaded.file), scanFolder);
    const rebase = (globs?: string[]) => globs?.map((g) => rebaseGlob(g, rel)).filter((g): g is string => g !== null);
    Object.assign(fromFile, {
      include: rebase(c.include),
      exclude: rebase(c.exclude),
      sensitive: c.sensitive,
      notSensitive: c['not-sensitive'],
      extraSources: c['extra-sources'],
      extraSanitizers: c['extra-sanitizers'],
      extraSinks: c['extra-sinks'],
      apiKeyDecorators: c['api-key-decorators'],
      severity: c.severity,
      select: c.select,
      ignore: c.ignore,
      failOn: c['fail-on'],
      models: c.models,
    } satisfies Settings);
  }
  return { ...withoutUndefined(fromFile), ...withoutUndefined(overrides) };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Rewrites a glob written relative to the config's folder so it applies to paths relative to its subfolder
 * `rel` ('' for the same folder; globs are anchored there; a leading `**` matches at any depth). Null when the glob
 * cannot match anything in the subfolder.
 */
export function rebaseGlob(glob: string, rel: string): string | null {
  const segments = glob.replace(/^\.\//, '').replace(/\/$/, '').split('/');
  if (rel === '' || rel.startsWith('..')) return glob;
  for (const folder of rel.split(sep)) {
    if (segments.length === 0) return '**';
    if (segments[0] === '**') return segments.join('/');
    if (!picomatch.isMatch(folder, segments[0]!, { dot: true })) return null;
    segments.shift();
  }
  return segments.length === 0 ? '**' : segments.join('/');
}
