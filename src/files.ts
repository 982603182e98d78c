// Finds the Python files to scan: walks the root, honours .gitignore files, --include/--exclude globs,
// and skips virtualenvs, site-packages, node_modules and hidden folders.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

const SKIPPED_DIRS = new Set(['node_modules', 'site-packages', 'dist-packages', '__pycache__', 'venv', 'env', 'build', 'dist']);

export interface FileWalkOptions {
  include?: string[];
  exclude?: string[];
}

/** Relative paths (with `/`) of the `.py` files under `root`, sorted. `root` may be a single file. */
export function findPythonFiles(root: string, options: FileWalkOptions = {}): string[] {
  const stat = statSync(root);
  if (stat.isFile()) return [''];
  const include = options.include?.length ? picomatch(options.include, { dot: true }) : undefined;
  const exclude = options.exclude?.length ? picomatch(options.exclude, { dot: true }) : undefined;
  const out: string[] = [];
  walk(root, root, [], out, include, exclude);
  return out.sort();
}

function walk(root: string, dir: string, ignores: { base: string; rules: Ignore }[], out: string[], include?: picomatch.Matcher, exclude?: picomatch.Matcher): void {
  const here = readGitignore(dir);
  const scoped = here ? [...ignores, { base: dir, rules: here }] : ignores;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    const rel = relative(root, full).split(sep).join('/');
    const isDir = entry.isDirectory();
    if (isDir && (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name) || isVirtualenv(full))) continue;
    if (scoped.some((g) => g.rules.ignores(relative(g.base, full).split(sep).join('/') + (isDir ? '/' : '')))) continue;
    if (exclude && (exclude(rel) || (isDir && exclude(`${rel}/`)))) continue;
    if (isDir) walk(root, full, scoped, out, include, exclude);
    else if (entry.isFile() && entry.name.endsWith('.py') && (!include || include(rel))) out.push(rel);
  }
}

function readGitignore(dir: string): Ignore | undefined {
  try {
    return ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8'));
  } catch {
    return undefined;
  }
}

function isVirtualenv(dir: string): boolean {
  try {
    return statSync(join(dir, 'pyvenv.cfg')).isFile();
  } catch {
    return false;
  }
}

/** The dotted module name of a relative path: `app/routes.py` → `app.routes`, `app/__init__.py` → `app`. */
export function moduleNameOf(relPath: string): { name: string; isPackage: boolean } {
  const parts = relPath.replace(/\.py$/, '').split('/');
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  return { name: parts.join('.') || '__init__', isPackage };
}
