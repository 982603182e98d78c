// The floor for scan speed: parse every .py file under a folder with the project's parser adapter and nothing
// else. Reading is done first and not timed; prints {files, bytes, seconds, syntaxErrors} as JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePython } from '../src/python/parse.js';

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: node --import tsx bench/bare-parse.ts <folder>\n');
  process.exit(2);
}
const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.py')).sort();
const sources = files.map((name) => readFileSync(join(root, name), 'utf8'));
const started = performance.now();
let syntaxErrors = 0;
for (const source of sources) {
  syntaxErrors += parsePython(source).syntaxErrors.length;
}
const seconds = (performance.now() - started) / 1000;
const bytes = sources.reduce((sum, source) => sum + Buffer.byteLength(source), 0);
process.stdout.write(`${JSON.stringify({ files: files.length, bytes, seconds, syntaxErrors })}\n`);
