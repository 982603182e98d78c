// The settings a scan runs with: the config file's keys in camelCase, its globs made relative to the
// scanned folder, then overridden by whatever the command line sets.
import { dirname, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { kebab, scanOptions, type Settings } from './options.js';
import type { LoadedConfig } from './load.js';

export type { Settings } from './options.js';

/** The config's settings for a scan of `scanFolder` (absolute); command-line `overrides` win key by key. */
export function resolveSettings(loaded: LoadedConfig | null, scanFolder: string, overrides: Settings): Settings {
  const fromFile: Record<string, unknown> = {};
  if (loaded) {
    const rel = relative(dirname(loaded.file), scanFolder);
    for (const option of scanOptions) fromFile[option.key] = loaded.config[kebab(option.key)];
    for (const key of ['include', 'exclude'] as const) {
      fromFile[key] = (fromFile[key] as string[] | undefined)?.map((g) => rebaseGlob(g, rel)).filter((g): g is string => g !== null);
    }
  }
  return { ...withoutUndefined(fromFile as Settings), ...withoutUndefined(overrides) };
}

/** Only the option keys of `flags`, so unrelated flags never reach the scan. */
export function settingsOf(flags: Record<string, unknown>): Settings {
  return Object.fromEntries(scanOptions.map((option) => [option.key, flags[option.key]])) as Settings;
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
