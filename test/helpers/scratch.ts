// Fresh scratch directories under the system temp folder, all removed when this test process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
const removeAll = () => made.forEach((dir) => rmSync(dir, { recursive: true, force: true }));

/** A new empty directory `<tmpdir>/<prefix>XXXXXX`, removed at process exit. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // registered on first use, so exit handlers of modules loaded earlier (flask-server's child kill) run first
  if (made.push(dir) === 1) process.once('exit', removeAll);
  return dir;
}
