// The tool's code stamp: its version and the size and time of each of its own module files, so a cache written
// by other code (a rebuilt checkout, an edited source tree) is never read as this code's answers.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';
import { digest } from './cache.js';

let stamp: string | undefined;

export function toolStamp(): string {
  if (stamp) return stamp;
  const code = dirname(dirname(fileURLToPath(import.meta.url)));
  const parts = [VERSION];
  for (const name of readdirSync(code, { recursive: true, encoding: 'utf8' }).sort()) {
    if (!/\.(js|ts)$/.test(name)) continue;
    const info = statSync(join(code, name));
    parts.push(`${name}:${info.size}:${info.mtimeMs}`);
  }
  stamp = digest(...parts);
  return stamp;
}
