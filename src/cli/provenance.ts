// Where and how a report was made: date, massassign version, the git commit and repository root of the
// scanned folder when it is in one, and the settings in effect. Reporters show it; SARIF bases URIs on the root.
import { execFileSync } from 'node:child_process';
import type { Settings } from '../config/options.js';
import type { Provenance } from '../reporters/index.js';
import { VERSION } from '../version.js';

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function provenanceOf(root: string, settings: Settings, now = new Date()): Provenance {
  const settingsInWords = Object.entries(settings)
    .filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`);
  return {
    date: now.toISOString(),
    version: VERSION,
    commit: git(root, ['rev-parse', 'HEAD']),
    repositoryRoot: git(root, ['rev-parse', '--show-toplevel']),
    settings: settingsInWords,
  };
}
