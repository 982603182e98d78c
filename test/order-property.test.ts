// Order independence as a property: for every fixture project and rule fixture file, permuting the
// top-level functions of each module, permuting the order the analysis meets files in, and scanning a
// parent folder that holds it beside another project all give the same findings.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../src/analysis/analyze.js';
import { findPythonFiles, moduleNameOf } from '../src/files.js';
import { entryCodeTest } from '../src/frameworks/flask/request.js';
import { scan } from '../src/index.js';
import { lowerModule } from '../src/python/lower.js';
import { parsePython } from '../src/python/parse.js';
import { lineStartsOf } from '../src/python/positions.js';
import type { ModuleIR } from '../src/python/ir.js';
import type { Finding } from '../src/result.js';
import { scratchDir } from './helpers/scratch.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const work = scratchDir('massassign-order-');

/** A deterministic shuffle (mulberry32), so a failure is reproducible from the seed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Chunk {
  start: number;
  end: number;
  name: string;
}

/**
 * The module with its top-level functions reordered (each keeps its decorators). A function whose
 * name module-level code or a decorator uses stays where it is, so the permuted file is still Python
 * that runs the same.
 */
function permuteFunctions(source: string, seed: number): string {
  const lines = source.split('\n');
  const chunks: Chunk[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^(@|def |async def )/.test(lines[i]!)) continue;
    const start = i;
    while (i < lines.length && !/^(async )?def /.test(lines[i]!)) i++;
    const name = /def (\w+)/.exec(lines[i] ?? '')?.[1] ?? '';
    let end = i;
    for (let j = i + 1; j < lines.length && (lines[j]!.trim() === '' || /^\s/.test(lines[j]!)); j++) if (lines[j]!.trim() !== '') end = j;
    chunks.push({ start, end, name });
    i = end;
  }
  const inChunk = (line: number) => chunks.some((c) => line >= c.start && line <= c.end && !/^@/.test(lines[line]!));
  const outside = lines.filter((_, n) => !inChunk(n)).join('\n');
  const movable = chunks.filter((c) => c.name && !new RegExp(`\\b${c.name}\\b`).test(outside));
  if (movable.length < 2) return source;
  const texts = shuffled(movable, seed).map((c) => lines.slice(c.start, c.end + 1));
  const out: string[] = [];
  let next = 0;
  for (let n = 0; n < lines.length; n++) {
    const chunk = movable.find((c) => c.start === n);
    if (chunk) {
      out.push(...texts[next++]!);
      n = chunk.end;
    } else out.push(lines[n]!);
  }
  return out.join('\n');
}

/** A finding as position-free facts: the code on its line stands in for the line number. */
function signature(finding: Finding, sourceOf: (path: string) => string, prefix = ''): string {
  const path = finding.path.startsWith(prefix) ? finding.path.slice(prefix.length) : finding.path;
  const line = sourceOf(finding.path).split('\n')[finding.line - 1]?.trim() ?? '';
  const endpoint = finding.endpoint ? `${finding.endpoint.methods.join(',')} ${finding.endpoint.rule}` : '-';
  return [finding.rule, path, line, endpoint, finding.model ?? '-', finding.fields.join(','), finding.keys.kind, finding.keys.names.join(','), finding.severity].join(' | ');
}

async function findingsOf(root: string, prefix = ''): Promise<string[]> {
  const result = await scan({ path: root, workers: 1 });
  const base = statSync(root).isFile() ? join(root, '..') : root;
  return result.findings.map((f) => signature(f, (p) => readFileSync(join(base, p), 'utf8'), prefix)).sort();
}

/** Copies a fixture (a folder, or one file into a folder of its own) under `work`. */
function copyOf(fixture: string, name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  if (statSync(fixture).isFile()) cpSync(fixture, join(dir, basename(fixture)));
  else cpSync(fixture, dir, { recursive: true });
  return dir;
}

/** The analysis over modules lowered whole, in the order given: file order seen by the engine. */
function analyzeInOrder(root: string, order: (files: string[]) => string[]): string[] {
  const isEntry = entryCodeTest([]);
  const modules: ModuleIR[] = order(findPythonFiles(root).files).map((path) => {
    const source = readFileSync(join(root, path), 'utf8');
    return { path, ...moduleNameOf(path), source, lineStarts: lineStartsOf(source), body: lowerModule(parsePython(source).tree), entry: isEntry(source) };
  });
  const sources = new Map(modules.map((m) => [m.path, m.source]));
  return analyze(modules).findings.map((f) => signature(f, (p) => sources.get(p)!)).sort();
}

const ruleFiles = readdirSync(join(fixtures, 'rules'), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.py')).map((n) => join(fixtures, 'rules', n));
const projects = readdirSync(join(fixtures, 'projects')).map((n) => join(fixtures, 'projects', n)).filter((p) => statSync(p).isDirectory());
const cases = [...projects, ...ruleFiles].sort();

let counter = 0;
for (const fixture of cases) {
  test(`order does not change the findings of ${relative(fixtures, fixture)}`, async (t) => {
    const id = `case${counter++}`;
    const original = copyOf(fixture, `${id}/original`);
    const expected = await findingsOf(original);
    for (const seed of [1, 2]) {
      const permuted = copyOf(fixture, `${id}/permuted${seed}`);
      for (const file of findPythonFiles(permuted).files) {
        const path = join(permuted, file);
        writeFileSync(path, permuteFunctions(readFileSync(path, 'utf8'), seed + file.length));
      }
      assert.deepEqual(await findingsOf(permuted), expected, `functions permuted (seed ${seed})`);
      assert.deepEqual(analyzeInOrder(permuted, (files) => shuffled(files, seed)), analyzeInOrder(permuted, (files) => files), `files shuffled (seed ${seed})`);
    }
    assert.deepEqual(analyzeInOrder(original, (files) => [...files].reverse()), analyzeInOrder(original, (files) => files), 'files reversed');
    const neighbour = projects.find((p) => p !== fixture)!;
    const parent = join(work, `${id}/parent`);
    copyOf(fixture, `${id}/parent/mid`);
    copyOf(neighbour, `${id}/parent/aaa_neighbour`);
    copyOf(neighbour, `${id}/parent/zzz_neighbour`);
    await t.test('scanned from a parent folder beside another project', async () => {
      const inParent = (await findingsOf(parent, 'mid/')).filter((s) => !/neighbour\//.test(s.split(' | ')[1]!));
      assert.deepEqual(inParent, expected);
    });
  });
}
